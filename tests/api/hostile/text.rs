//! Free text that looks other than it is: bidi overrides, zero-width characters,
//! noncharacters and line separators were stored as sent. Now a reason or a suggestion with
//! one is refused with its field named, and a name in an uploaded roster has them removed.

use serde_json::json;

use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app, Backend};

async fn invisible_characters_are_refused_or_removed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = app.invites[0].token.clone();
    let first = app.unit_codes()[0].clone();
    let invisible =
        ['\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{FEFF}', '\u{FFFE}', '\u{2028}', '\t'];
    for c in invisible {
        let mut ballot = app.full_ballot(&token);
        ballot["suggestion"] = json!(format!("建议{c}增加窗口"));
        let (status, body) = app.submit(&ballot).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (422, Some("invalid_text")),
            "U+{:04X}: {body}",
            c as u32
        );
        assert_eq!(body["field"], "suggestion");
        let mut ballot = app.full_ballot(&token);
        ballot["reasons"][&first] = json!(format!("exe.{c}txt"));
        let (status, body) = app.submit(&ballot).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(format!("reasons.{first}").as_str())),
            "{body}"
        );
    }
    let (_, body) = app
        .submit(&{
            let mut b = app.full_ballot(&token);
            b["suggestion"] = json!("a\u{202E}b");
            b
        })
        .await;
    assert!(body["message"].as_str().unwrap().contains("U+202E"), "{body}");
    // Line breaks are kept, and the invitation was never used by the refusals.
    let mut ballot = app.full_ballot(&token);
    ballot["suggestion"] = json!("第一条\r\n第二条");
    assert_eq!(app.submit(&ballot).await.0, 201);

    // A roster's names: cleaned, not refused.
    let admin = app.signed_in("wu", "admin").await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml");
    crate::harness::ok(app.minping(&["campaign", "create", example]));
    let roster = "成员编号,界别,区县,手机号\nM\u{200B}1,人大\u{202E}代表,城关\u{FEFF}区,\n";
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns/2026-city/roster", roster).await;
    assert_eq!(status, 201, "{body}");
    let (_, csv) =
        app.admin_call(Some(&admin), "GET", "/campaigns/2026-city/non-responders?format=csv", false).await;
    let text = String::from_utf8(csv).unwrap();
    assert!(text.ends_with("M1,人大代表,城关区\n"), "{text:?}");
    still_serving(&app).await;
    app.finish().await;
}

both_backends!(invisible_characters_are_refused_or_removed);
