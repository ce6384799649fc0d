//! The panel roster: import (CSV, XLSX), invitations, letters, re-issue — by API and CLI.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{faulty_rows, ok, spawn_app, unit_codes_of, Backend, Staff, TestApp};

/// An admin added with `minping user add --generate-password`, signed in with the password it printed.
async fn admin(app: &TestApp) -> Staff {
    let out = ok(app.minping(&["user", "add", "zhou", "--role", "admin", "--generate-password"]));
    let shown = out.lines().find(|l| l.contains("只显示这一次")).expect("the password is shown once");
    let password = shown.rsplit('：').next().unwrap();
    app.sign_in("zhou", password).await.unwrap()
}

fn roster_xlsx(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["成员编号", "界别", "区县", "手机号"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (code, segment, district, mobile)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *code).unwrap();
        sheet.write_string(r, 1, *segment).unwrap();
        sheet.write_string(r, 2, *district).unwrap();
        if let Ok(n) = mobile.parse::<f64>() {
            sheet.write_number(r, 3, n).unwrap(); // typed as a number, as Excel users do
        }
    }
    book.save_to_buffer().unwrap()
}

async fn a_roster_becomes_invitations_that_vote_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let who = admin(&app).await;
    app.add_staff("qian", "auditor", "qian-secret-123");
    let auditor = app.sign_in("qian", "qian-secret-123").await.unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml");
    ok(app.minping(&["campaign", "create", example]));

    // A bad file: every fault reported, nothing imported.
    let bad = "成员编号,界别,区县,手机号\nM1,人大代表,城关区,1234\nM1,,城关区,\n";
    let (status, body) = app.admin_send(&who, "POST", "/campaigns/2026-city/roster", bad).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_rows")), "{body}");
    assert_eq!(faulty_rows(&body), [(2, "手机号"), (3, "成员编号"), (3, "界别")]);

    // Before opening: imported and issued at once; the list and the letters come with the
    // answer, the only time the credentials exist in clear.
    let xlsx = roster_xlsx(&[
        ("M1", "人大代表", "城关区", "13800138000"),
        ("M2", "企业界", "高新区", ""),
        ("M3", "企业界", "城关区", ""),
    ]);
    let (status, body) = app.admin_send(&who, "POST", "/campaigns/2026-city/roster", xlsx.clone()).await;
    assert_eq!((status, body["imported"].as_u64()), (201, Some(3)), "{body}");
    let (status, again) = app.admin_send(&who, "POST", "/campaigns/2026-city/roster", xlsx).await;
    assert_eq!((status, again["error"].as_str()), (409, Some("already_invited")), "members are invited once");
    let csv = body["csv"].as_str().unwrap();
    let mut reader = csv::Reader::from_reader(&csv.as_bytes()[3..]);
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l[3].as_bytes()[0].is_ascii_alphanumeric()), "no token reads as a formula");
    let page = body["letters_html"].as_str().unwrap();
    assert_eq!(page.matches("<section class=\"letter\">").count(), 3);
    assert!(page.contains("<svg") && page.contains(&lines[1][4]), "QR code and short code");
    // The server cannot make them again: there is no list or letter to fetch later.
    for path in ["/campaigns/2026-city/invitations.csv", "/campaigns/2026-city/letters"] {
        assert_eq!(app.admin_call(Some(&who), "GET", path, false).await.0, 404, "{path}");
    }
    ok(app.minping(&["campaign", "open", "2026-city"]));

    let campaign: Value = app.get_json("/api/v1/campaigns/2026-city").await.1;
    let ratings: serde_json::Map<String, Value> =
        unit_codes_of(&campaign).into_iter().map(|code| (code, json!("satisfied"))).collect();
    let ballot = |invitation: &str| json!({ "invitation": invitation, "ratings": ratings });
    let submit = |b: Value| {
        let app = &app;
        async move { app.post_raw("/api/v1/campaigns/2026-city/ballots", b.to_string()).await.0 }
    };
    assert_eq!(submit(ballot(&lines[0][3])).await, 201);
    assert_eq!(submit(ballot(&lines[0][4])).await, 409, "the short code is the same member");

    // Open: a lost invitation is re-issued only with a second person's approval, and only the
    // approver sees the new one; the requester cannot approve their own request.
    let (status, asked) =
        app.admin_send(&who, "POST", "/campaigns/2026-city/invitations/M2/reissue", Vec::new()).await;
    assert_eq!(status, 202, "{asked}");
    assert!(asked.get("token").is_none() && asked.get("invitations").is_none(), "{asked}");
    let id = asked["approval"]["id"].as_i64().unwrap();
    let approve = format!("/campaigns/2026-city/approvals/{id}/approve");
    let (status, body) = app.admin_send(&who, "POST", &approve, Vec::new()).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("own_request")), "{body}");
    let (status, done) = app.admin_send(&auditor, "POST", &approve, Vec::new()).await;
    assert_eq!((status, done["approval"]["status"].as_str()), (200, Some("approved")), "{done}");
    let fresh = done["invitations"][0]["token"].as_str().unwrap().to_owned();
    assert!(done["letters_html"].as_str().unwrap().contains(&fresh), "the approver gets the letter");
    assert_eq!(submit(ballot(&lines[1][3])).await, 404, "the old one is void");
    assert_eq!(submit(ballot(&fresh)).await, 201);
    let (status, body) = app.admin_send(&auditor, "POST", &approve, Vec::new()).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_decided")), "decided once");

    // The command line files the same requests once the campaign is open.
    let more = app.settings.data_dir.join("more.csv");
    std::fs::write(&more, "成员编号,界别,区县\nM4,服务对象代表,北山县\n").unwrap();
    let list = app.settings.data_dir.join("more-invitations.csv");
    let said = ok(app.minping(&[
        "roster",
        "import",
        "2026-city",
        more.to_str().unwrap(),
        "--out",
        list.to_str().unwrap(),
    ]));
    assert!(said.contains("复核"), "{said}");
    let (_, requests) = app.admin_call(Some(&who), "GET", "/campaigns/2026-city/approvals", false).await;
    let requests: Value = serde_json::from_slice(&requests).unwrap();
    assert_eq!(requests[0]["kind"], "add_members", "{requests}");
    assert_eq!(requests[0]["status"], "pending");
    assert!(requests[0].get("payload").is_none(), "the payload stays on the server");

    // Whoever filed it on the command line cannot approve it there either.
    let id = requests[0]["id"].as_i64().unwrap();
    let own =
        app.minping(&["approvals", "approve", "2026-city", &id.to_string(), "--out", list.to_str().unwrap()]);
    assert!(!own.status.success(), "the same operator may not approve their own request");
    // Approved by the auditor: the new member's invitation is shown this once, and counts in
    // the results as a credential issued after opening.
    let approve = format!("/campaigns/2026-city/approvals/{id}/approve");
    let (status, done) = app.admin_send(&auditor, "POST", &approve, Vec::new()).await;
    assert_eq!(status, 200, "{done}");
    let token = done["invitations"][0]["token"].as_str().unwrap().to_owned();
    assert_eq!(submit(ballot(&token)).await, 201);
    // An admin's request: removing a member who has not answered. The command line decides only
    // as a named staff member (--as, with password and second factor).
    let (status, asked) = app.admin_send(&who, "DELETE", "/campaigns/2026-city/roster/M3", Vec::new()).await;
    assert_eq!(status, 202, "{asked}");
    let id = asked["approval"]["id"].as_i64().unwrap().to_string();
    let anonymous = app.minping(&["approvals", "approve", "2026-city", &id]);
    assert!(!anonymous.status.success(), "the command line decides only as a named, proved staff member");
    assert!(String::from_utf8_lossy(&anonymous.stderr).contains("--as"), "it says how");
    let approve = format!("/campaigns/2026-city/approvals/{id}/approve");
    let (status, body) = app.admin_send(&auditor, "POST", &approve, Vec::new()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["approval"]["outcome"].as_str().unwrap().contains("removed M3"), "{body}");
    assert_eq!(submit(ballot(&lines[2][3])).await, 404, "M3 is no longer on the panel");
    let (_, results) = app.admin_call(Some(&who), "GET", "/campaigns/2026-city/results", false).await;
    let results: Value = serde_json::from_slice(&results).unwrap();
    assert_eq!(results["late_credential_ballots"], 2, "M2's and M4's ballots came through late credentials");
    app.finish().await;
}

both_backends!(a_roster_becomes_invitations_that_vote_once);
