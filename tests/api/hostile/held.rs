//! What the review found sound, attacked again so that it stays so: SQL payloads in every
//! public parameter, traversal in asset paths, oversized bodies declared and chunked.

use serde_json::json;

use super::json::post_as;
use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app, Backend};

const SQL: [&str; 6] = [
    "' OR '1'='1",
    "1; DROP TABLE ballots; --",
    "\" OR \"\"=\"",
    "demo' UNION SELECT token_hash FROM invitations --",
    "'; SELECT pg_sleep(5); --",
    "%27%20OR%201%3D1",
];

async fn what_held_still_holds(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let json = Some("application/json");
    for payload in SQL {
        let encoded = crate::harness::urlencode(payload);
        let (status, _) = app.get_json(&format!("/api/v1/campaigns/{encoded}")).await;
        assert_eq!(status, 404, "{payload}");
        let (status, _) = app.get_json(&format!("/api/v1/receipts/{encoded}")).await;
        assert!(status == 404 || status == 422, "{payload}: {status}");
        let body = json!({ "invitation": payload }).to_string();
        let (status, _) = post_as(&app, "/api/v1/campaigns/demo/invitations/status", json, body).await;
        assert_eq!(status, 404, "{payload}");
        let mut ballot = app.full_ballot(payload);
        ballot["district"] = json!(payload);
        assert!(app.submit(&ballot).await.0 >= 400, "{payload}");
        let body = json!({ "phone": payload, "captcha_id": payload, "captcha_answer": payload }).to_string();
        let (status, _) = post_as(&app, "/api/v1/campaigns/demo/otp", json, body).await;
        assert_eq!(status, 422, "{payload}");
    }
    assert_eq!(app.claim_count().await, 0, "nothing was counted");

    for path in [
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/admin/assets/../../../etc/passwd",
    ] {
        let mut response = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
        let body = response.body().await.unwrap_or_default();
        assert!(response.status().as_u16() >= 400, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("[package]"), "{path}");
    }

    let big = format!("{{\"suggestion\":\"{}\"}}", "x".repeat(300 * 1024));
    let (status, body) = post_as(&app, "/api/v1/campaigns/demo/ballots", json, big.clone()).await;
    assert_eq!((status, body["error"].as_str()), (413, Some("body_too_large")));
    // The same, chunked (no declared length): counted as it arrives.
    let chunks = futures_util::stream::iter(
        big.into_bytes()
            .chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(actix_web::web::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    );
    let mut response = (app.client.post(format!("{}/api/v1/campaigns/demo/ballots", app.address)))
        .insert_header(("Content-Type", "application/json"))
        .send_stream(chunks)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let _ = response.body().await;
    still_serving(&app).await;
    app.finish().await;
}

both_backends!(what_held_still_holds);
