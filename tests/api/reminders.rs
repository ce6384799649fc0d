//! Reminder batches (催办短信): from the roster file staff hold, to the members who have not
//! answered, at the number they were imported with, each with a freshly issued invitation
//! nobody sees, within the SMS budget; numbers used to send and never kept — by API and CLI.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{faulty_rows, ok, spawn_app, spawn_app_with, urlencode, Backend, Staff, TestApp};

/// Sends (or, with `?dry_run=true`, plans) a reminder batch for the demo from a roster file.
async fn remind(app: &TestApp, who: &Staff, query: &str, file: &str) -> (u16, Value) {
    app.admin_send(who, "POST", &format!("/campaigns/demo/reminders{query}"), file.to_owned()).await
}

fn counts(
    sent: u64,
    failed: u64,
    responded: u64,
    no_number: u64,
    not_invited: u64,
    filtered: u64,
    over: u64,
) -> Value {
    json!({ "sent": sent, "failed": failed, "already_responded": responded, "without_number": no_number,
            "not_invited": not_invited, "filtered_out": filtered, "over_budget": over, "number_mismatch": 0 })
}

/// The token a reminder's link carries.
fn token_in(text: &str) -> String {
    let at = text.find("#i=").expect("a link") + 3;
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

async fn reminders_reach_members_who_have_not_answered(backend: Backend) {
    let Some(mut app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    let members = app.demo_members();
    // P0001 and P0002 have answered.
    for invite in &app.invites[..2] {
        assert_eq!(app.submit(&app.full_ballot(&invite.token)).await.0, 201);
    }
    // The file staff hold: numbers for some; P0004's is not the one imported (a file cannot
    // send a member's credential to another phone).
    let file = "成员编号,界别,区县,手机号\n\
                P0001,x,y,19900000001\nP0002,x,y,\nP0003,x,y,199 0000 0003\nP0004,x,y,13800138004\n\
                P0005,x,y,\nX9999,x,y,13900139000\n";
    let (status, body) = remind(&app, &admin, "?dry_run=true", file).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["to_send"].as_u64(), body["already_responded"].as_u64()), (Some(1), Some(2)), "{body}");
    assert_eq!(body["number_mismatch"], 1, "{body}");
    assert_eq!(body["budget_left"], 20_000);
    assert!(app.outbox().is_empty(), "a dry run sends nothing");
    assert_eq!(app.invitation_status(&members["P0003"][2]).await, (200, json!({ "status": "unused" })));

    let (status, body) = remind(&app, &admin, "", file).await;
    let mut expected = counts(1, 0, 2, 1, 1, 0, 0);
    expected["number_mismatch"] = json!(1);
    assert_eq!((status, &body), (200, &expected));
    let sent = app.outbox();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, text) = &sent[0];
    assert_eq!(to, "199****0003");
    assert!(text.starts_with("【民评】") && text.contains("/s/demo#i="), "{text}");
    // A fresh invitation that only the member's phone received: the printed one is void.
    let fresh = token_in(text);
    assert_ne!(fresh, members["P0003"][2]);
    assert!(!text.contains(&members["P0003"][3]), "a new short code too: {text}");
    assert_eq!(app.invitation_status(&members["P0003"][2]).await.0, 404, "the old invitation is void");
    assert_eq!(app.invitation_status(&fresh).await, (200, json!({ "status": "unused" })));
    assert_eq!(app.invitation_status(&members["P0005"][2]).await.0, 200, "nobody else's changed");

    // Counted like the public channel's codes: signals and the hour's budget.
    let id = app.campaign_id().await;
    assert_eq!(app.signals().await.get("sms_sent"), Some(&1));
    assert_eq!(app.state.hot.count(&format!("sms:{id}")).await.unwrap(), 1);
    assert_eq!(app.state.hot.count("sms:all").await.unwrap(), 1);

    // Filters, as on the non-responder list: only P0006's segment.
    let segment = members["P0006"][0].clone();
    let other = (7..=60).map(|i| format!("P{i:04}")).find(|m| members[m][0] != segment).unwrap();
    let other_number = format!("199{:08}", other[1..].parse::<u32>().unwrap());
    let file = format!("成员编号,界别,区县,手机号\nP0006,x,y,19900000006\n{other},x,y,{other_number}\n");
    let query = format!("?segment={}", urlencode(&segment));
    let (status, body) = remind(&app, &admin, &query, &file).await;
    assert_eq!((status, &body), (200, &counts(1, 0, 0, 0, 0, 1, 0)));
    assert_eq!(app.outbox().len(), 2);

    // The numbers were only sent to: not in the audit log, not in the database file.
    let (_, log) = app.admin_call(Some(&admin), "GET", "/audit?campaign=demo", false).await;
    let log: Value = serde_json::from_slice(&log).unwrap();
    let entries: Vec<&Value> =
        log.as_array().unwrap().iter().filter(|e| e["action"] == "roster.remind").collect();
    assert_eq!(entries.len(), 2);
    let all = log.to_string();
    for number in ["13800138004", "19900000003", "19900000006", "138****", "199****"] {
        assert!(!all.contains(number), "{number} in the audit log");
    }
    assert!(entries.iter().any(|e| e["detail"].as_str().unwrap().starts_with("sent 1, failed 0")), "{all}");

    // The command line sends the same way, and counts against the same budget.
    let path = app.settings.data_dir.join("remind.csv");
    std::fs::write(&path, "成员编号,界别,区县,手机号\nP0003,x,y,\nP0008,x,y,19900000008\nP0001,x,y,\n")
        .unwrap();
    let stdout = ok(app.minping(&["roster", "remind", "demo", path.to_str().unwrap()]));
    assert!(stdout.contains("sent 1, failed 0") && stdout.contains("already responded 1"), "{stdout}");
    let sent = app.outbox();
    assert_eq!(sent.last().unwrap().0, "199****0008");
    let fresh = token_in(&sent.last().unwrap().1);
    assert_eq!(app.invitation_status(&fresh).await.0, 200);
    assert_eq!(app.invitation_status(&members["P0008"][2]).await.0, 404);
    if backend == Backend::Scaled {
        assert_eq!(app.state.hot.count(&format!("sms:{id}")).await.unwrap(), 3, "one budget for all");
    }

    app.stop().await;
    if backend == Backend::Embedded {
        for file in app.sqlite_files() {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for number in ["13800138004", "19900000003", "19900000006", "19900000008"] {
                let found = bytes.windows(number.len()).any(|w| w == number.as_bytes());
                assert!(!found, "{number} in {}", file.display());
            }
        }
    }
    app.finish().await;
}

