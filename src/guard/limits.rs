//! The public channel's limits: every one configuration with a default, every one held in
//! hot state so that it holds across instances.

use serde::{Deserialize, Serialize};

use crate::domain::Campaign;
use crate::hot::{HotError, HotState};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A captcha answer works once, within this many seconds.
    pub captcha_ttl_secs: u64,
    /// Captchas one address may fetch per minute (a flood of them costs CPU).
    pub captchas_per_address_per_minute: u64,
    /// An SMS code lives this long.
    pub otp_ttl_secs: u64,
    /// One code per number per this many seconds.
    pub otp_cooldown_secs: u64,
    /// Wrong tries a code takes before it is void.
    pub otp_max_tries: u64,
    /// Codes one number may be sent per day, over every campaign.
    pub otp_per_number_per_day: u64,
    /// Codes asked for from one address per hour. High on purpose: a whole office, or a
    /// carrier's shared address (CGNAT), must not be locked out; below this, address
    /// velocity is an abuse signal, not a wall.
    pub otp_per_address_per_hour: u64,
    /// How long a verified number may take to rate and submit.
    pub verified_ttl_secs: u64,
    /// SMS codes one campaign may send per hour, unless the campaign sets its own.
    pub sms_per_campaign_per_hour: u64,
    /// SMS codes the whole deployment may send per hour.
    pub sms_global_per_hour: u64,
    /// Public ballots one address may submit per minute; high enough for a carrier's shared
    /// address (CGNAT) at the busiest hour.
    pub submits_per_address_per_minute: u64,
    /// Unknown invitations (mistyped or guessed short codes) one address may try per hour.
    /// Valid invitations cost no hot-state round trip: only failures are counted.
    pub invitation_failures_per_address_per_hour: u64,
    /// Unknown short codes one campaign takes per hour from all addresses together; past it,
    /// short codes need a captcha for the rest of the hour (`guard::short_codes`).
    pub short_code_failures_per_campaign_per_hour: u64,
    /// Device-mode ballots one address may submit per hour.
    pub device_ballots_per_address_per_hour: u64,
    /// A ballot filled in faster than `fast_ballot_min_secs + fast_ballot_secs_per_unit ×
    /// units rated` is flagged (stored, counted apart).
    pub fast_ballot_min_secs: f64,
    pub fast_ballot_secs_per_unit: f64,
    /// Identical public ballots from one address block (IPv4 /24, IPv6 /48) beyond this
    /// many within `burst_window_secs` are flagged.
    pub burst_threshold: u64,
    pub burst_window_secs: u64,
    /// Staff sign-in tries one name takes in 15 minutes before each further one needs a
    /// captcha (never a lock: the owner can always get in).
    pub sign_in_free_tries_per_name: u64,
    /// Staff sign-in tries one address may make in 15 minutes, over every name.
    pub sign_in_tries_per_address: u64,
    /// Public ballots from one address (IPv4, IPv6 /64) beyond this many within
    /// `client_burst_window_secs` are flagged, whatever their ratings: a script varying its
    /// answers. Flagged, not refused, so a carrier's shared address loses nothing.
    pub client_burst_threshold: u64,
    pub client_burst_window_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            captcha_ttl_secs: 300,
            captchas_per_address_per_minute: 120,
            otp_ttl_secs: 300,
            otp_cooldown_secs: 60,
            otp_max_tries: 5,
            otp_per_number_per_day: 10,
            otp_per_address_per_hour: 600,
            verified_ttl_secs: 2 * 3600,
            sms_per_campaign_per_hour: 20_000,
            sms_global_per_hour: 50_000,
            submits_per_address_per_minute: 600,
            invitation_failures_per_address_per_hour: 200,
            short_code_failures_per_campaign_per_hour: 1_000,
            device_ballots_per_address_per_hour: 200,
            fast_ballot_min_secs: 10.0,
            fast_ballot_secs_per_unit: 0.5,
            burst_threshold: 20,
            burst_window_secs: 600,
            sign_in_free_tries_per_name: 5,
            sign_in_tries_per_address: 50,
            client_burst_threshold: 10,
            client_burst_window_secs: 60,
        }
    }
}

