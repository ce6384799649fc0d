//! Captchas before an SMS code: each is answered once, expires, and a script that cannot
//! read them sends no SMS.

use serde_json::json;

use super::app;
use crate::both_backends;
use crate::harness::Backend;

async fn captchas_work_once_and_a_script_without_answers_sends_no_sms(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let (id, answer) = app.captcha().await;
    // A bad number is refused before the captcha is spent.
    let body = json!({ "phone": "1380013800", "captcha_id": id, "captcha_answer": answer });
    let (status, reply, _) = app.post_otp(&body, &[]).await;
    assert_eq!(
        (status, reply["error"].as_str(), reply["field"].as_str()),
        (422, Some("bad_phone"), Some("phone"))
    );
    // Right answer, any case: sent. The same captcha again: spent.
    let body = json!({ "phone": "13700137000", "captcha_id": id, "captcha_answer": answer.to_lowercase() });
    assert_eq!(app.post_otp(&body, &[]).await.0, 202);
    let body = json!({ "phone": "13600136000", "captcha_id": id, "captcha_answer": answer });
    let (status, reply, _) = app.post_otp(&body, &[]).await;
    assert_eq!((status, reply["error"].as_str()), (422, Some("captcha_expired")));

    // A script guessing answers gets nowhere, and each guess spends its captcha.
    for n in 0..20 {
        let (id, _) = app.captcha().await;
        let body = json!({ "phone": format!("1360013{n:04}"), "captcha_id": id, "captcha_answer": "AAAAA" });
        let (status, reply, _) = app.post_otp(&body, &[]).await;
        assert_eq!(
            (status, reply["error"].as_str(), reply["field"].as_str()),
            (422, Some("bad_captcha"), Some("captcha_answer"))
        );
    }
    let body = json!({ "phone": "13600136000", "captcha_id": "0".repeat(32), "captcha_answer": "AAAAA" });
    assert_eq!(app.post_otp(&body, &[]).await.1["error"], "captcha_expired");
    assert_eq!(app.outbox().len(), 1, "only the solved captcha sent an SMS");
    assert_eq!(app.signals().await.get("captcha_failed"), Some(&22));
    app.finish().await;
}

async fn an_expired_captcha_is_refused(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.captcha_ttl_secs = 1).await else { return };
    let (id, answer) = app.captcha().await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let body = json!({ "phone": "13700137000", "captcha_id": id, "captcha_answer": answer });
    let (status, reply, _) = app.post_otp(&body, &[]).await;
    assert_eq!((status, reply["error"].as_str()), (422, Some("captcha_expired")));
    app.finish().await;
}

both_backends!(captchas_work_once_and_a_script_without_answers_sends_no_sms, an_expired_captcha_is_refused,);
