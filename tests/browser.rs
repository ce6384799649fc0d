//! The survey page in a real browser: headless Chromium, driven by `tests/browser/survey.mjs`
//! (playwright-core), against a real server with the demo campaign.
//!
//! Needs Node.js, Chromium (`/usr/bin/chromium`, or `CHROMIUM`) and `npm ci --prefix
//! tests/browser`. Without them the test says so and passes, unless `MINPING_REQUIRE_BROWSER=1`
//! (as in CI), where it fails.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use minping::config::Settings;
use minping::startup::{AppState, Application};

fn missing_tool() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("Chromium is not at {chromium} (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("Node.js is not installed".into());
    }
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/playwright-core");
    if !module.exists() {
        return Some("playwright-core is not installed (npm ci --prefix tests/browser)".into());
    }
    None
}

#[actix_rt::test]
async fn a_panel_member_votes_on_a_phone() {
    if let Some(problem) = missing_tool() {
        if std::env::var("MINPING_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("the browser test cannot run: {problem} (MINPING_REQUIRE_BROWSER=1)");
        }
        eprintln!("SKIPPED browser test: {problem}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let settings =
        Settings { bind: "127.0.0.1:0".into(), data_dir: dir.path().to_path_buf(), ..Settings::default() };
    let state = AppState::open(&settings).await.unwrap();
    minping::demo::ensure(state.store.as_ref(), &state.secret, dir.path(), "http://test", 10).await.unwrap();
    let app = Application::build(&settings, state).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = actix_rt::spawn(app.run_until_stopped());

    let mut invitations = csv::Reader::from_path(dir.path().join(minping::demo::CSV_NAME)).unwrap();
    let rows: Vec<csv::StringRecord> = invitations.records().map(Result::unwrap).collect();
    let (token, short_code) = (rows[0][3].to_owned(), rows[1][4].to_owned());

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/survey.mjs");
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("survey-360.png");
    let run = actix_web::rt::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .args([&base, &token, &short_code])
            .env("SCREENSHOT", &screenshot)
            .output()
    });
    let output = tokio::time::timeout(Duration::from_secs(150), run)
        .await
        .expect("the browser run ends")
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    handle.stop(true).await;
    server.await.unwrap().unwrap();
    assert!(output.status.success(), "the browser checks failed:\n{stdout}");
    assert!(stdout.contains(" passed, 0 failed"), "the script reported its checks");
}
