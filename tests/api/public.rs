//! The public channel: captcha, SMS code, limits and abuse signals, on both profiles.

use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{spawn_app_with, Backend, TestApp};
use minping::server::config::Settings;

/// Ballots in tests are sent at once: without this, every one would be "too fast".
fn unhurried(settings: &mut Settings) {
    settings.limits.fast_ballot_min_secs = 0.0;
    settings.limits.fast_ballot_secs_per_unit = 0.0;
}

async fn app(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    spawn_app_with(backend, |s| {
        unhurried(s);
        configure(s);
    })
    .await
}

/// Requests a code for `phone` and returns it, as read from the outbox.
async fn code_for(app: &TestApp, phone: &str, masked: &str) -> String {
    let (status, body, _) = app.request_code(phone).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["masked"], masked);
    app.codes_sent_to(masked).pop().expect("the outbox has the code")
}

async fn a_member_of_the_public_takes_part_once(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    assert_eq!(app.campaign["public"]["mode"], "phone");
    let code = code_for(&app, "138 0013 8000", "138****8000").await;
    assert_eq!(code.len(), 6);

    let (status, body) = app.verify("13800138000", &code).await;
    assert_eq!((status, &body["class"]), (200, &json!("public")), "{body}");
    // The ballot carries the same number (typed differently) and code.
    let (status, body) = app.submit(&app.phone_ballot("+86 138-0013-8000", &code)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app.submit(&app.phone_ballot("13800138000", &code)).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (409, Some("already_used"), Some("phone"))
    );

    // From another device, days later: a new code, and a plain answer at verification.
    app.state
        .hot
        .delete(&format!("otp-cool:{}:{}", app.campaign_id().await, number_key(&app, "13800138000")))
        .await
        .unwrap();
    let code = code_for(&app, "13800138000", "138****8000").await;
    let (status, body) = app.verify("13800138000", &code).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("已参加过"), "{body}");

    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    let codes = app.unit_codes();
    assert_eq!(app.tally(&codes[1], "satisfied").await, 1);
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    assert!(tallies.iter().all(|t| t.class == "public" && !t.flagged), "{tallies:?}");
    let signals = app.signals().await;
    assert_eq!(signals.get("sms_sent"), Some(&2));
    assert_eq!(signals.get("duplicate_refused"), Some(&2));
    app.finish().await;
}

/// The hot-state key of a number, as the server derives it.
fn number_key(app: &TestApp, phone: &str) -> String {
    let number = minping::identity::PhoneNumber::parse(phone).unwrap();
    minping::identity::otp::NumberKey::new(&number.keyed_hash(&app.state.secret)).as_str().to_owned()
}

async fn the_sixth_try_is_refused_even_when_right_and_codes_cool_down(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "13900139000", "139****9000").await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    for left in (0..5).rev() {
        let (status, body) = app.verify("13900139000", &wrong).await;
        assert_eq!((status, body["error"].as_str()), (422, Some("bad_otp")), "{body}");
        assert_eq!(body["details"]["tries_left"], left);
        assert_eq!(body["field"], "otp");
    }
    let (status, body) = app.verify("13900139000", &code).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("otp_expired")), "{body}");
    let (status, body) = app.submit(&app.phone_ballot("13900139000", &code)).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("otp_expired")), "{body}");

    // No new code inside the cooldown; the answer says when.
    let (status, body, retry_after) = app.request_code("13900139000").await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert!(body["message"].as_str().unwrap().contains("秒后"), "{body}");
    assert_eq!(app.codes_sent_to("139****9000").len(), 1);
    assert_eq!((app.ballot_count().await, app.claim_count().await), (0, 0));
    let signals = app.signals().await;
    assert_eq!(signals.get("otp_failed"), Some(&7));
    assert_eq!(signals.get("rate_limited"), Some(&1));
    app.finish().await;
}

