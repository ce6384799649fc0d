//! The public channel's guards: limits counted in hot state (so they hold across
//! instances), abuse signals, and the client address behind trusted proxies.

pub mod address;
pub mod limits;
mod short_codes;
pub mod signals;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::Ballot;
use crate::hot::{HotError, HotState};

use self::address::TrustedProxies;
use self::limits::{charge, LimitKind, Limited, Limits};
use self::signals::Signals;

/// The limits, abuse signals and trusted proxies of one running service.
pub struct Guard {
    pub limits: Limits,
    pub signals: Signals,
    pub proxies: TrustedProxies,
    /// Addresses this instance has seen past the invitation-failure limit, and until when:
    /// a cache of the shared counter's verdict, so that valid invitations never wait on it.
    pub guessers: Mutex<HashMap<String, Instant>>,
}

#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error("limit reached")]
    Limited(Limited),
    #[error(transparent)]
    Hot(#[from] HotError),
}

/// How a public ballot arrived: what the abuse checks look at.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    /// When the person began (server clock, Unix ms): the verification or the captcha.
    pub began_ms: i64,
    /// The field people never see.
    pub honeypot: Option<&'a str>,
    pub client: Option<IpAddr>,
}

impl Guard {
    pub fn new(limits: Limits, proxies: TrustedProxies) -> Self {
        Self { limits, signals: Signals::default(), proxies, guessers: Default::default() }
    }

    /// Refuses, and counts as an abuse signal, past a limit.
    pub async fn charge(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        key: &str,
        window_secs: u64,
        max: u64,
        what: LimitKind,
    ) -> Result<(), GuardError> {
        charge(hot, key, window_secs, max, what).await?.map_err(|limited| {
            self.signals.record(campaign_id, signals::RATE_LIMITED);
            GuardError::Limited(limited)
        })
    }

    /// Refuses an address that recently tried too many unknown invitations (checked in
    /// memory: no round trip for the panel's ballots).
    pub fn check_guessing(&self, campaign_id: i64, client: Option<IpAddr>) -> Result<(), GuardError> {
        let address = address::limit_key(client);
        let mut guessers = self.guessers.lock().expect("guessers lock");
        match guessers.get(&address) {
            Some(until) if *until > Instant::now() => {
                let retry_after = until.saturating_duration_since(Instant::now()).as_secs().max(1);
                drop(guessers);
                self.signals.record(campaign_id, signals::RATE_LIMITED);
                Err(GuardError::Limited(Limited { what: LimitKind::InvitationGuesses, retry_after }))
            }
            Some(_) => {
                guessers.remove(&address);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Counts an unknown invitation against the address (shared across instances); past the
    /// limit the address is refused until the window ends.
    pub async fn invitation_failed(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        client: Option<IpAddr>,
    ) -> Result<(), GuardError> {
        let address = address::limit_key(client);
        let max = self.limits.invitation_failures_per_address_per_hour;
        let hit = hot.hit(&format!("inv-fail:{address}"), 3600).await?;
        if hit.count <= max {
            return Ok(());
        }
        let until = Instant::now() + Duration::from_secs(hit.resets_in);
        let mut guessers = self.guessers.lock().expect("guessers lock");
        if guessers.len() > 100_000 {
            let now = Instant::now();
            guessers.retain(|_, until| *until > now);
        }
        guessers.insert(address, until);
        drop(guessers);
        self.signals.record(campaign_id, signals::RATE_LIMITED);
        Err(GuardError::Limited(Limited { what: LimitKind::InvitationGuesses, retry_after: hit.resets_in }))
    }

    /// Public ballots per address per minute.
    pub async fn charge_submit(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        client: Option<IpAddr>,
    ) -> Result<(), GuardError> {
        let key = format!("submit:{}", address::limit_key(client));
        self.charge(
            hot,
            campaign_id,
            &key,
            60,
            self.limits.submits_per_address_per_minute,
            LimitKind::SubmitRate,
        )
        .await
    }

    /// Whether a public ballot looks scripted by how it arrived — never by what it says —
    /// counting each reason as a signal. Flagged ballots are stored and counted apart.
    /// `pattern` names the ratings for the burst count: a keyed hash, so that hot state
    /// holds nothing a published ballot could be matched with.
    pub async fn suspicious(
        &self,
        hot: &dyn HotState,
        campaign_id: i64,
        ballot: &Ballot,
        pattern: &str,
        arrival: Arrival<'_>,
    ) -> Result<bool, HotError> {
        let Arrival { began_ms, honeypot, client } = arrival;
        let mut flagged = false;
        if honeypot.is_some_and(|h| !h.trim().is_empty()) {
            self.signals.record(campaign_id, signals::HONEYPOT);
            flagged = true;
        }
        let took_ms = crate::clock::now_unix_ms() - began_ms;
        if took_ms < self.limits.fast_ballot_floor_ms(ballot.rated().count()) {
            self.signals.record(campaign_id, signals::FAST_BALLOT);
            flagged = true;
        }
        let key = format!("burst:{campaign_id}:{}:{pattern}", address::block_key(client));
        if hot.hit(&key, self.limits.burst_window_secs).await?.count > self.limits.burst_threshold {
            self.signals.record(campaign_id, signals::PATTERN_BURST);
            flagged = true;
        }
        let key = format!("client-burst:{campaign_id}:{}", address::limit_key(client));
        let window = self.limits.client_burst_window_secs;
        if hot.hit(&key, window).await?.count > self.limits.client_burst_threshold {
            self.signals.record(campaign_id, signals::CLIENT_BURST);
            flagged = true;
        }
        if flagged {
            self.signals.record(campaign_id, signals::FLAGGED_BALLOT);
        }
        Ok(flagged)
    }
}
