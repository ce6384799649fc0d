//! Two people for sensitive acts (issue #12), both profiles: once a campaign is open an admin
//! alone can neither obtain a member's credential nor change the formula; a second person
//! approves or rejects, never the requester; each request is decided once and audited.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{spawn_app, Backend};

both_backends!(an_admin_alone_gets_no_credential_and_changes_no_formula);

async fn an_admin_alone_gets_no_credential_and_changes_no_formula(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    let monitor = app.signed_in("li", "monitor").await;
    app.add_staff("wang", "admin", "wang-secret-123");
    let second = app.sign_in("wang", "wang-secret-123").await.unwrap();
    app.add_staff("qian", "auditor", "qian-secret-123");
    let auditor = app.sign_in("qian", "qian-secret-123").await.unwrap();

    // No way to a member's credential: no list or letters to regenerate, and a re-issue or
    // an import is a request that carries none.
    for path in ["/campaigns/demo/invitations.csv", "/campaigns/demo/letters?member=P0005"] {
        assert_eq!(app.admin_call(Some(&admin), "GET", path, false).await.0, 404, "{path}");
    }
    let (status, body) =
        app.admin_send(&admin, "POST", "/campaigns/demo/invitations/P0005/reissue", "").await;
    assert_eq!(status, 202, "{body}");
    assert!(!body.to_string().contains("#i="), "no link in a request: {body}");
    let roster = "成员编号,界别,区县,手机号\nZ0001,企业界,城关区,13700137001\n";
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns/demo/roster", roster).await;
    assert_eq!((status, body["approval"]["kind"].as_str()), (202, Some("add_members")), "{body}");
    assert!(!body.to_string().contains("13700137001"), "{body}");
    assert_eq!(app.invitation_status(&app.invites[4].token).await.0, 200, "P0005's own letter still works");
    // A member who has answered needs nothing re-issued (and a new credential would only blur
    // the count of ballots through late credentials).
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    let (status, body) =
        app.admin_send(&admin, "POST", "/campaigns/demo/invitations/P0001/reissue", "").await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_answered")), "{body}");

    // The formula: a request, rejected by an auditor — nothing changes.
    let weights = |p: &str, q: &str| json!({ "formula": { "class_weights": { "panel": p, "public": q } }, "override_reason": "考评委决定" });
    let before = app.get_json("/api/v1/campaigns/demo").await.1;
    let (status, body) =
        app.admin_send(&admin, "PUT", "/campaigns/demo/formula", weights("0.5", "0.5").to_string()).await;
    assert_eq!(status, 202, "{body}");
    let id = body["approval"]["id"].as_i64().unwrap();
    let decide = |id: i64, verb: &str| format!("/campaigns/demo/approvals/{id}/{verb}");
    assert_eq!(
        app.admin_send(&monitor, "POST", &decide(id, "approve"), "").await.0,
        403,
        "a monitor decides nothing"
    );
    let (status, body) = app.admin_send(&admin, "POST", &decide(id, "approve"), "").await;
    assert_eq!((status, body["error"].as_str()), (403, Some("own_request")));
    let (status, body) = app.admin_send(&auditor, "POST", &decide(id, "reject"), "").await;
    assert_eq!((status, body["approval"]["status"].as_str()), (200, Some("rejected")), "{body}");
    let (status, body) = app.admin_send(&second, "POST", &decide(id, "approve"), "").await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_decided")), "{body}");
    let formula = |v: &Value| v["formula"]["class_weights"].clone();
    assert_eq!(formula(&app.get_json("/api/v1/campaigns/demo").await.1), formula(&before));

    // Asked again and approved by another admin: carried out in the approver's name.
    let (_, body) =
        app.admin_send(&admin, "PUT", "/campaigns/demo/formula", weights("0.65", "0.35").to_string()).await;
    let id = body["approval"]["id"].as_i64().unwrap();
    let summary = body["approval"]["summary"].as_str().unwrap().to_owned();
    assert!(
        summary.contains("class_weights") && summary.contains("0.65"),
        "the approver sees the change: {summary}"
    );
    let (_, later) =
        app.admin_send(&admin, "PUT", "/campaigns/demo/formula", weights("0.7", "0.3").to_string()).await;
    let (status, body) = app.admin_send(&second, "POST", &decide(id, "approve"), "").await;
    assert_eq!((status, body["approval"]["status"].as_str()), (200, Some("approved")), "{body}");
    // The other request was asked against the formula before: it is no longer what was asked.
    let later = later["approval"]["id"].as_i64().unwrap();
    let (status, body) = app.admin_send(&auditor, "POST", &decide(later, "approve"), "").await;
    assert_eq!((status, body["error"].as_str()), (409, Some("stale_request")), "{body}");
    assert_eq!(app.admin_send(&auditor, "POST", &decide(later, "reject"), "").await.0, 200);
    let (_, results) = app.admin_call(Some(&admin), "GET", "/campaigns/demo/results", false).await;
    let results: Value = serde_json::from_slice(&results).unwrap();
    assert_eq!(results["formula"]["class_weights"]["panel"], "0.65", "{}", results["formula"]);

    // Every step in the audit log, both names.
    let (_, log) = app.admin_call(Some(&auditor), "GET", "/audit?campaign=demo", false).await;
    let log: Value = serde_json::from_slice(&log).unwrap();
    let of = |action: &str| -> Vec<String> {
        (log.as_array().unwrap().iter())
            .filter(|e| e["action"] == action)
            .map(|e| format!("{} {}", e["actor"].as_str().unwrap(), e["detail"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(of("approval.request").len(), 5, "{log}");
    assert!(of("approval.reject")[0].starts_with("staff:qian request"), "{:?}", of("approval.reject"));
    let changed = of("campaign.formula");
    assert!(
        changed[0].starts_with("staff:wang (approving") && changed[0].contains("staff:zhang"),
        "{changed:?}"
    );

    // Closed: nothing more is asked or approved.
    let pending = app.admin_call(Some(&admin), "GET", "/campaigns/demo/approvals", false).await.1;
    let pending: Value = serde_json::from_slice(&pending).unwrap();
    let open_id = pending.as_array().unwrap().iter().find(|a| a["status"] == "pending").unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(app.admin_call(Some(&admin), "POST", "/campaigns/demo/close", true).await.0, 200);
    let (status, body) = app.admin_send(&second, "POST", &decide(open_id, "approve"), "").await;
    assert_eq!((status, body["error"].as_str()), (409, Some("frozen")), "{body}");
    app.finish().await;
}
