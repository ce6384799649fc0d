//! Abuse signals on stored ballots: too fast to have been read, a filled honeypot, and
//! bursts of identical ballots are kept but flagged.

use serde_json::json;

use super::{app, code_for};
use crate::both_backends;
use crate::harness::{spawn_app_with, Backend};

async fn suspicious_ballots_are_stored_but_flagged(backend: Backend) {
    // Default floor: a 60-unit ballot sent right after verification is too fast to be read.
    let Some(app) = spawn_app_with(backend, |_| {}).await else { return };
    let code = code_for(&app, "13200132000", "132****2000").await;
    assert_eq!(app.verify("13200132000", &code).await.0, 200);
    let (status, body) = app.submit(&app.phone_ballot("13200132000", &code)).await;
    assert_eq!(status, 201, "{body}");
    let code = code_for(&app, "13200132001", "132****2001").await;
    let mut ballot = app.phone_ballot("13200132001", &code);
    ballot["homepage"] = json!("http://spam.example");
    assert_eq!(app.submit(&ballot).await.0, 201);
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    assert!(tallies.iter().all(|t| t.flagged), "{tallies:?}");
    assert_eq!(app.ballot_count().await, 2);
    let signals = app.signals().await;
    assert_eq!(signals.get("fast_ballot"), Some(&2));
    assert_eq!(signals.get("honeypot"), Some(&1));
    assert_eq!(signals.get("flagged_ballot"), Some(&2));
    app.finish().await;
}

async fn identical_bursts_from_one_block_are_flagged(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.burst_threshold = 2).await else { return };
    for n in 0..4 {
        let phone = format!("1310013{n:04}");
        let code = code_for(&app, &phone, &format!("131****{n:04}")).await;
        assert_eq!(app.submit(&app.phone_ballot(&phone, &code)).await.0, 201);
    }
    app.mix_all().await;
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    let codes = app.unit_codes();
    let flagged: i64 = tallies.iter().filter(|t| t.unit_code == codes[1] && t.flagged).map(|t| t.count).sum();
    assert_eq!(flagged, 2, "the third and fourth identical ballots");
    assert_eq!(app.signals().await.get("pattern_burst"), Some(&2));
    app.finish().await;
}

both_backends!(suspicious_ballots_are_stored_but_flagged, identical_bursts_from_one_block_are_flagged,);
