//! SMS codes: a code lets a number take part once, on the ballot and at verification alike;
//! five wrong tries spend a code, and a number waits before it gets another.

use serde_json::json;

use super::{app, code_for, lift_cooldown, wrong_code};
use crate::both_backends;
use crate::harness::Backend;

async fn a_member_of_the_public_takes_part_once(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    assert_eq!(app.campaign["public"]["mode"], "phone");
    let code = code_for(&app, "138 0013 8000", "138****8000").await;
    assert_eq!(code.len(), 6);

    let (status, body) = app.verify("13800138000", &code).await;
    assert_eq!((status, &body["class"]), (200, &json!("public")), "{body}");
    // The ballot carries the same number (typed differently) and code.
    let (status, body) = app.submit(&app.phone_ballot("+86 138-0013-8000", &code)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app.submit(&app.phone_ballot("13800138000", &code)).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (409, Some("already_used"), Some("phone"))
    );

    // From another device, days later: a new code, and a plain answer at verification.
    lift_cooldown(&app, "13800138000").await;
    let code = code_for(&app, "13800138000", "138****8000").await;
    let (status, body) = app.verify("13800138000", &code).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("已参加过"), "{body}");

    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    let codes = app.unit_codes();
    assert_eq!(app.tally(&codes[1], "satisfied").await, 1);
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    assert!(tallies.iter().all(|t| t.class == "public" && !t.flagged), "{tallies:?}");
    let signals = app.signals().await;
    assert_eq!(signals.get("sms_sent"), Some(&2));
    assert_eq!(signals.get("duplicate_refused"), Some(&2));
    app.finish().await;
}

async fn the_sixth_try_is_refused_even_when_right_and_codes_cool_down(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "13900139000", "139****9000").await;
    let wrong = wrong_code(&code);
    for left in (0..5).rev() {
        let (status, body) = app.verify("13900139000", &wrong).await;
        assert_eq!((status, body["error"].as_str()), (422, Some("bad_otp")), "{body}");
        assert_eq!(body["details"]["tries_left"], left);
        assert_eq!(body["field"], "otp");
    }
    let (status, body) = app.verify("13900139000", &code).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("otp_expired")), "{body}");
    let (status, body) = app.submit(&app.phone_ballot("13900139000", &code)).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("otp_expired")), "{body}");

    // No new code inside the cooldown; the answer says when.
    let (status, body, retry_after) = app.request_code("13900139000").await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert!(body["message"].as_str().unwrap().contains("秒后"), "{body}");
    assert_eq!(app.codes_sent_to("139****9000").len(), 1);
    assert_eq!((app.ballot_count().await, app.claim_count().await), (0, 0));
    let signals = app.signals().await;
    assert_eq!(signals.get("otp_failed"), Some(&7));
    assert_eq!(signals.get("rate_limited"), Some(&1));
    app.finish().await;
}

both_backends!(
    a_member_of_the_public_takes_part_once,
    the_sixth_try_is_refused_even_when_right_and_codes_cool_down,
);