async fn captchas_work_once_and_a_script_without_answers_sends_no_sms(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let otp = "/api/v1/campaigns/demo/otp";
    let (id, answer) = app.captcha().await;
    // A bad number is refused before the captcha is spent.
    let body = json!({ "phone": "1380013800", "captcha_id": id, "captcha_answer": answer });
    let (status, reply, _) = app.post_with(&app.address, otp, &body, &[], "").await;
    assert_eq!(
        (status, reply["error"].as_str(), reply["field"].as_str()),
        (422, Some("bad_phone"), Some("phone"))
    );
    // Right answer, any case: sent. The same captcha again: spent.
    let body = json!({ "phone": "13700137000", "captcha_id": id, "captcha_answer": answer.to_lowercase() });
    assert_eq!(app.post_with(&app.address, otp, &body, &[], "").await.0, 202);
    let body = json!({ "phone": "13600136000", "captcha_id": id, "captcha_answer": answer });
    let (status, reply, _) = app.post_with(&app.address, otp, &body, &[], "").await;
    assert_eq!((status, reply["error"].as_str()), (422, Some("captcha_expired")));

    // A script guessing answers gets nowhere, and each guess spends its captcha.
    for n in 0..20 {
        let (id, _) = app.captcha().await;
        let body = json!({ "phone": format!("1360013{n:04}"), "captcha_id": id, "captcha_answer": "AAAAA" });
        let (status, reply, _) = app.post_with(&app.address, otp, &body, &[], "").await;
        assert_eq!(
            (status, reply["error"].as_str(), reply["field"].as_str()),
            (422, Some("bad_captcha"), Some("captcha_answer"))
        );
    }
    let body = json!({ "phone": "13600136000", "captcha_id": "0".repeat(32), "captcha_answer": "AAAAA" });
    assert_eq!(app.post_with(&app.address, otp, &body, &[], "").await.1["error"], "captcha_expired");
    let outbox = std::fs::read_to_string(app.settings.data_dir.join(minping::sms::OUTBOX_NAME)).unwrap();
    assert_eq!(outbox.lines().count(), 1, "only the solved captcha sent an SMS");
    assert_eq!(app.signals().await.get("captcha_failed"), Some(&22));
    app.finish().await;
}

async fn an_expired_captcha_is_refused(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.captcha_ttl_secs = 1).await else { return };
    let (id, answer) = app.captcha().await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let body = json!({ "phone": "13700137000", "captcha_id": id, "captcha_answer": answer });
    let (status, reply, _) = app.post_with(&app.address, "/api/v1/campaigns/demo/otp", &body, &[], "").await;
    assert_eq!((status, reply["error"].as_str()), (422, Some("captcha_expired")));
    app.finish().await;
}

async fn the_ways_people_type_a_number_are_one_number(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "＋８６ １３５－００１３－５０００", "135****5000").await;
    for (typed, status) in [("135 0013 5000", 200), ("008613500135000", 200), ("+8613500135000", 200)] {
        assert_eq!(app.verify(typed, &code).await.0, status, "{typed}");
    }
    for bad in ["12500135000", "1350013500", "+1 415 555 0100", "13500l35000", ""] {
        let (status, body, _) = app.request_code(bad).await;
        assert_eq!((status, body["error"].as_str()), (422, Some("bad_phone")), "{bad}: {body}");
        let (status, body) = app.verify(bad, "123456").await;
        assert_eq!((status, body["error"].as_str()), (422, Some("bad_phone")), "{bad}: {body}");
    }
    app.finish().await;
}

