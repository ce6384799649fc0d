//! Short codes were guessable at 500–1,200 tries a second per address, limited only per
//! address (so many addresses multiplied it), and the same lock refused a valid full token
//! from the guessing address for an hour. Now a campaign has a budget of failed short codes
//! across all addresses, past which short codes need a captcha; tokens are never refused.

use serde_json::{json, Value};

use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app_with, Backend, TestApp};

async fn status(app: &TestApp, from: &str, body: Value) -> (u16, Value) {
    let path = "/api/v1/campaigns/demo/invitations/status";
    let (status, answer, _) =
        app.post_with(&app.address, path, &body, &[("X-Forwarded-For", from)], "x").await;
    (status, answer)
}

async fn many_addresses_cannot_multiply_short_code_guessing(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| {
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        s.limits.invitation_failures_per_address_per_hour = 3;
        s.limits.short_code_failures_per_campaign_per_hour = 8;
    })
    .await
    else {
        return;
    };
    // Ten addresses, three guesses each: under every address's limit, but 30 failures for
    // the campaign.
    let mut refused = 0;
    for address in 0..10 {
        for guess in 0..3 {
            let from = format!("203.0.113.{address}");
            let (code, body) =
                status(&app, &from, json!({ "invitation": format!("ZZZZ-ZZ{address}{guess}") })).await;
            match code {
                404 => assert_eq!(body["error"], "unknown_invitation"),
                403 => {
                    assert_eq!(
                        (body["error"].as_str(), body["field"].as_str()),
                        (Some("captcha_required"), Some("captcha_answer"))
                    );
                    refused += 1;
                }
                other => panic!("{other}: {body}"),
            }
        }
    }
    assert!(refused >= 30 - 9, "past the campaign's budget, guesses need a captcha: {refused} of 30");
    assert!(app.get_json("/api/v1/campaigns/demo").await.0 == 200);

    // A member from a fresh address: the code alone is refused, with a captcha it works.
    let member = app.invites[0].short_code.clone();
    let (code, _) = status(&app, "198.51.100.7", json!({ "invitation": member })).await;
    assert_eq!(code, 403);
    let (id, _) = app.captcha().await;
    let (code, body) = status(
        &app,
        "198.51.100.7",
        json!({ "invitation": member, "captcha_id": id, "captcha_answer": "WRONG" }),
    )
    .await;
    assert_eq!((code, body["error"].as_str()), (422, Some("bad_captcha")), "{body}");
    let (id, answer) = app.captcha().await;
    let (code, body) = status(
        &app,
        "198.51.100.7",
        json!({ "invitation": member, "captcha_id": id, "captcha_answer": answer }),
    )
    .await;
    assert_eq!((code, body["status"].as_str()), (200, Some("unused")), "{body}");
    // Its ballot, sent later with the same code, needs no second captcha.
    let (code, body, _) = app
        .post_with(
            &app.address,
            "/api/v1/campaigns/demo/ballots",
            &app.full_ballot(&member),
            &[("X-Forwarded-For", "198.51.100.7")],
            "x",
        )
        .await;
    assert_eq!(code, 201, "{body}");
    // A guessed code with a solved captcha is still unknown, and each guess costs a captcha.
    let (id, answer) = app.captcha().await;
    let (code, _) = status(
        &app,
        "198.51.100.8",
        json!({ "invitation": "ZZZZ-ZZZZ", "captcha_id": id, "captcha_answer": answer }),
    )
    .await;
    assert_eq!(code, 404);
    let (code, _) = status(
        &app,
        "198.51.100.8",
        json!({ "invitation": "ZZZZ-ZZZY", "captcha_id": id, "captcha_answer": answer }),
    )
    .await;
    assert_eq!(code, 422, "a captcha works once");

    // Full tokens never need a captcha, from any address, even a guessing one.
    let token = app.invites[1].token.clone();
    let (code, body) = status(&app, "203.0.113.0", json!({ "invitation": token })).await;
    assert_eq!((code, body["status"].as_str()), (200, Some("unused")), "{body}");
    still_serving(&app).await;
    app.finish().await;
}

both_backends!(many_addresses_cannot_multiply_short_code_guessing);
