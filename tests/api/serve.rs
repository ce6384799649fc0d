//! `minping serve` as its own process, next to the test's data: what a production instance
//! refuses at start, and how much memory a burst of sign-ins may take.

use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::both_backends;
use crate::harness::{spawn_app, Backend, TestApp};

both_backends!(
    serve_refuses_to_start_without_an_sms_gateway,
    an_outbox_named_in_production_shows_no_code,
    two_hundred_sign_ins_at_once_are_bounded
);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The demo campaign takes the public channel by phone; the outbox gateway that wrote its
/// codes where admins could read them was the silent default of `serve`.
async fn serve_refuses_to_start_without_an_sms_gateway(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let port = free_port().to_string();
    let bind = format!("127.0.0.1:{port}");
    let mut command = app.minping_command(&["serve", "--bind", &bind]);
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "serve started without an SMS gateway");
    assert!(
        said.contains("sms.gateway") && said.contains("public.mode") && said.contains("`demo`"),
        "{said}"
    );
    app.finish().await;
}

/// An admin could read every live SMS code in the console's outbox and mint public ballots.
/// A production instance with the outbox named on purpose shows time and masked number only.
async fn an_outbox_named_in_production_shows_no_code(backend: Backend) {
    let production = |s: &mut minping::server::config::Settings| {
        s.production = true;
        s.sms.gateway = Some(minping::sms::GatewayKind::Outbox);
        s.staff.require_second_factor = Some(false);
    };
    let Some(app) = crate::harness::spawn_app_with(backend, production).await else { return };
    assert_eq!(app.request_code("13800138000").await.0, 202);
    let code = app.codes_sent_to("138****8000").pop().expect("the code is in the outbox file");
    let admin = app.signed_in("zhang", "admin").await;
    let (status, body) = app.admin_call(Some(&admin), "GET", "/sms-outbox", false).await;
    assert_eq!(status, 200);
    let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(page["messages"][0]["to"], "138****8000");
    assert_eq!(page["messages"][0]["text"], minping::sms::TEXT_WITHHELD);
    assert!(!String::from_utf8_lossy(&body).contains(&code), "the console shows a live code");
    app.finish().await;
}

/// A server process that is killed when the test ends, however it ends.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Serving {
    /// The process's peak resident memory so far, in MiB (`VmHWM`).
    fn peak_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id())).unwrap();
        let kib: u64 = (status.lines().find_map(|l| l.strip_prefix("VmHWM:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("VmHWM in /proc");
        kib / 1024
    }
}

/// `minping serve` on the test's data, the outbox named on purpose, loopback trusted as a
/// proxy (so each request can come from its own address).
async fn serve(app: &TestApp) -> (Serving, String) {
    let bind = format!("127.0.0.1:{}", free_port());
    let mut command = app.minping_command(&["serve", "--bind", &bind]);
    command
        .env("MINPING_SMS__GATEWAY", "outbox")
        .env("MINPING_TRUSTED_PROXIES", "127.0.0.1/32")
        .env("MINPING_WORKERS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let serving = Serving(command.spawn().unwrap());
    let base = format!("http://{bind}");
    for _ in 0..300 {
        if let Ok(r) = app.client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return (serving, base);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("serve did not start");
}

/// 200 sign-ins at once raised memory by 3.1 GB (an argon2 hash each, all at once), and 80 on
/// one name made 28 real attempts (limit 10). Now hashes queue behind a small bound, and a
/// name is tried at most its free tries without a captcha.
async fn two_hundred_sign_ins_at_once_are_bounded(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    app.add_staff("li", "monitor", "li-secret-123");
    let (server, base) = serve(&app).await;
    let before = server.peak_mib();
    let client = awc::Client::builder()
        .connector(awc::Connector::new().limit(0))
        .timeout(Duration::from_secs(120))
        .finish();
    let tries = (0..200).map(|i| {
        // Half on one name, half on names nobody has (each still costs a hash).
        let name = if i % 2 == 0 { "li".to_owned() } else { format!("nobody{i}") };
        let from = format!("10.{}.{}.1", i / 200, i % 200);
        let request =
            client.post(format!("{base}/api/v1/admin/session")).insert_header(("X-Forwarded-For", from));
        async move {
            let mut response =
                request.send_json(&json!({ "name": name, "password": "not-the-password" })).await.unwrap();
            let body: serde_json::Value = serde_json::from_slice(&response.body().await.unwrap()).unwrap();
            (name, response.status().as_u16(), body["error"].as_str().unwrap_or_default().to_owned())
        }
    });
    let answers = futures_util::future::join_all(tries).await;
    let peak = server.peak_mib();
    let on_li: Vec<&str> = answers.iter().filter(|a| a.0 == "li").map(|a| a.2.as_str()).collect();
    let checked = on_li.iter().filter(|e| **e == "bad_credentials").count();
    let free = minping::guard::limits::Limits::default().sign_in_free_tries_per_name as usize;
    assert!(checked <= free, "{checked} real tries on one name");
    assert_eq!(
        on_li.len() - checked,
        on_li.iter().filter(|e| **e == "captcha_required").count(),
        "{on_li:?}"
    );
    assert!(answers.iter().all(|a| a.1 == 401), "every try refused: {answers:?}");
    println!("serve: peak RSS {before} MiB before, {peak} MiB after 200 sign-ins at once");
    assert!(peak < 300, "peak RSS {peak} MiB");
    drop(server);
    app.finish().await;
}