impl Limits {
    /// For a load-test server, where every simulated person comes from one loopback
    /// address and no SMS is sent: no per-address limit and no default SMS budget applies
    /// (a campaign's own budget still does).
    pub fn for_load_tests(self) -> Self {
        Self {
            sms_per_campaign_per_hour: u64::MAX,
            sms_global_per_hour: u64::MAX,
            captchas_per_address_per_minute: u64::MAX,
            otp_per_address_per_hour: u64::MAX,
            submits_per_address_per_minute: u64::MAX,
            invitation_failures_per_address_per_hour: u64::MAX,
            short_code_failures_per_campaign_per_hour: u64::MAX,
            device_ballots_per_address_per_hour: u64::MAX,
            sign_in_free_tries_per_name: u64::MAX,
            sign_in_tries_per_address: u64::MAX,
            client_burst_threshold: u64::MAX,
            ..self
        }
    }

    /// The hour's SMS budgets a message to a campaign counts against, as hot-state counter
    /// keys and their limits: the campaign's own (or the default), then the deployment's
    /// over every campaign. Codes, reminders and the live view all count by these.
    pub fn sms_budgets(&self, campaign: &Campaign) -> [SmsBudget; 2] {
        let own = campaign.definition.public.sms_per_hour.unwrap_or(self.sms_per_campaign_per_hour);
        [
            SmsBudget { key: format!("sms:{}", campaign.id), per_hour: own },
            SmsBudget { key: "sms:all".into(), per_hour: self.sms_global_per_hour },
        ]
    }

    /// The fastest plausible time to fill in a ballot rating `units` units.
    pub fn fast_ballot_floor_ms(&self, units: usize) -> i64 {
        ((self.fast_ballot_min_secs + self.fast_ballot_secs_per_unit * units as f64) * 1000.0) as i64
    }
}

/// One hourly SMS budget: its counter in hot state and its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsBudget {
    pub key: String,
    pub per_hour: u64,
}

/// A limit was reached: what, and when to try again (the words people read are in the
/// message catalogue, `error::messages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub what: LimitKind,
    pub retry_after: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    CaptchaRate,
    OtpCooldown,
    OtpNumberDaily,
    OtpAddress,
    SmsBudget,
    SubmitRate,
    DeviceAddress,
    InvitationGuesses,
    /// Failed staff sign-ins, per name or per address.
    SignIn,
}

/// Counts one more against `key` and refuses past `max` in the window. The count goes on
/// past the limit, so a client hammering a closed door does not reopen it.
pub async fn charge(
    hot: &dyn HotState,
    key: &str,
    window_secs: u64,
    max: u64,
    what: LimitKind,
) -> Result<Result<(), Limited>, HotError> {
    let hit = hot.hit(key, window_secs).await?;
    Ok(if hit.count > max { Err(Limited { what, retry_after: hit.resets_in }) } else { Ok(()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hot::memory::MemoryHot;

    #[tokio::test]
    async fn a_limit_refuses_past_its_max_and_says_when() {
        let hot = MemoryHot::new(100);
        for _ in 0..3 {
            charge(&hot, "k", 60, 3, LimitKind::SubmitRate).await.unwrap().unwrap();
        }
        let limited = charge(&hot, "k", 60, 3, LimitKind::SubmitRate).await.unwrap().unwrap_err();
        assert_eq!(limited.what, LimitKind::SubmitRate);
        assert!((1..=60).contains(&limited.retry_after));
    }

    #[test]
    fn the_fast_ballot_floor_grows_with_the_units_rated() {
        let limits = Limits::default();
        assert_eq!(limits.fast_ballot_floor_ms(0), 10_000);
        assert_eq!(limits.fast_ballot_floor_ms(60), 40_000);
    }
}
