//! The public channel: members of the public take part by phone number (captcha, then SMS
//! code) or, in device mode, once per device; with limits, abuse signals and districts, on
//! both profiles. The helpers every file here shares are below.

use minping::server::config::Settings;

use crate::harness::{spawn_app_with, Backend, TestApp};

mod captcha;
mod codes;
pub mod device;
mod districts;
mod flags;
mod gateway;
mod limits;
mod numbers;

/// Ballots in tests are sent at once: without this, every one would be "too fast".
fn unhurried(settings: &mut Settings) {
    settings.limits.fast_ballot_min_secs = 0.0;
    settings.limits.fast_ballot_secs_per_unit = 0.0;
}

pub(crate) async fn app(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    spawn_app_with(backend, |s| {
        unhurried(s);
        configure(s);
    })
    .await
}

/// Requests a code for `phone` and returns it, as read from the outbox.
pub(crate) async fn code_for(app: &TestApp, phone: &str, masked: &str) -> String {
    let (status, body, _) = app.request_code(phone).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["masked"], masked);
    app.codes_sent_to(masked).pop().expect("the outbox has the code")
}

/// Lifts the cooldown on a new code for `phone` (as the hot state keys it), as if days had passed.
async fn lift_cooldown(app: &TestApp, phone: &str) {
    let number = minping::identity::PhoneNumber::parse(phone).unwrap();
    let key = minping::identity::otp::NumberKey::new(&number.keyed_hash(&app.state.secret));
    let campaign = app.campaign_id().await;
    app.state.hot.delete(&format!("otp-cool:{campaign}:{}", key.as_str())).await.unwrap();
}

/// A six-digit code that is not `code`.
fn wrong_code(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}
