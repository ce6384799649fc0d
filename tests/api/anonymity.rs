//! The anonymity attacks of issue #11, tried against both profiles, each shown failing:
//! differencing the staff figures around one ballot (and around k − 1), pairing claims with
//! content in the database, and losing or doubling a ballot sealed before a restart.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{database_url_for, Backend, Staff, TestApp};

/// The campaign's anonymity threshold (the demo's, the default).
const K: usize = 10;

both_backends!(
    one_ballot_or_k_minus_one_move_no_content_figure,
    the_database_does_not_pair_a_claim_with_content,
    ballots_sealed_before_a_restart_are_counted_once_at_the_close,
    a_lone_public_ballot_waits_for_a_step_of_its_own_class,
);

/// Everything a read-only staff member can difference that comes from ballot content:
/// per-unit valid n and counts of the results, per-unit valid n of the live view, the
/// feedback, public ballots per district.
async fn content_figures(app: &TestApp, monitor: &Staff) -> Value {
    let get = |path: &'static str| async move {
        let (status, body) = app.admin_call(Some(monitor), "GET", path, false).await;
        assert_eq!(status, 200, "{path}");
        serde_json::from_slice::<Value>(&body).unwrap()
    };
    let results = get("/campaigns/demo/results").await;
    let progress = get("/campaigns/demo/progress").await;
    let feedback = get("/campaigns/demo/feedback").await;
    let units = |v: &Value, path: &[&str]| {
        let list = path.iter().fold(v, |v, key| &v[*key]).as_array().unwrap().clone();
        list.into_iter().map(|u| json!([u["code"], u["valid_n"], u["counts"]])).collect::<Vec<_>>()
    };
    json!({
        "results": units(&results, &["results", "units"]),
        "live": units(&progress, &["units"]),
        "feedback": feedback["count"],
        "by_district": progress["public"]["by_district"],
    })
}

/// Reads the figures after the housekeeping round (every second) and the live view's cache
/// (two seconds) have had their chance to show a change.
async fn settled_figures(app: &TestApp, monitor: &Staff) -> Value {
    tokio::time::sleep(Duration::from_millis(3100)).await;
    content_figures(app, monitor).await
}

fn feedback(figures: &Value) -> u64 {
    figures["feedback"].as_u64().unwrap()
}

fn valid_n_of_first_unit(figures: &Value) -> u64 {
    figures["results"][0][1].as_u64().unwrap()
}

async fn non_responders(app: &TestApp, monitor: &Staff) -> Vec<String> {
    let (_, body) = app.admin_call(Some(monitor), "GET", "/campaigns/demo/non-responders", false).await;
    let list: Value = serde_json::from_slice(&body).unwrap();
    list["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member_code"].as_str().unwrap().to_owned())
        .collect()
}

async fn one_ballot_or_k_minus_one_move_no_content_figure(backend: Backend) {
    let Some(app) = crate::harness::spawn_app(backend).await else { return };
    let monitor = app.signed_in("li", "monitor").await;
    let before = content_figures(&app, &monitor).await;
    let waiting_before = non_responders(&app, &monitor).await;

    // The attack: one member votes between two reads.
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    let after_one = settled_figures(&app, &monitor).await;
    let waiting_after = non_responders(&app, &monitor).await;
    assert_eq!(waiting_before.len() - 1, waiting_after.len(), "who took part is identity: it shows at once");
    assert_eq!(before, after_one, "no content figure moved for one ballot");

    // Up to k − 1 more, then up to 2k − 1: still nothing, since k are always held back
    // for the close and a step is never smaller than k.
    for invite in &app.invites[1..2 * K - 1] {
        assert_eq!(app.submit(&app.full_ballot(&invite.token)).await.0, 201);
    }
    assert_eq!(before, settled_figures(&app, &monitor).await, "2k − 1 ballots waiting: no step yet");

    // The 2k-th ballot: one step of k ballots, chosen at random among the 2k waiting.
    assert_eq!(app.submit(&app.full_ballot(&app.invites[2 * K - 1].token)).await.0, 201);
    let deadline = Instant::now() + Duration::from_secs(15);
    let stepped = loop {
        let now = settled_figures(&app, &monitor).await;
        if now != before || Instant::now() > deadline {
            break now;
        }
    };
    assert_eq!(valid_n_of_first_unit(&stepped) - valid_n_of_first_unit(&before), K as u64, "{stepped}");
    assert_eq!(feedback(&stepped) - feedback(&before), 2 * K as u64, "a reason and a suggestion each");
    app.finish().await;
}

/// A sentence only one ballot holds, to look for in the database's files.
fn marked_ballot(app: &TestApp, invitation: &str, mark: &str) -> Value {
    let mut ballot = app.full_ballot(invitation);
    ballot["suggestion"] = json!(format!("独一无二的建议{mark}"));
    ballot
}