async fn a_panel_members_number_counts_for_the_panel_once(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    // Demo member P0001's number is 199 0000 0001; P0002's is 199 0000 0002.
    let code = code_for(&app, "19900000001", "199****0001").await;
    let (status, body) = app.verify("19900000001", &code).await;
    assert_eq!((status, &body["class"]), (200, &json!("panel")), "{body}");
    assert_eq!(app.submit(&app.phone_ballot("19900000001", &code)).await.0, 201);
    // Their invitation is now used, in every form.
    let (status, body) = app.submit(&app.full_ballot(&app.invites[0].token)).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")));

    // The other way round: P0002 answers by invitation, then tries by phone.
    assert_eq!(app.submit(&app.full_ballot(&app.invites[1].token)).await.0, 201);
    let code = code_for(&app, "19900000002", "199****0002").await;
    let (status, body) = app.verify("19900000002", &code).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")), "{body}");
    assert_eq!(app.submit(&app.phone_ballot("19900000002", &code)).await.0, 409);

    assert_eq!((app.ballot_count().await, app.claim_count().await), (2, 2));
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    assert!(tallies.iter().all(|t| t.class == "panel"), "{tallies:?}");
    app.finish().await;
}

async fn voted_and_fresh_numbers_get_the_same_answer(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "13300133000", "133****3000").await;
    assert_eq!(app.submit(&app.phone_ballot("13300133000", &code)).await.0, 201);
    let shape = |body: &Value| {
        let mut body = body.clone();
        body.as_object_mut().unwrap().remove("masked");
        body
    };
    let (voted_status, voted, _) = {
        let key = number_key(&app, "13300133000");
        app.state.hot.delete(&format!("otp-cool:{}:{key}", app.campaign_id().await)).await.unwrap();
        app.request_code("13300133000").await
    };
    let (panel_status, panel, _) = app.request_code("19900000003").await;
    let (fresh_status, fresh, _) = app.request_code("13300133001").await;
    assert_eq!((voted_status, panel_status, fresh_status), (202, 202, 202));
    assert_eq!(shape(&voted), shape(&fresh));
    assert_eq!(shape(&panel), shape(&fresh));
    app.finish().await;
}

async fn a_spoofed_forwarded_for_does_not_escape_address_limits(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.otp_per_address_per_hour = 3).await else { return };
    let otp = "/api/v1/campaigns/demo/otp";
    let mut statuses = Vec::new();
    for n in 0..5 {
        let (id, answer) = app.captcha().await;
        let body = json!({ "phone": format!("1370000{n:04}"), "captcha_id": id, "captcha_answer": answer });
        let spoof = format!("198.51.100.{n}");
        statuses.push(app.post_with(&app.address, otp, &body, &[("X-Forwarded-For", &spoof)], "").await.0);
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429]);
    app.finish().await;

    // Behind a trusted proxy the forwarded address is the client's.
    let Some(app) = app_behind_proxy(backend).await else { return };
    for n in 0..5 {
        let (id, answer) = app.captcha().await;
        let body = json!({ "phone": format!("1370000{n:04}"), "captcha_id": id, "captcha_answer": answer });
        let client = format!("6.6.6.6, 198.51.100.{n}");
        assert_eq!(app.post_with(&app.address, otp, &body, &[("X-Forwarded-For", &client)], "").await.0, 202);
    }
    app.finish().await;
}

async fn app_behind_proxy(backend: Backend) -> Option<TestApp> {
    app(backend, |s| {
        s.limits.otp_per_address_per_hour = 3;
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await
}

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
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    let codes = app.unit_codes();
    let flagged: i64 = tallies.iter().filter(|t| t.unit_code == codes[1] && t.flagged).map(|t| t.count).sum();
    assert_eq!(flagged, 2, "the third and fourth identical ballots");
    assert_eq!(app.signals().await.get("pattern_burst"), Some(&2));
    app.finish().await;
}

async fn the_sms_budget_holds(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.sms_per_campaign_per_hour = 2).await else { return };
    assert_eq!(app.request_code("13400134000").await.0, 202);
    assert_eq!(app.request_code("13400134001").await.0, 202);
    let (status, body, retry_after) = app.request_code("13400134002").await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    assert!(retry_after.is_some());
    assert!(body["message"].as_str().unwrap().contains("短信"), "{body}");
    app.finish().await;
}

