//! The audit log's hash chain (issue #12): `minping audit verify` finds one edited row; the
//! head of a campaign's chain is there for its fingerprint. And a closed campaign is frozen:
//! no roster import, re-issue or settings change.

use serde_json::json;

use crate::both_backends;
use crate::harness::{ok, spawn_app, Backend};

both_backends!(
    the_audit_chain_finds_one_edited_row,
    entries_from_before_the_chain_are_chained_at_the_next_start,
    a_closed_campaign_is_frozen
);

/// A database from before the chain: entries without hashes and no heads. The next start (any
/// command opens the store) chains them in the order they were written.
async fn entries_from_before_the_chain_are_chained_at_the_next_start(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    let settings = json!({ "response_target": 70 }).to_string();
    assert_eq!(app.admin_send(&admin, "PUT", "/campaigns/demo/settings", settings).await.0, 204);
    app.execute_sql("UPDATE audit_log SET prev_hash = NULL, hash = NULL").await;
    app.execute_sql("DELETE FROM audit_heads").await;
    let said = ok(app.minping(&["audit", "verify"]));
    assert!(said.contains("全部核验通过"), "{said}");
    let log = app.state.store.audit_log(None).await.unwrap();
    assert!(log.iter().all(|e| e.hash.is_some()), "every entry is chained");
    app.finish().await;
}

async fn the_audit_chain_finds_one_edited_row(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    for target in [70, 75, 80] {
        let settings = json!({ "response_target": target });
        assert_eq!(
            app.admin_send(&admin, "PUT", "/campaigns/demo/settings", settings.to_string()).await.0,
            204
        );
    }
    ok(app.minping(&["campaign", "settings", "demo", "--response-target", "85"]));
    // Appends at the same time take turns: the chain stays whole.
    let id = app.campaign_id().await;
    let appends = (0..20).map(|i| {
        let entry = minping::store::AuditEntry {
            actor: "staff:zhang".into(),
            action: "test.append".into(),
            campaign_id: Some(id),
            detail: format!("append {i}"),
        };
        let store = app.state.store.clone();
        async move { store.append_audit(&entry).await }
    });
    assert!(futures_util::future::join_all(appends).await.iter().all(Result::is_ok));
    let said = ok(app.minping(&["audit", "verify", "demo"]));
    assert!(said.contains("通过") && said.contains("全部核验通过"), "{said}");
    assert!(ok(app.minping(&["audit", "verify"])).contains("全部核验通过"));

    // The head the close will pin is the last entry's hash.
    let log = app.state.store.audit_log(Some(id)).await.unwrap();
    let head = app.state.store.audit_head(Some(id)).await.unwrap();
    assert_eq!(head.as_deref(), log.last().unwrap().hash.as_deref());
    assert!(said.contains(head.as_deref().unwrap()), "the check names the head");

    // Someone with the database edits one entry: the check says which, and fails.
    let edited = &log[log.len() - 2];
    app.execute_sql(&format!("UPDATE audit_log SET detail = 'nothing happened' WHERE id = {}", edited.id))
        .await;
    let refused = app.minping(&["audit", "verify", "demo"]);
    assert!(!refused.status.success(), "an edited entry passed");
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(said.contains(&format!("第 {} 号记录内容与哈希不符", edited.id)), "{said}");
    // Deleting the newest entry instead shows at the head.
    app.execute_sql(&format!(
        "UPDATE audit_log SET detail = '{}' WHERE id = {}",
        edited.detail.replace('\'', "''"),
        edited.id
    ))
    .await;
    assert!(app.minping(&["audit", "verify", "demo"]).status.success(), "restored, it holds again");
    app.execute_sql(&format!("DELETE FROM audit_log WHERE id = {}", log.last().unwrap().id)).await;
    let refused = app.minping(&["audit", "verify", "demo"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stdout).contains("末尾的记录被删除"));
    app.finish().await;
}

async fn a_closed_campaign_is_frozen(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    assert_eq!(app.admin_call(Some(&admin), "POST", "/campaigns/demo/close", true).await.0, 200);
    let roster = "成员编号,界别,区县\nX9001,企业界,城关区\n";
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns/demo/roster", roster).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("frozen")), "a roster import: {body}");
    let (status, body) =
        app.admin_send(&admin, "POST", "/campaigns/demo/invitations/P0001/reissue", "").await;
    assert_eq!((status, body["error"].as_str()), (409, Some("frozen")), "a re-issue: {body}");
    let settings = json!({ "response_target": 50 }).to_string();
    let (status, body) = app.admin_send(&admin, "PUT", "/campaigns/demo/settings", settings).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("frozen")), "settings: {body}");
    assert!(body["message"].as_str().unwrap().contains("设置已冻结"), "{body}");
    // The command line too.
    let file = app.settings.data_dir.join("late.csv");
    std::fs::write(&file, roster).unwrap();
    let out = app.settings.data_dir.join("late-invitations.csv");
    let refused =
        app.minping(&["roster", "import", "demo", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("名单已冻结"), "said in Chinese");
    assert!(!app.minping(&["roster", "reissue", "demo", "P0002"]).status.success());
    assert_eq!(
        app.state.store.invitation_count(app.campaign_id().await).await.unwrap(),
        crate::harness::PANEL as i64
    );
    app.finish().await;
}