async fn the_database_does_not_pair_a_claim_with_content(backend: Backend) {
    let Some(app) = crate::harness::spawn_app(backend).await else { return };
    let marks: Vec<String> = (0..3).map(|i| format!("{i}-{}", rand::random::<u32>())).collect();
    for (invite, mark) in app.invites.iter().zip(&marks) {
        assert_eq!(app.submit(&marked_ballot(&app, &invite.token, mark)).await.0, 201);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    match backend {
        Backend::Embedded => {
            // After single ballots, neither the database file nor its WAL holds their words.
            let mut bytes = Vec::new();
            for file in app.sqlite_files() {
                bytes.extend(std::fs::read(file).unwrap_or_default());
            }
            for mark in &marks {
                let needle = format!("独一无二的建议{mark}");
                let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
                assert!(!found, "ballot content `{needle}` is readable in the SQLite files");
            }
        }
        Backend::Scaled => {
            let url = database_url_for(app.database_name().unwrap());
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            let (contents,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM ballots").fetch_one(&pool).await.unwrap();
            assert_eq!(contents, 0, "no plaintext content before k ballots are mixed");
            let sealed: Vec<(Vec<u8>,)> =
                sqlx::query_as("SELECT sealed FROM sealed_ballots").fetch_all(&pool).await.unwrap();
            assert_eq!(sealed.len(), 3);
            // Padded: a sealed row's size (written with its claim) says nothing of its words.
            assert!(sealed.iter().all(|(row,)| row.len() == sealed[0].0.len()), "sealed rows differ in size");
            for (row,) in &sealed {
                assert!(!String::from_utf8_lossy(row).contains("独一无二"), "sealed rows are ciphertext");
            }
            pool.close().await;
        }
    }

    // Enough for a step; then no claim shares a transaction with any content row.
    for (i, invite) in app.invites.iter().enumerate().skip(3).take(2 * K) {
        assert_eq!(app.submit(&marked_ballot(&app, &invite.token, &format!("more-{i}"))).await.0, 201);
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while mixed(&app).await < K as i64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if backend == Backend::Scaled {
        let url = database_url_for(app.database_name().unwrap());
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let (mixed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ballots").fetch_one(&pool).await.unwrap();
        assert!(mixed >= K as i64, "a step of at least k was mixed: {mixed}");
        let (paired,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM claims c JOIN ballots b ON c.xmin = b.xmin")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(paired, 0, "claims JOIN ballots ON xmin pairs nothing");
        let (per_tx,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MIN(n), 0) FROM (SELECT COUNT(*) AS n FROM ballots GROUP BY xmin::text) t",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            per_tx >= K as i64,
            "every transaction that wrote content wrote at least k ballots: {per_tx}"
        );
        pool.close().await;
    }
    app.finish().await;
}

/// Ballots that are content already (mixed), read as the export reads them.
async fn mixed(app: &TestApp) -> i64 {
    let mut n = 0;
    let id = app.campaign_id().await;
    app.state
        .store
        .for_each_ballot(id, &mut |_| {
            n += 1;
            Ok(())
        })
        .await
        .unwrap();
    n
}

async fn ballots_sealed_before_a_restart_are_counted_once_at_the_close(backend: Backend) {
    let Some(mut app) = crate::harness::spawn_app(backend).await else { return };
    for invite in &app.invites[..3] {
        assert_eq!(app.submit(&app.full_ballot(&invite.token)).await.0, 201);
    }
    // Sealed, acknowledged, not yet content: the server goes away and comes back.
    app.restart().await;
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 409, "still counted once");
    let admin = app.signed_in("zhang", "admin").await;
    let (status, body) = app.admin_call(Some(&admin), "POST", "/campaigns/demo/close", true).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let report: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(report["ballots"], 3, "{report}");
    // Three are fewer than k: the results show no figure for them, the counters hold them.
    let first = &report["results"]["units"][0];
    assert_eq!(first["hidden"], json!(["class:panel", "totals"]), "{first}");
    let unit = first["code"].as_str().unwrap();
    assert_eq!(app.times_rated(unit).await, 3, "every sealed ballot counted once, at the close");
    app.finish().await;
}

/// The counters are per class: a step of k panel ballots with one public ballot in it would
/// move the public's counts by that one ballot. Each class steps on its own.
async fn a_lone_public_ballot_waits_for_a_step_of_its_own_class(backend: Backend) {
    let Some(app) = crate::public::app(backend, |_| {}).await else { return };
    let code = crate::public::code_for(&app, "13100130000", "131****0000").await;
    assert_eq!(app.submit(&app.phone_ballot("13100130000", &code)).await.0, 201);
    for invite in &app.invites[..2 * K + 5] {
        assert_eq!(app.submit(&app.full_ballot(&invite.token)).await.0, 201);
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while mixed(&app).await < K as i64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Mixes run every second as ballots arrive: one at 2k waiting takes k, one at 2k + 5
    // takes k + 5. Either way at least k are held back for the next step.
    let mixed = mixed(&app).await;
    assert!(
        (K as i64..=(K + 5) as i64).contains(&mixed),
        "2k + 5 panel ballots: {mixed} mixed, at least k held back"
    );
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    let public: i64 = tallies.iter().filter(|t| t.class == "public").map(|t| t.count).sum();
    assert_eq!(public, 0, "the lone public ballot is not counted until k of its class can go with it");
    app.finish().await;
}
