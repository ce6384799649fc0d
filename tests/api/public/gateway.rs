//! The SMS gateway: a webhook provider is reached and retried; a failing one is reported to
//! the person and counted (embedded profile: the gateway is the same on both).

use serde_json::Value;

use super::app;
use crate::harness::Backend;

/// A provider's API on loopback: records each request, answers the given statuses in turn
/// (the last one from then on).
async fn fake_provider(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let recorded = seen.clone();
    let server = HttpServer::new(move || {
        let recorded = recorded.clone();
        let statuses = statuses.clone();
        App::new().route(
            "/send",
            web::post().to(move |body: String| {
                let recorded = recorded.clone();
                let statuses = statuses.clone();
                async move {
                    let mut seen = recorded.lock().unwrap();
                    seen.push(body);
                    let status = statuses[(seen.len() - 1).min(statuses.len() - 1)];
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}/send", server.addrs()[0]);
    actix_rt::spawn(server.run());
    (address, seen)
}

#[actix_rt::test]
async fn a_webhook_gateway_reaches_the_provider_and_retries() {
    let (url, seen) = fake_provider(vec![503, 200]).await;
    let Some(app) = app(Backend::Embedded, |s| {
        s.sms.gateway = Some(minping::sms::GatewayKind::Webhook);
        s.sms.webhook_url = Some(url);
        s.sms.webhook_headers.insert("X-Api-Key".into(), "k-123".into());
    })
    .await
    else {
        return;
    };
    let (status, body, _) = app.request_code("138 0013 8000").await;
    assert_eq!(status, 202, "{body}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one failure, one retry");
    let sent: Value = serde_json::from_str(&seen[1]).unwrap();
    assert_eq!(sent["phone"], "13800138000");
    assert!(sent["text"].as_str().unwrap().contains("分钟内有效"), "{sent}");
    app.finish().await;
}

#[actix_rt::test]
async fn a_failing_gateway_is_reported_and_counted() {
    let (url, seen) = fake_provider(vec![500]).await;
    let Some(app) = app(Backend::Embedded, |s| {
        s.sms.gateway = Some(minping::sms::GatewayKind::Webhook);
        s.sms.webhook_url = Some(url);
        s.sms.webhook_retries = 1;
    })
    .await
    else {
        return;
    };
    for _ in 0..2 {
        // The cooldown is lifted after a failure: the person may ask again at once.
        let (status, body, retry_after) = app.request_code("13800138000").await;
        assert_eq!((status, body["error"].as_str()), (503, Some("sms_failed")), "{body}");
        assert!(retry_after.is_some());
    }
    assert_eq!(seen.lock().unwrap().len(), 4);
    let signals = app.signals().await;
    assert_eq!(signals.get("sms_failed"), Some(&2));
    assert_eq!(signals.get("sms_sent"), None);
    app.finish().await;
}
