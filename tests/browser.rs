//! The survey page in a real browser: headless Chromium, driven by `tests/browser/survey.mjs`
//! (playwright-core), against a real server with the demo campaign.
//!
//! Needs Node.js, Chromium (`/usr/bin/chromium`, or `CHROMIUM`) and `npm ci --prefix
//! tests/browser`. Without them the test says so and passes, unless `MINPING_REQUIRE_BROWSER=1`
//! (as in CI), where it fails.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use minping::intake::admit::{Admitted, Credential};
use minping::server::config::Settings;
use minping::server::{AppState, Application};

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

/// Whether the browser tests can run here; says why not (or fails, in CI) when not.
fn browser_available() -> bool {
    let Some(problem) = missing_tool() else { return true };
    if std::env::var("MINPING_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("the browser test cannot run: {problem} (MINPING_REQUIRE_BROWSER=1)");
    }
    eprintln!("SKIPPED browser test: {problem}");
    false
}

/// A real server's state with the demo campaign and a panel of `panel`, in its own data directory.
async fn demo_server(panel: usize) -> (tempfile::TempDir, AppState, Settings) {
    demo_server_with(panel, |_| {}).await
}

/// [`demo_server`] with settings of the test's own.
async fn demo_server_with(
    panel: usize,
    configure: impl FnOnce(&mut Settings),
) -> (tempfile::TempDir, AppState, Settings) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings =
        Settings { bind: "127.0.0.1:0".into(), data_dir: dir.path().to_path_buf(), ..Settings::default() };
    configure(&mut settings);
    let state = AppState::open(&settings).await.unwrap();
    minping::cli::demo::ensure(state.store.as_ref(), &state.secret, dir.path(), "http://test", panel)
        .await
        .unwrap();
    (dir, state, settings)
}

fn invitations(dir: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(dir.join(minping::cli::demo::CSV_NAME)).unwrap();
    reader.records().map(Result::unwrap).collect()
}

/// Serves the state, runs a browser script against it, and checks that all its checks passed.
async fn run_script(settings: &Settings, state: AppState, script: &str, args: Vec<String>, screenshot: &str) {
    let app = Application::build(settings, state).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = actix_rt::spawn(app.run_until_stopped());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser").join(script);
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(screenshot);
    let run = actix_web::rt::task::spawn_blocking(move || {
        Command::new("node").arg(script).arg(&base).args(args).env("SCREENSHOT", &screenshot).output()
    });
    let output = tokio::time::timeout(Duration::from_secs(180), run)
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

#[actix_rt::test]
async fn a_panel_member_votes_on_a_phone() {
    if !browser_available() {
        return;
    }
    let (dir, state, settings) = demo_server(10).await;
    let rows = invitations(dir.path());
    let args = vec![rows[0][3].to_owned(), rows[1][4].to_owned()];
    run_script(&settings, state, "survey.mjs", args, "survey-360.png").await;
}

#[actix_rt::test]
async fn staff_watch_a_campaign_live_and_close_it() {
    if !browser_available() {
        return;
    }
    let (dir, state, settings) = demo_server(40).await;
    let staff = [
        ("zhang", "admin", "zhang-secret-1"),
        ("li", "monitor", "li-secret-123"),
        ("qian", "auditor", "qian-secret-123"),
    ];
    for (name, role, password) in staff {
        let hash = minping::staff::password::hash(password).unwrap();
        state.store.add_staff_user(name, role, &hash).await.unwrap();
    }
    // Ballots already in before staff look, through the same intake as the API.
    let rows = invitations(dir.path());
    let campaign = std::sync::Arc::new(state.store.campaign("demo").await.unwrap().unwrap());
    let intake = state.intake();
    for row in &rows[..34] {
        let input = minping::domain::BallotInput {
            invitation: Some(row[3].to_owned()),
            ratings: campaign.units.iter().map(|u| (u.code.clone(), "satisfied".to_owned())).collect(),
            ..Default::default()
        };
        let ballot = minping::domain::Ballot::parse(&campaign, &input).unwrap();
        let respondent =
            minping::identity::panel_member(state.store.as_ref(), &state.secret, campaign.id, Some(&row[3]))
                .await
                .unwrap();
        let admitted = Admitted::unflagged(respondent, Credential::Invitation);
        intake.submit(campaign.clone(), admitted, ballot, None).await.unwrap();
    }
    // And 2k from the public, with the district they chose (the phone check is tested apart):
    // districts are content, counted in steps of k, so one mix shows k of them.
    let k = campaign.definition.anonymity_threshold as usize;
    for i in 0..2 * k {
        let input = minping::domain::BallotInput {
            district: Some(campaign.definition.districts[1].clone()),
            ratings: campaign.units.iter().map(|u| (u.code.clone(), "satisfied".to_owned())).collect(),
            ..Default::default()
        };
        let ballot = minping::domain::Ballot::parse(&campaign, &input).unwrap();
        let respondent = minping::identity::Respondent {
            key: minping::identity::RespondentKey::phone(&format!("browser-test-{i}")),
            class: minping::domain::RespondentClass::Public,
            segment: None,
            district: ballot.district.clone(),
        };
        let admitted = Admitted::unflagged(respondent, Credential::Phone);
        intake.submit(campaign.clone(), admitted, ballot, None).await.unwrap();
    }
    minping::intake::mixer::mix_campaign(state.store.as_ref(), &state.sealer, &campaign, false)
        .await
        .unwrap();
    let args = ["zhang", "zhang-secret-1", "li", "li-secret-123", &rows[35][3], "qian", "qian-secret-123"];
    let args = args.map(String::from).to_vec();
    run_script(&settings, state, "console.mjs", args, "console-live.png").await;
}

#[actix_rt::test]
async fn public_flow_in_a_browser() {
    if !browser_available() {
        return;
    }
    // Load-test mode shows the script the captcha answers; codes go to the outbox file.
    let (dir, state, settings) = demo_server_with(10, |s| {
        s.load_test = true;
        s.limits.otp_cooldown_secs = 5;
    })
    .await;
    let outbox = dir.path().join(minping::sms::OUTBOX_NAME);
    // Demo member P0001's number.
    let args = vec![outbox.display().to_string(), "19900000001".into()];
    run_script(&settings, state, "public.mjs", args, "public-360.png").await;
}

#[actix_rt::test]
async fn a_short_code_needs_a_picture_code_while_codes_are_guessed() {
    if !browser_available() {
        return;
    }
    let (dir, state, settings) = demo_server_with(10, |s| {
        s.load_test = true;
        s.limits.short_code_failures_per_campaign_per_hour = 3;
    })
    .await;
    let rows = invitations(dir.path());
    run_script(&settings, state, "guessing.mjs", vec![rows[2][4].to_owned()], "guessing-360.png").await;
}
