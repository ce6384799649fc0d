//! Device mode: a campaign that takes the public by device (a cookie and a captcha, no SMS)
//! counts a device once and caps the ballots from one address.

use serde_json::{json, Value};

use super::app;
use crate::both_backends;
use crate::harness::{Backend, TestApp};

/// A second campaign, open, that takes the public by device.
pub async fn device_campaign(app: &TestApp) {
    let mut definition = minping::cli::demo::definition();
    definition.slug = "kiosk".into();
    definition.public.mode = minping::domain::PublicMode::Device;
    let status = minping::domain::CampaignStatus::Open;
    app.state.store.create_campaign(&definition, status).await.unwrap();
}

pub async fn device_ballot(app: &TestApp, cookie: Option<&str>) -> (u16, Value, Option<String>) {
    let (id, answer) = app.captcha().await;
    let mut ballot = app.public_ballot();
    let object = ballot.as_object_mut().unwrap();
    object.insert("captcha_id".into(), json!(id));
    object.insert("captcha_answer".into(), json!(answer));
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("Cookie", c)).into_iter().collect();
    app.post_with(&app.address, "/api/v1/campaigns/kiosk/ballots", &ballot, &headers, "Set-Cookie").await
}

async fn device_mode_counts_a_device_once_and_caps_an_address(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.device_ballots_per_address_per_hour = 2).await else { return };
    device_campaign(&app).await;
    let (_, campaign) = app.get_json("/api/v1/campaigns/kiosk").await;
    assert_eq!(campaign["public"]["mode"], "device");

    let (status, body, set_cookie) = device_ballot(&app, None).await;
    assert_eq!(status, 201, "{body}");
    let set_cookie = set_cookie.expect("a new device gets its cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    // The same device again: refused, and the cookie is not handed out again.
    let (status, body, again) = device_ballot(&app, Some(&cookie)).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (409, Some("already_used"), Some("device"))
    );
    assert!(again.is_none());
    // A forged cookie is refused (it used to count as a new device), and dropped.
    let forged = "mp_device=0123456789abcdef0123456789abcdef.00";
    let (status, body, removal) = device_ballot(&app, Some(forged)).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("forged_device")), "{body}");
    assert!(removal.is_some_and(|c| c.starts_with("mp_device=;") || c.contains("Max-Age=0")));
    // Without one, a new device: but the address cap stops the third ballot.
    let (status, _, _) = device_ballot(&app, None).await;
    assert_eq!(status, 429);

    // A wrong captcha is refused; phone codes are not offered here.
    let mut ballot = app.public_ballot();
    ballot["captcha_id"] = json!(app.captcha().await.0);
    ballot["captcha_answer"] = json!("nope");
    let (status, body, _) =
        app.post_with(&app.address, "/api/v1/campaigns/kiosk/ballots", &ballot, &[], "").await;
    assert_eq!((status, body["error"].as_str()), (422, Some("bad_captcha")));
    let (status, body, _) = app.request_code_at(&app.address, "kiosk", "13800138000").await;
    assert_eq!((status, body["error"].as_str()), (403, Some("public_closed")));

    app.mix_all_of("kiosk").await;
    let campaign = app.state.store.campaign("kiosk").await.unwrap().unwrap();
    let tallies = app.state.store.tallies(campaign.id).await.unwrap();
    assert!(!tallies.is_empty() && tallies.iter().all(|t| t.class == "device"), "{tallies:?}");
    assert_eq!(app.state.store.ballot_count(campaign.id).await.unwrap(), 1);
    app.finish().await;
}

both_backends!(device_mode_counts_a_device_once_and_caps_an_address,);