both_backends!(
    a_member_of_the_public_takes_part_once,
    the_sixth_try_is_refused_even_when_right_and_codes_cool_down,
    captchas_work_once_and_a_script_without_answers_sends_no_sms,
    an_expired_captcha_is_refused,
    the_ways_people_type_a_number_are_one_number,
    a_panel_members_number_counts_for_the_panel_once,
    voted_and_fresh_numbers_get_the_same_answer,
    a_spoofed_forwarded_for_does_not_escape_address_limits,
    suspicious_ballots_are_stored_but_flagged,
    identical_bursts_from_one_block_are_flagged,
    the_sms_budget_holds,
    device_mode_counts_a_device_once_and_caps_an_address,
    guessing_invitations_is_slowed_down,
    the_public_say_their_district_and_staff_see_ballots_per_district,
    a_wrong_district_uses_nothing_up_and_the_panel_is_not_asked,
);

#[actix_rt::test]
async fn limits_hold_across_two_instances_sharing_redis() {
    let Some(app) = app(Backend::Scaled, |_| {}).await else { return };
    let (other, handle) = app.second_instance().await;
    let (status, body, _) = app.request_code_at(&app.address, "demo", "13800138001").await;
    assert_eq!(status, 202, "{body}");
    let code = app.codes_sent_to("138****8001").pop().unwrap();
    // The cooldown started on one instance holds on the other.
    let (status, _, retry_after) = app.request_code_at(&other, "demo", "13800138001").await;
    assert_eq!((status, retry_after.is_some()), (429, true));
    // Wrong tries alternate between instances; they add up all the same.
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    for n in 0..5 {
        let base = if n % 2 == 0 { &app.address } else { &other };
        assert_eq!(app.verify_at(base, "demo", "13800138001", &wrong).await.0, 422);
    }
    let (status, body) = app.verify_at(&other, "demo", "13800138001", &code).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("otp_expired")));
    // A captcha drawn by one instance is answered on the other, once.
    let (id, answer) = app.captcha_at(&other).await;
    let body = json!({ "phone": "13800138002", "captcha_id": id, "captcha_answer": answer });
    assert_eq!(app.post_with(&app.address, "/api/v1/campaigns/demo/otp", &body, &[], "").await.0, 202);
    assert_eq!(app.post_with(&other, "/api/v1/campaigns/demo/otp", &body, &[], "").await.0, 422);
    handle.stop(true).await;
    app.finish().await;
}

/// A second campaign, open, that takes the public by device.
async fn device_campaign(app: &TestApp) {
    let mut definition = minping::cli::demo::definition();
    definition.slug = "kiosk".into();
    definition.public.mode = minping::domain::PublicMode::Device;
    let status = minping::domain::CampaignStatus::Open;
    app.state.store.create_campaign(&definition, status).await.unwrap();
}

async fn device_ballot(app: &TestApp, cookie: Option<&str>) -> (u16, Value, Option<String>) {
    let (id, answer) = app.captcha().await;
    let mut ballot = app.full_ballot("");
    let object = ballot.as_object_mut().unwrap();
    object.remove("invitation");
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
    // A forged cookie is a new device, but the address cap stops the third ballot.
    let (status, _, _) = device_ballot(&app, Some("mp_device=0123456789abcdef0123456789abcdef.00")).await;
    assert_eq!(status, 429);

    // A wrong captcha is refused; phone codes are not offered here.
    let mut ballot = app.full_ballot("");
    ballot.as_object_mut().unwrap().remove("invitation");
    ballot["captcha_id"] = json!(app.captcha().await.0);
    ballot["captcha_answer"] = json!("nope");
    let (status, body, _) =
        app.post_with(&app.address, "/api/v1/campaigns/kiosk/ballots", &ballot, &[], "").await;
    assert_eq!((status, body["error"].as_str()), (422, Some("bad_captcha")));
    let (status, body, _) = app.request_code_at(&app.address, "kiosk", "13800138000").await;
    assert_eq!((status, body["error"].as_str()), (403, Some("public_closed")));

    let campaign = app.state.store.campaign("kiosk").await.unwrap().unwrap();
    let tallies = app.state.store.tallies(campaign.id).await.unwrap();
    assert!(!tallies.is_empty() && tallies.iter().all(|t| t.class == "device"), "{tallies:?}");
    assert_eq!(app.state.store.ballot_count(campaign.id).await.unwrap(), 1);
    app.finish().await;
}

