//! `minping backup` while ballots arrive, `minping restore` elsewhere: the copy closes with
//! the same results and fingerprint as the original for the ballots acknowledged before the
//! backup began, and — with the server secret put back — opens the ballots still sealed.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{database_url_for, ok, Backend, TestApp};

/// A second campaign, open, taking the public by device: the ballots that keep arriving
/// while the backup is taken go there, so that `demo` holds exactly the ones sent before.
async fn kiosk(app: &TestApp) {
    let mut definition = minping::cli::demo::definition();
    definition.slug = "kiosk".into();
    definition.public.mode = minping::domain::PublicMode::Device;
    app.state.store.create_campaign(&definition, minping::domain::CampaignStatus::Open).await.unwrap();
}

async fn kiosk_ballot(app: &TestApp) -> u16 {
    let (id, answer) = app.captcha().await;
    let mut ballot = app.public_ballot();
    ballot["captcha_id"] = json!(id);
    ballot["captcha_answer"] = json!(answer);
    app.post_with(&app.address, "/api/v1/campaigns/kiosk/ballots", &ballot, &[], "Set-Cookie").await.0
}

/// Ballots that differ, so that a lost or altered one changes the results.
fn ballot(app: &TestApp, i: usize) -> Value {
    let codes = app.unit_codes();
    let mut b = app.full_ballot(&app.invites[i].token);
    let options = ["satisfied", "basically_satisfied", "unknown"];
    b["ratings"][&codes[1]] = json!(options[i % 3]);
    b["suggestion"] = json!(format!("第{i}条建议"));
    b
}

/// `minping <args>` on the restored copy: its data directory, its database.
fn on_copy(dir: &std::path::Path, database_url: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_minping"));
    command.args(args).arg("--data-dir").arg(dir).env_remove("DATABASE_URL").env_remove("REDIS_URL");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command.output().unwrap()
}

fn final_report(output: std::process::Output) -> Value {
    serde_json::from_str(&ok(output)).unwrap()
}

async fn a_backup_taken_while_ballots_arrive_restores_what_was_acknowledged(backend: Backend) {
    let Some(app) =
        crate::public::app(backend, |s| s.limits.device_ballots_per_address_per_hour = 100_000).await
    else {
        return;
    };
    kiosk(&app).await;
    const BEFORE: usize = 24;
    for i in 0..BEFORE {
        assert_eq!(app.submit(&ballot(&app, i)).await.0, 201);
    }
    // Mixed now, as the server does every second: their place in the export is drawn once,
    // before the backup, and the copy must keep it.
    app.mix_all().await;
    assert_eq!(kiosk_ballot(&app).await, 201);

    // The backup, from the command line, while the kiosk keeps taking ballots.
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("minping.backup");
    let mut command = app.minping_command(&["backup", "--out", file.to_str().unwrap()]);
    let done = std::cell::Cell::new(false);
    let backup = async {
        let output = actix_web::rt::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
        done.set(true);
        output
    };
    let writes = async {
        let mut acknowledged = 0;
        while !done.get() {
            let statuses = futures_util::future::join_all((0..4).map(|_| kiosk_ballot(&app))).await;
            assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
            acknowledged += statuses.len();
        }
        acknowledged
    };
    let (output, during) = futures_util::future::join(backup, writes).await;
    let said = ok(output);
    assert!(said.contains("已备份到") && said.contains("密钥"), "{said}");
    assert_eq!(kiosk_ballot(&app).await, 201);
    eprintln!("{during} kiosk ballots acknowledged while the backup ran");
    let refused = app.minping(&["backup", "--out", file.to_str().unwrap()]);
    assert!(!refused.status.success(), "an existing file is not overwritten");

    // Restored elsewhere, the secret put back beside it as the operator keeps it.
    let copy = work.path().join("copy");
    let copy_url = match backend {
        Backend::Embedded => None,
        Backend::Scaled => {
            let name = format!("{}_copy", app.database_name().unwrap());
            app.pg_admin(&format!("CREATE DATABASE {name}")).await;
            Some(database_url_for(&name))
        }
    };
    let restored = ok(on_copy(&copy, copy_url.as_deref(), &["restore", file.to_str().unwrap()]));
    assert!(restored.contains("demo") && restored.contains("kiosk"), "{restored}");
    assert!(restored.contains("还缺服务器密钥"), "restore says the secret is missing: {restored}");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(app.settings.data_dir.join("secret.key"), copy.join("secret.key")).unwrap();
    let again = on_copy(&copy, copy_url.as_deref(), &["restore", file.to_str().unwrap()]);
    assert!(!again.status.success(), "a restore never writes over a database");

    // Closed on both sides: the same results and the same published ballot lines. (Each side
    // writes its own `campaign.close` audit entry, whose hash the published preamble carries:
    // the fingerprints differ by that head alone.)
    ok(app.minping(&["campaign", "close", "demo"]));
    let original = final_report(app.minping(&["export", "demo", "--format", "json"]));
    ok(on_copy(&copy, copy_url.as_deref(), &["campaign", "close", "demo"]));
    let restored = final_report(on_copy(&copy, copy_url.as_deref(), &["export", "demo", "--format", "json"]));
    assert_eq!(original["ballots"], BEFORE as u64);
    assert_eq!(restored["ballots"], original["ballots"]);
    assert_eq!(restored["results"], original["results"]);
    assert!(original["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    let published = |text: String| -> (Value, Vec<String>) {
        let mut lines = text.lines().map(String::from);
        let mut header: Value = serde_json::from_str(&lines.next().unwrap()).unwrap();
        let head = header["audit_head"].take();
        assert!(head.is_string(), "the chain's head at the close is published: {header}");
        for figure in ["fingerprint", "results"] {
            header[figure].take();
        }
        (header, lines.collect())
    };
    let ballots = |output: std::process::Output| published(ok(output));
    let from_original = ballots(app.minping(&["export", "demo", "--ballots"]));
    let from_copy = ballots(on_copy(&copy, copy_url.as_deref(), &["export", "demo", "--ballots"]));
    assert_eq!(from_copy.1.len(), BEFORE, "every acknowledged ballot");
    assert_eq!(
        from_copy, from_original,
        "the same preamble but for the head, the same lines in the same order"
    );
    // The kiosk's ballots, sealed in the copy, open with the secret put back.
    let kiosk = final_report({
        ok(on_copy(&copy, copy_url.as_deref(), &["campaign", "close", "kiosk"]));
        on_copy(&copy, copy_url.as_deref(), &["export", "kiosk", "--format", "json"])
    });
    assert!(
        kiosk["ballots"].as_u64().unwrap() >= 1,
        "the kiosk ballot acknowledged before the backup is lost"
    );

    if let Some(url) = copy_url {
        let name = url.rsplit('/').next().unwrap();
        app.pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
    app.finish().await;
}

both_backends!(a_backup_taken_while_ballots_arrive_restores_what_was_acknowledged);
