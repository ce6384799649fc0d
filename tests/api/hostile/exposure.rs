//! What the service shows: metrics were public on the service port (now their own listener,
//! `service.rs`), answers lacked `nosniff`, there was no HSTS or Permissions-Policy, and a
//! body trickled in a byte at a time was waited for without end.

use std::io::{Read, Write};
use std::time::Duration;

use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app_with, Backend};

async fn every_answer_carries_its_safety_headers(backend: Backend) {
    let https =
        |s: &mut minping::server::config::Settings| s.public_url = Some("https://survey.example.cn".into());
    let Some(app) = spawn_app_with(backend, https).await else { return };
    let token = app.invites[0].token.clone();
    let admin = app.signed_in("wu", "admin").await;
    let requests = [
        app.client.get(format!("{}/api/v1/campaigns/demo", app.address)),
        app.client.get(format!("{}/s/demo", app.address)),
        app.client.get(format!("{}/no/such/page", app.address)),
        app.client.get(format!("{}/api/v1/receipts/0000", app.address)),
        app.admin_request(Some(&admin), "GET", "/campaigns/demo/export/results.csv", false),
        app.admin_request(None, "GET", "/campaigns/demo/export/results.csv", false),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        let what = format!("{} {}", response.status(), header("content-type").unwrap_or_default());
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{what}");
        assert!(header("permissions-policy").is_some_and(|p| p.contains("camera=()")), "{what}");
        assert!(header("strict-transport-security").is_some_and(|h| h.starts_with("max-age=")), "{what}");
    }
    let (status, _) = app.submit(&app.full_ballot(&token)).await;
    assert_eq!(status, 201);
    app.finish().await;

    // Without HTTPS there is no HSTS (a browser ignores it over HTTP anyway).
    let Some(app) = spawn_app_with(backend, |_| {}).await else { return };
    let response = app.client.get(format!("{}/s/demo", app.address)).send().await.unwrap();
    assert!(response.headers().get("strict-transport-security").is_none());
    assert!(response.headers().get("x-content-type-options").is_some());
    app.finish().await;
}

/// A client that sends its headers and then the body one byte a second: answered `408` and
/// cut off once the body timeout (1 s here) has passed, not waited for.
async fn a_slow_body_is_answered_408_and_closed(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.body_timeout_secs = 1).await else { return };
    let address = app.address.trim_start_matches("http://").to_owned();
    let body = app.full_ballot(&app.invites[0].token).to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(address).unwrap();
        // Bounded: the test gives up after 30 s rather than hang if the server never answers.
        socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let head = format!(
            "POST /api/v1/campaigns/demo/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).unwrap();
        let mut sent = 0;
        let mut answer = Vec::new();
        socket.set_nonblocking(true).unwrap();
        for byte in body.as_bytes().iter().take(30) {
            if socket.write_all(&[*byte]).is_err() {
                break;
            }
            sent += 1;
            std::thread::sleep(Duration::from_millis(500));
            let mut buffer = [0u8; 4096];
            if let Ok(n) = socket.read(&mut buffer) {
                answer.extend_from_slice(&buffer[..n]);
                if n > 0 {
                    break;
                }
            }
        }
        socket.set_nonblocking(false).unwrap();
        // The server closes the connection: reading to the end ends, rather than timing out.
        let closed = socket.read_to_end(&mut answer).is_ok();
        (String::from_utf8_lossy(&answer).into_owned(), sent, closed)
    })
    .await
    .unwrap();
    let (answer, sent, closed) = answer;
    assert!(closed, "the connection was closed after the 408");
    assert!(answer.starts_with("HTTP/1.1 408"), "after {sent} bytes: {answer}");
    assert!(answer.contains("body_too_slow") && answer.contains("网络过慢"), "{answer}");
    assert!(sent < 30, "the server did not wait for the whole trickle: {sent} bytes");
    // The invitation is untouched: the same ballot, sent at once, counts.
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    still_serving(&app).await;
    app.finish().await;
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The data directory and everything minping writes were world-readable (0644).
async fn what_minping_writes_is_private(backend: Backend) {
    let Some(mut app) = spawn_app_with(backend, |_| {}).await else { return };
    let dir = app.settings.data_dir.clone();
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    let (status, _, _) = app.request_code("13800138000").await;
    assert_eq!(status, 202);
    // A file an earlier version left readable is locked down at the next start.
    let old = dir.join("left-by-an-old-version.txt");
    std::fs::write(&old, "x").unwrap();
    std::fs::set_permissions(&old, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    app.restart().await;
    assert_eq!(mode(&dir), 0o700, "the data directory");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            files.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    for expected in ["secret.key", "sms-outbox.jsonl", "demo-invitations.csv", "left-by-an-old-version.txt"] {
        assert!(files.iter().any(|f| f == expected), "{expected} in {files:?}");
    }
    if backend == Backend::Embedded {
        assert!(files.iter().any(|f| f.ends_with("-wal")), "the WAL: {files:?}");
    }
    // An export the command line writes.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("results.csv");
    crate::harness::ok(app.minping(&["export", "demo", "--format", "csv", "--out", path.to_str().unwrap()]));
    assert_eq!(mode(&path), 0o600);
    app.finish().await;
}

/// Redis (and the in-process hot state) held captcha answers in clear.
async fn hot_state_holds_no_captcha_answer(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else { return };
    let (id, answer) = app.captcha().await;
    let stored = app.state.hot.get(&format!("captcha:{id}")).await.unwrap().expect("kept");
    let (kept, _issued) = stored.split_once('.').unwrap();
    assert!(kept.len() == 64 && kept.bytes().all(|b| b.is_ascii_hexdigit()), "{stored}");
    assert!(!kept.to_ascii_uppercase().contains(&answer.to_ascii_uppercase()), "{stored} holds {answer}");
    app.finish().await;
}

both_backends!(
    hot_state_holds_no_captcha_answer,
    every_answer_carries_its_safety_headers,
    a_slow_body_is_answered_408_and_closed,
    what_minping_writes_is_private
);
