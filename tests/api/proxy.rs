//! Behind nginx as deployed (`deploy/nginx/minping.conf`, run by `harness::nginx`): a ballot
//! over HTTPS, the limits counting the client's address and not nginx's, the live stream
//! passed on as it comes, HSTS, HTTP/2, the body limit, cached assets, the HTTP port
//! redirecting and `/metrics` kept private; and the shipped settings file against the site.

use std::time::Duration;

use serde_json::Value;

use crate::both_backends;
use crate::harness::nginx::{nginx_available, Nginx};
use crate::harness::{spawn_app_with, Backend, TestApp};

const HSTS: &str = "max-age=31536000";

async fn send(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = tokio::time::timeout(Duration::from_secs(30), request.send())
        .await
        .expect("nginx answers within 30 s")
        .expect("the request reaches nginx");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    (status, headers, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

/// Asks for an SMS code through nginx from `from`, with a forged `X-Forwarded-For`; the captcha
/// comes straight from the server, as the page would have shown it.
async fn request_code(app: &TestApp, nginx: &Nginx, from: &str, phone: &str) -> u16 {
    let (id, answer) = app.captcha().await;
    let body = serde_json::json!({ "phone": phone, "captcha_id": id, "captcha_answer": answer });
    let request = (nginx.client(from).post(format!("{}/api/v1/campaigns/demo/otp", nginx.https)))
        .header("Content-Type", "application/json")
        .header("X-Forwarded-For", "198.51.100.77")
        .body(body.to_string());
    send(request).await.0
}

async fn minping_behind_nginx(backend: Backend) {
    if !nginx_available() {
        return;
    }
    let configure = |s: &mut minping::server::config::Settings| {
        // As deploy/minping.toml says: nginx, on this machine, is the one proxy trusted.
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        s.limits.otp_per_address_per_hour = 2;
    };
    let Some(app) = spawn_app_with(backend, configure).await else { return };
    let nginx = Nginx::start(&app);
    assert_eq!(nginx.alpn(), "h2", "nginx offers HTTP/2");
    let citizen = nginx.client("127.0.0.2");

    // A ballot through the proxy, and its receipt.
    let ballot = app.full_ballot(&app.invites[0].token).to_string();
    let request = (citizen.post(format!("{}/api/v1/campaigns/demo/ballots", nginx.https)))
        .header("Content-Type", "application/json")
        .body(ballot);
    let (status, headers, body) = send(request).await;
    assert_eq!(status, 201, "{body} {}", nginx.error_log());
    assert_eq!(header(&headers, "strict-transport-security"), Some(HSTS));
    let receipt = body["receipt"].as_str().unwrap();
    let (status, _, _) = send(citizen.get(format!("{}/api/v1/receipts/{receipt}", nginx.https))).await;
    assert_eq!(status, 200);
    assert_eq!(app.claim_count().await, 1);

    // The limits see the client (127.0.0.2, then 127.0.0.3), not nginx and not the forged header.
    let mut statuses = Vec::new();
    for (n, from) in ["127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3"].iter().enumerate() {
        statuses.push(request_code(&app, &nginx, from, &format!("1370000{n:04}")).await);
    }
    assert_eq!(statuses, [202, 202, 429, 202]);

    // A body past the ballot limit stops at nginx.
    let request = (citizen.post(format!("{}/api/v1/campaigns/demo/ballots", nginx.https)))
        .header("Content-Type", "application/json")
        .body(vec![b' '; 300 * 1024]);
    assert_eq!(send(request).await.0, 413);

    // Survey assets are kept by nginx, HSTS still on them; the page and /metrics.
    let asset = format!("{}/assets/survey.css", nginx.https);
    let (status, first, _) = send(citizen.get(&asset)).await;
    assert_eq!(status, 200);
    let (_, second, _) = send(citizen.get(&asset)).await;
    assert_eq!(header(&first, "x-cache-status"), Some("MISS"));
    assert_eq!(header(&second, "x-cache-status"), Some("HIT"));
    assert_eq!(header(&second, "strict-transport-security"), Some(HSTS));
    let (status, headers, _) = send(citizen.get(format!("{}/s/demo", nginx.https))).await;
    assert_eq!((status, header(&headers, "strict-transport-security")), (200, Some(HSTS)));
    assert_eq!(send(citizen.get(format!("{}/metrics", nginx.https))).await.0, 403);
    let (status, headers, _) = send(citizen.get(format!("{}/s/demo", nginx.http))).await;
    assert_eq!(status, 301);
    assert!(header(&headers, "location").unwrap().starts_with("https://"), "{headers:?}");

    // The live view, asked for as a browser asks (gzip accepted): two events, three seconds
    // apart, each arriving as it is sent, compressed or not.
    let staff = app.signed_in("li", "monitor").await;
    let stream = (citizen.get(format!("{}/api/v1/admin/campaigns/demo/progress/stream", nginx.https)))
        .header("Cookie", staff.cookie.clone())
        .header("Accept-Encoding", "gzip");
    let mut response = stream.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(response.headers(), "content-type"), Some("text/event-stream"));
    let gzipped = header(response.headers(), "content-encoding") == Some("gzip");
    let mut received = flate2::write::GzDecoder::new(Vec::new());
    let mut text = String::new();
    let two_events = tokio::time::timeout(Duration::from_secs(15), async {
        while text.matches("event: progress\n").count() < 2 {
            let chunk = response.chunk().await.unwrap().expect("the stream stays open");
            if gzipped {
                std::io::Write::write_all(&mut received, &chunk).unwrap();
                std::io::Write::flush(&mut received).unwrap();
                text = String::from_utf8_lossy(received.get_ref()).into_owned();
            } else {
                text.push_str(&String::from_utf8_lossy(&chunk));
            }
        }
    })
    .await;
    assert!(two_events.is_ok(), "two events through nginx within 15 s (gzip: {gzipped}); got {text:?}");
    assert!(text.starts_with("event: progress\ndata: {"), "{text}");

    drop(nginx);
    app.finish().await;
}

both_backends!(minping_behind_nginx);

/// The settings file the deployment ships loads (no unknown key), trusts the nginx the site
/// file sets up, and takes the ballots nginx lets through: one body limit on both sides.
#[test]
fn the_shipped_settings_match_the_nginx_site() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = minping::server::config::Settings::load(Some(&root.join("deploy/minping.toml"))).unwrap();
    let nginx: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    assert!(settings.trusted_proxies.iter().any(|net| net.contains(&nginx)));
    assert!(settings.public_url.as_deref().unwrap().starts_with("https://"));
    let site = std::fs::read_to_string(root.join("deploy/nginx/minping.conf")).unwrap();
    let limit = (site.lines().map(str::trim))
        .find_map(|line| {
            line.strip_prefix("client_max_body_size ")?.strip_suffix("k;")?.parse::<usize>().ok()
        })
        .expect("the site sets a ballot limit in KiB");
    assert_eq!(limit * 1024, settings.max_body_bytes);
    assert_eq!(settings.max_body_bytes, minping::server::config::Settings::default().max_body_bytes);
}
