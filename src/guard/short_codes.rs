//! Short codes (40 bits, typed from a letter) are the one credential small enough to guess.
//! Two limits stand in front of them, both counting only failures (a valid code costs one
//! hot-state read, a full token nothing):
//!
//! - per address: past `invitation_failures_per_address_per_hour` unknown short codes, the
//!   address is refused short codes for the rest of the hour. Full tokens from it are still
//!   taken: a whole carrier's shared address (CGNAT) must not lose its links to one guesser;
//! - per campaign, across every address: past `short_code_failures_per_campaign_per_hour`
//!   unknown short codes, every short-code entry needs a captcha for the rest of the hour,
//!   so that many addresses do not multiply the guessing rate. A code entered with a
//!   captcha is remembered (as a keyed hash) for `verified_ttl_secs`, so its ballot, sent
//!   later with the same code, needs no second captcha.

use std::net::IpAddr;

use super::{signals, Guard, GuardError};
use crate::hot::{HotError, HotState};

impl Guard {
    /// Whether short codes of the campaign need a captcha now.
    pub async fn short_codes_need_captcha(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
    ) -> Result<bool, HotError> {
        Ok(hot.get(&format!("sc-captcha:{campaign_id}")).await?.is_some())
    }

    /// Whether this code (its keyed hash, hex) was entered with a captcha lately.
    pub async fn short_code_passed(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        code: &str,
    ) -> Result<bool, HotError> {
        Ok(hot.get(&format!("sc-pass:{campaign_id}:{code}")).await?.is_some())
    }

    /// Remembers a code entered with a captcha.
    pub async fn short_code_pass(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        code: &str,
    ) -> Result<(), HotError> {
        hot.put(&format!("sc-pass:{campaign_id}:{code}"), "1", self.limits.verified_ttl_secs).await
    }

    /// Counts an unknown short code against the address and the campaign; past the
    /// campaign's budget, short codes need a captcha until its window ends.
    pub async fn short_code_failed(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        client: Option<IpAddr>,
    ) -> Result<(), GuardError> {
        let hit = hot.hit(&format!("sc-fail:{campaign_id}"), 3600).await?;
        if hit.count > self.limits.short_code_failures_per_campaign_per_hour {
            if hit.count == self.limits.short_code_failures_per_campaign_per_hour + 1 {
                tracing::warn!(
                    campaign_id,
                    "short-code failures past the campaign's budget: captcha required"
                );
                self.signals.record(campaign_id, signals::RATE_LIMITED);
            }
            hot.put(&format!("sc-captcha:{campaign_id}"), "1", hit.resets_in).await?;
        }
        self.invitation_failed(hot, campaign_id, client).await
    }
}
