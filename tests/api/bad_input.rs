use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{spawn_app, Backend};

async fn bad_input_is_refused_with_its_field_and_changes_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = app.invites[0].token.clone();
    let good = app.full_ballot(&token);
    let codes = app.unit_codes();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = good.clone();
        f(&mut b);
        b.to_string()
    };

    // (what, body, status, error code, field)
    let cases: Vec<(&str, String, u16, &str, Option<String>)> = vec![
        ("malformed JSON", "{\"ratings\": ".into(), 400, "malformed_json", None),
        ("empty body", String::new(), 400, "malformed_json", None),
        (
            "a rating that is not a string",
            with(&|b| b["ratings"][&codes[3]] = json!(3)),
            400,
            "invalid_field",
            Some(format!("ratings.{}", codes[3])),
        ),
        ("an unknown field", with(&|b| b["phone_number"] = json!("1")), 400, "invalid_field", None),
        (
            "an unknown unit",
            with(&|b| b["ratings"]["Z99"] = json!("satisfied")),
            422,
            "unknown_unit",
            Some("ratings.Z99".into()),
        ),
        (
            "an unknown option",
            with(&|b| b["ratings"][&codes[2]] = json!("very_satisfied")),
            422,
            "unknown_option",
            Some(format!("ratings.{}", codes[2])),
        ),
        (
            "a missing unit",
            with(&|b| {
                b["ratings"].as_object_mut().unwrap().remove(&codes[59]);
            }),
            422,
            "missing_rating",
            Some(format!("ratings.{}", codes[59])),
        ),
        (
            "a reason that is too long",
            with(&|b| b["reasons"][&codes[0]] = json!("慢".repeat(201))),
            422,
            "invalid_text",
            Some(format!("reasons.{}", codes[0])),
        ),
        (
            "a reason for a unit rated satisfied",
            with(&|b| b["reasons"][&codes[1]] = json!("很好")),
            422,
            "reason_not_asked",
            Some(format!("reasons.{}", codes[1])),
        ),
        (
            "a suggestion that is too long",
            with(&|b| b["suggestion"] = json!("建".repeat(501))),
            422,
            "invalid_text",
            Some("suggestion".into()),
        ),
        (
            "a suggestion with a control character",
            with(&|b| b["suggestion"] = json!("a\u{7}b")),
            422,
            "invalid_text",
            Some("suggestion".into()),
        ),
        (
            "no invitation",
            with(&|b| {
                b.as_object_mut().unwrap().remove("invitation");
            }),
            422,
            "missing_invitation",
            Some("invitation".into()),
        ),
        (
            "an unknown invitation",
            with(&|b| b["invitation"] = json!("AAAAAAAAAAAAAAAAAAAAAA")),
            404,
            "unknown_invitation",
            Some("invitation".into()),
        ),
        (
            "a malformed invitation",
            with(&|b| b["invitation"] = json!("<script>")),
            404,
            "unknown_invitation",
            Some("invitation".into()),
        ),
        (
            "a malformed receipt",
            with(&|b| b["receipt"] = json!("1234")),
            422,
            "invalid_receipt",
            Some("receipt".into()),
        ),
        (
            "an oversized body",
            with(&|b| b["padding"] = json!("x".repeat(300 * 1024))),
            413,
            "body_too_large",
            None,
        ),
    ];
    for (what, body, status, error, field) in cases {
        let (got, answer, _) = app.post_raw("/api/v1/campaigns/demo/ballots", body).await;
        assert_eq!(got, status, "{what}: {answer}");
        assert_eq!(answer["error"], error, "{what}: {answer}");
        if let Some(field) = field {
            assert_eq!(answer["field"], json!(field), "{what}: {answer}");
        }
        assert!(!answer["message"].as_str().unwrap().is_empty(), "{what}: a Chinese message");
        assert!(!answer["message_en"].as_str().unwrap().is_empty(), "{what}: an English message");
    }

    let (status, body, _) = app.post_raw("/api/v1/campaigns/nope/ballots", good.to_string()).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("unknown_campaign")));

    // Nothing was stored, and the invitation is still good.
    assert_eq!((app.ballot_count().await, app.claim_count().await), (0, 0));
    assert_eq!(app.times_rated(&codes[0]).await, 0);
    assert_eq!(app.submit(&good).await.0, 201);
    app.finish().await;
}

async fn unknown_receipts_and_invitations_are_404(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let (status, body) = app.get_json("/api/v1/receipts/AAAA-BBBB-CCCC-DDDD").await;
    assert_eq!(
        (status, body["counted"].clone(), body["error"].as_str()),
        (404, json!(null), Some("unknown_receipt"))
    );
    assert_eq!(app.get_json("/api/v1/receipts/not-a-receipt").await.0, 404);
    assert_eq!(app.invitation_status("ZZZZ-ZZZZ").await.0, 404);
    assert_eq!(app.get_json("/api/v1/campaigns/nope").await.0, 404);
    app.finish().await;
}

both_backends!(
    bad_input_is_refused_with_its_field_and_changes_nothing,
    unknown_receipts_and_invitations_are_404
);
