//! Limits: per address (also behind a proxy, and for guessed invitations), the hourly SMS
//! budget, and codes, cooldowns and captchas shared by two instances on one Redis.

use serde_json::json;

use super::{app, wrong_code};
use crate::both_backends;
use crate::harness::{Backend, TestApp};

async fn a_spoofed_forwarded_for_does_not_escape_address_limits(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.otp_per_address_per_hour = 3).await else { return };
    let mut statuses = Vec::new();
    for n in 0..5 {
        let (id, answer) = app.captcha().await;
        let body = json!({ "phone": format!("1370000{n:04}"), "captcha_id": id, "captcha_answer": answer });
        let spoof = format!("198.51.100.{n}");
        statuses.push(app.post_otp(&body, &[("X-Forwarded-For", &spoof)]).await.0);
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429]);
    app.finish().await;

    // Behind a trusted proxy the forwarded address is the client's.
    let Some(app) = app_behind_proxy(backend).await else { return };
    for n in 0..5 {
        let (id, answer) = app.captcha().await;
        let body = json!({ "phone": format!("1370000{n:04}"), "captcha_id": id, "captcha_answer": answer });
        let client = format!("6.6.6.6, 198.51.100.{n}");
        assert_eq!(app.post_otp(&body, &[("X-Forwarded-For", &client)]).await.0, 202);
    }
    app.finish().await;
}

async fn app_behind_proxy(backend: Backend) -> Option<TestApp> {
    app(backend, |s| {
        s.limits.otp_per_address_per_hour = 3;
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await
}

async fn the_sms_budget_holds(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.sms_per_campaign_per_hour = 2).await else { return };
    assert_eq!(app.request_code("13400134000").await.0, 202);
    assert_eq!(app.request_code("13400134001").await.0, 202);
    let (status, body, retry_after) = app.request_code("13400134002").await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    assert!(retry_after.is_some());
    assert!(body["message"].as_str().unwrap().contains("短信"), "{body}");
    app.finish().await;
}

async fn guessing_invitations_is_slowed_down(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.invitation_failures_per_address_per_hour = 3).await else {
        return;
    };
    for n in 0..3 {
        let (status, body) = app.submit(&app.full_ballot(&format!("AAAA-AAA{n}"))).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("unknown_invitation")), "{body}");
    }
    let (status, body, retry_after) = app
        .post_raw(
            "/api/v1/campaigns/demo/invitations/status",
            json!({ "invitation": "AAAA-AAA9" }).to_string(),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    assert!(retry_after.is_some());
    // The address is refused short codes for now, even a good one; nothing is used up.
    let (status, _) = app.submit(&app.full_ballot(&app.invites[0].short_code)).await;
    assert_eq!(status, 429);
    assert_eq!(app.claim_count().await, 0);
    assert!(app.signals().await.get("rate_limited").is_some_and(|n| *n >= 2));
    // A full token is never refused for its address's failures (a carrier's shared address
    // must not lose its links to one guesser).
    let (status, _) = app.submit(&app.full_ballot(&app.invites[1].token)).await;
    assert_eq!(status, 201);
    app.finish().await;
}

both_backends!(
    a_spoofed_forwarded_for_does_not_escape_address_limits,
    the_sms_budget_holds,
    guessing_invitations_is_slowed_down,
);

#[actix_rt::test]
async fn limits_hold_across_two_instances_sharing_redis() {
    let Some(app) = app(Backend::Scaled, |_| {}).await else { return };
    let (other, handle) = app.second_instance().await;
    let (status, body, _) = app.request_code_at(&app.address, "demo", "13800138001").await;
    assert_eq!(status, 202, "{body}");
    let code = app.codes_sent_to("138****8001").pop().unwrap();
    // The cooldown started on one instance holds on the other.
    let (status, _, retry_after) = app.request_code_at(&other, "demo", "13800138001").await;
    assert_eq!((status, retry_after.is_some()), (429, true));
    // Wrong tries alternate between instances; they add up all the same.
    let wrong = wrong_code(&code);
    for n in 0..5 {
        let base = if n % 2 == 0 { &app.address } else { &other };
        assert_eq!(app.verify_at(base, "demo", "13800138001", &wrong).await.0, 422);
    }
    let (status, body) = app.verify_at(&other, "demo", "13800138001", &code).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("otp_expired")));
    // A captcha drawn by one instance is answered on the other, once.
    let (id, answer) = app.captcha_at(&other).await;
    let body = json!({ "phone": "13800138002", "captcha_id": id, "captcha_answer": answer });
    assert_eq!(app.post_with(&app.address, "/api/v1/campaigns/demo/otp", &body, &[], "").await.0, 202);
    assert_eq!(app.post_with(&other, "/api/v1/campaigns/demo/otp", &body, &[], "").await.0, 422);
    handle.stop(true).await;
    app.finish().await;
}
