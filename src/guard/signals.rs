//! Abuse signals: how often each kind of suspicious thing happened, per campaign. Counts
//! only — never who, or from where. Each instance adds up in memory and writes its
//! increments to the database every second, so the figures survive a Redis flush or a
//! restart (losing at most the last second of an instance that dies).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::store::Store;

/// The signals staff see, in the order the console shows them.
pub const ALL: &[&str] = &[
    DUPLICATE_REFUSED,
    CAPTCHA_FAILED,
    OTP_FAILED,
    RATE_LIMITED,
    HONEYPOT,
    FAST_BALLOT,
    PATTERN_BURST,
    CLIENT_BURST,
    FORGED_DEVICE,
    FLAGGED_BALLOT,
    SMS_SENT,
    SMS_FAILED,
];

/// A ballot refused because its respondent already took part (any channel).
pub const DUPLICATE_REFUSED: &str = "duplicate_refused";
pub const CAPTCHA_FAILED: &str = "captcha_failed";
/// A wrong or void SMS code.
pub const OTP_FAILED: &str = "otp_failed";
pub const RATE_LIMITED: &str = "rate_limited";
/// The hidden field people never see was filled in.
pub const HONEYPOT: &str = "honeypot";
/// Filled in faster than a person reads.
pub const FAST_BALLOT: &str = "fast_ballot";
/// One of many identical ballots from one address block.
pub const PATTERN_BURST: &str = "pattern_burst";
/// Many public ballots from one address within a minute, whatever they say.
pub const CLIENT_BURST: &str = "client_burst";
/// A device cookie whose signature does not hold: refused.
pub const FORGED_DEVICE: &str = "forged_device";
/// Ballots stored flagged (for any of the reasons above), counted apart in the results.
pub const FLAGGED_BALLOT: &str = "flagged_ballot";
pub const SMS_SENT: &str = "sms_sent";
pub const SMS_FAILED: &str = "sms_failed";

#[derive(Clone, Default)]
pub struct Signals {
    pending: Arc<Mutex<HashMap<(i64, &'static str), i64>>>,
    /// One flush at a time: a second caller waits until the first has written, so that
    /// whoever flushes and then reads sees everything counted before.
    flushing: Arc<tokio::sync::Mutex<()>>,
}

impl Signals {
    pub fn record(&self, campaign_id: i64, signal: &'static str) {
        metrics::counter!("minping_abuse_signals_total", "signal" => signal).increment(1);
        *self.pending.lock().expect("signals lock").entry((campaign_id, signal)).or_default() += 1;
    }

    /// Writes what was counted since the last flush; on failure keeps it for the next.
    pub async fn flush(&self, store: &dyn Store) {
        let _flushing = self.flushing.lock().await;
        let taken: Vec<_> = {
            let mut pending = self.pending.lock().expect("signals lock");
            pending.drain().map(|((campaign, signal), n)| (campaign, signal, n)).collect()
        };
        if taken.is_empty() {
            return;
        }
        if let Err(e) = store.add_signals(&taken).await {
            tracing::warn!(error = %e, "abuse signals not written; kept for the next try");
            let mut pending = self.pending.lock().expect("signals lock");
            for (campaign, signal, n) in taken {
                *pending.entry((campaign, signal)).or_default() += n;
            }
        }
    }
}