async fn the_sms_budget_stops_a_batch(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.limits.sms_per_campaign_per_hour = 2).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    let file: String = std::iter::once("成员编号,界别,区县,手机号\n".to_owned())
        .chain((1..=5).map(|i| format!("P{i:04},x,y,1990000{i:04}\n")))
        .collect();
    let (status, body) = remind(&app, &admin, "", &file).await;
    assert_eq!((status, &body), (200, &counts(2, 0, 0, 0, 0, 0, 3)));
    assert_eq!(app.outbox().len(), 2);
    // The budget is spent for the public channel's codes too.
    let (status, body, _) = app.request_code("13400134000").await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    let (_, body) = remind(&app, &admin, "?dry_run=true", &file).await;
    assert_eq!((body["to_send"].as_u64(), body["budget_left"].as_u64()), (Some(5), Some(0)), "{body}");
    app.finish().await;
}

async fn a_bad_file_a_monitor_or_a_closed_campaign_sends_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    let monitor = app.signed_in("li", "monitor").await;
    let good = "成员编号,界别,区县,手机号\nP0001,x,y,13800138001\n";
    assert_eq!(remind(&app, &monitor, "", good).await.0, 403);

    let bad = "成员编号,界别,区县,手机号\nP0001,x,y,13800138001\nP0002,x,y,12345\nP0001,,y,\n";
    let (status, body) = remind(&app, &admin, "", bad).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_rows")), "{body}");
    assert_eq!(faulty_rows(&body), [(3, "手机号"), (4, "成员编号"), (4, "界别")]);
    assert!(app.outbox().is_empty());

    assert_eq!(app.admin_call(Some(&admin), "POST", "/campaigns/demo/close", true).await.0, 200);
    let (status, body) = remind(&app, &admin, "", good).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("closed")), "{body}");
    assert!(app.outbox().is_empty());
    app.finish().await;
}

both_backends!(
    reminders_reach_members_who_have_not_answered,
    the_sms_budget_stops_a_batch,
    a_bad_file_a_monitor_or_a_closed_campaign_sends_nothing,
);