/// A provider's API on loopback: records each request, answers the given statuses in turn
/// (the last one from then on).
async fn fake_provider(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let recorded = seen.clone();
    let server = HttpServer::new(move || {
        let recorded = recorded.clone();
        let statuses = statuses.clone();
        App::new().route(
            "/send",
            web::post().to(move |body: String| {
                let recorded = recorded.clone();
                let statuses = statuses.clone();
                async move {
                    let mut seen = recorded.lock().unwrap();
                    seen.push(body);
                    let status = statuses[(seen.len() - 1).min(statuses.len() - 1)];
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}/send", server.addrs()[0]);
    actix_rt::spawn(server.run());
    (address, seen)
}

#[actix_rt::test]
async fn a_webhook_gateway_reaches_the_provider_and_retries() {
    let (url, seen) = fake_provider(vec![503, 200]).await;
    let Some(app) = app(Backend::Embedded, |s| {
        s.sms.gateway = minping::sms::GatewayKind::Webhook;
        s.sms.webhook_url = Some(url);
        s.sms.webhook_headers.insert("X-Api-Key".into(), "k-123".into());
    })
    .await
    else {
        return;
    };
    let (status, body, _) = app.request_code("138 0013 8000").await;
    assert_eq!(status, 202, "{body}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one failure, one retry");
    let sent: Value = serde_json::from_str(&seen[1]).unwrap();
    assert_eq!(sent["phone"], "13800138000");
    assert!(sent["text"].as_str().unwrap().contains("分钟内有效"), "{sent}");
    app.finish().await;
}

#[actix_rt::test]
async fn a_failing_gateway_is_reported_and_counted() {
    let (url, seen) = fake_provider(vec![500]).await;
    let Some(app) = app(Backend::Embedded, |s| {
        s.sms.gateway = minping::sms::GatewayKind::Webhook;
        s.sms.webhook_url = Some(url);
        s.sms.webhook_retries = 1;
    })
    .await
    else {
        return;
    };
    for _ in 0..2 {
        // The cooldown is lifted after a failure: the person may ask again at once.
        let (status, body, retry_after) = app.request_code("13800138000").await;
        assert_eq!((status, body["error"].as_str()), (503, Some("sms_failed")), "{body}");
        assert!(retry_after.is_some());
    }
    assert_eq!(seen.lock().unwrap().len(), 4);
    let signals = app.signals().await;
    assert_eq!(signals.get("sms_failed"), Some(&2));
    assert_eq!(signals.get("sms_sent"), None);
    app.finish().await;
}

async fn guessing_invitations_is_slowed_down(backend: Backend) {
    let Some(app) = app(backend, |s| s.limits.invitation_failures_per_address_per_hour = 3).await else {
        return;
    };
    for n in 0..3 {
        let (status, body) = app.submit(&app.full_ballot(&format!("AAAA-AAA{n}"))).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("unknown_invitation")), "{body}");
    }
    let (status, body, retry_after) = app
        .post_raw(
            "/api/v1/campaigns/demo/invitations/status",
            json!({ "invitation": "AAAA-AAA9" }).to_string(),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    assert!(retry_after.is_some());
    // The address is refused for now, even with a good invitation; nothing is used up.
    let (status, _) = app.submit(&app.full_ballot(&app.invites[0].token)).await;
    assert_eq!(status, 429);
    assert_eq!(app.ballot_count().await, 0);
    assert!(app.signals().await.get("rate_limited").is_some_and(|n| *n >= 2));
    app.finish().await;
}

/// The live view's public ballots per district, as staff see them.
async fn public_by_district(app: &TestApp) -> Vec<(String, i64)> {
    let campaign = app.state.store.campaign("demo").await.unwrap().unwrap();
    let progress = minping::campaign::progress::read(app.state.sources(), &campaign).await.unwrap();
    progress.public.by_district.into_iter().map(|d| (d.name, d.ballots)).collect()
}

async fn the_public_say_their_district_and_staff_see_ballots_per_district(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let districts: Vec<String> = serde_json::from_value(app.campaign["districts"].clone()).unwrap();
    assert_eq!(districts[..2], ["城关区", "东湖区"], "the demo offers the panel's districts");
    let listed = |counts: &[i64]| -> Vec<(String, i64)> {
        districts
            .iter()
            .zip(counts.iter().chain(std::iter::repeat(&0)))
            .map(|(d, n)| (d.clone(), *n))
            .collect()
    };
    assert_eq!(public_by_district(&app).await, listed(&[]), "every district at 0, no 未填写 yet");

    let code = code_for(&app, "13800138000", "138****8000").await;
    let mut ballot = app.phone_ballot("13800138000", &code);
    ballot["district"] = json!("东湖区");
    assert_eq!(app.submit(&ballot).await.0, 201);
    let code = code_for(&app, "13800138001", "138****8001").await;
    let mut ballot = app.phone_ballot("13800138001", &code);
    ballot["district"] = json!(" ");
    assert_eq!(app.submit(&ballot).await.0, 201, "blank is no district");
    // A panel member on the phone path keeps the roster's district; what they chose is ignored.
    let code = code_for(&app, "19900000001", "199****0001").await;
    let mut ballot = app.phone_ballot("19900000001", &code);
    ballot["district"] = json!("城关区");
    assert_eq!(app.submit(&ballot).await.0, 201);

    let mut expected = listed(&[0, 1]);
    expected.push(("未填写".into(), 1));
    assert_eq!(public_by_district(&app).await, expected);
    let id = app.campaign_id().await;
    let roster = app.state.store.invitations(id).await.unwrap();
    let p0001 = roster.iter().find(|m| m.member_code == "P0001").unwrap();
    let mut stored = Vec::new();
    app.state
        .store
        .for_each_ballot(id, &mut |b| {
            stored.push((b.class, b.district));
            Ok(())
        })
        .await
        .unwrap();
    stored.sort();
    assert_eq!(
        stored,
        [
            ("panel".to_string(), Some(p0001.district.clone())),
            ("public".to_string(), None),
            ("public".to_string(), Some("东湖区".to_string()))
        ]
    );
    app.finish().await;
}

async fn a_wrong_district_uses_nothing_up_and_the_panel_is_not_asked(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "13800138000", "138****8000").await;
    let mut ballot = app.phone_ballot("13800138000", &code);
    ballot["district"] = json!("月球区");
    let (status, body) = app.submit(&ballot).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("unknown_district"), Some("district")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("月球区"), "{body}");
    // The code was not used up: the same ballot with a listed district counts.
    ballot["district"] = json!("高新区");
    assert_eq!(app.submit(&ballot).await.0, 201);

    // The panel's district comes from the roster: an invitation ballot may not name one.
    let mut ballot = app.full_ballot(&app.invites[0].token);
    ballot["district"] = json!("城关区");
    let (status, body) = app.submit(&ballot).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("district_not_asked"), Some("district")),
        "{body}"
    );
    let (_, body) = app.invitation_status(&app.invites[0].token).await;
    assert_eq!(body["status"], "unused");
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    let counted: Vec<(String, i64)> =
        public_by_district(&app).await.into_iter().filter(|(_, n)| *n > 0).collect();
    assert_eq!(counted, [("高新区".to_string(), 1)]);
    app.finish().await;
}
