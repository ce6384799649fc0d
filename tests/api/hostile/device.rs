//! Device mode was trivially evaded: a forged or altered device cookie counted as a new
//! device, and 25 ballots from one client in 15 s were none of them flagged. Now a cookie
//! that is there must carry our signature, and a burst from one client is flagged.

use std::collections::HashMap;

use crate::both_backends;
use crate::harness::{Backend, TestApp};
use crate::public::app;
use crate::public::device::{device_ballot, device_campaign};

/// The abuse signals of the device campaign.
async fn kiosk_signals(app: &TestApp) -> HashMap<String, i64> {
    let store = app.state.store.as_ref();
    app.state.guard.signals.flush(store).await;
    let id = store.campaign("kiosk").await.unwrap().unwrap().id;
    store.signals(id).await.unwrap().into_iter().collect()
}

async fn a_tampered_device_cookie_is_refused(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    device_campaign(&app).await;
    let (status, _, set_cookie) = device_ballot(&app, None).await;
    assert_eq!(status, 201);
    let cookie = set_cookie.unwrap().split(';').next().unwrap().to_owned();
    // One character of the id changed, the signature kept: another device, forged.
    let mut tampered = cookie.clone().into_bytes();
    let i = "mp_device=".len();
    tampered[i] = if tampered[i] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).unwrap();
    for forged in [tampered, format!("{cookie}0"), "mp_device=x".into(), "mp_device=".into()] {
        let (status, body, _) = device_ballot(&app, Some(&forged)).await;
        assert_eq!(
            (status, body["error"].as_str(), body["field"].as_str()),
            (403, Some("forged_device"), Some("device")),
            "{forged}"
        );
    }
    assert_eq!(kiosk_signals(&app).await.get("forged_device"), Some(&4));
    let (status, body, _) = device_ballot(&app, Some(&cookie)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("already_used")),
        "the real cookie still names its device"
    );
    app.finish().await;
}

/// 25 device ballots from one client in a few seconds, each a new device with its own
/// captcha and different ratings: past the 10th, each is flagged.
async fn a_scripted_burst_from_one_client_is_flagged(backend: Backend) {
    let Some(app) = app(backend, |s| {
        s.limits.device_ballots_per_address_per_hour = 100;
        (s.limits.fast_ballot_min_secs, s.limits.fast_ballot_secs_per_unit) = (0.0, 0.0);
    })
    .await
    else {
        return;
    };
    device_campaign(&app).await;
    for _ in 0..25 {
        let (status, body, _) = device_ballot(&app, None).await;
        assert_eq!(status, 201, "{body}");
    }
    let signals = kiosk_signals(&app).await;
    assert_eq!(signals.get("client_burst"), Some(&15), "{signals:?}");
    assert_eq!(signals.get("flagged_ballot"), Some(&15), "{signals:?}");
    assert_eq!(signals.get("fast_ballot"), None, "flagged for the burst alone");
    app.finish().await;
}

both_backends!(a_tampered_device_cookie_is_refused, a_scripted_burst_from_one_client_is_flagged);
