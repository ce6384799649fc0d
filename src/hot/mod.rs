//! Hot state: short-lived shared state that makes the common case fast. In-process for the
//! embedded profile, Redis for the scaled one. It may be flushed or lost at any moment:
//! the database stays the authority, so losing it costs speed, never correctness.

pub mod memory;
pub mod redis;

use std::sync::Arc;

use async_trait::async_trait;

/// The answer to "may this respondent go ahead?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimAttempt {
    /// Nobody holds the respondent: go ahead.
    Acquired,
    /// Another request for the same respondent is being committed right now.
    InFlight,
    /// The respondent's ballot is already counted.
    Taken,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("hot state unavailable: {0}")]
pub struct HotError(pub String);

#[async_trait]
pub trait HotState: Send + Sync + 'static {
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<(), HotError>;
    /// Marks the respondent as in flight, for a short while, unless someone already is or was.
    async fn try_claim(&self, campaign_id: i64, respondent_key: &str) -> Result<ClaimAttempt, HotError>;
    /// The respondent's ballot is committed (or was found to be a duplicate).
    async fn mark_taken(&self, campaign_id: i64, respondent_key: &str) -> Result<(), HotError>;
    /// The commit failed: let the respondent try again.
    async fn release(&self, campaign_id: i64, respondent_key: &str) -> Result<(), HotError>;

    /// Short-lived values shared by every instance (staff sessions).
    async fn put(&self, key: &str, value: &str, ttl_secs: u64) -> Result<(), HotError>;
    async fn get(&self, key: &str) -> Result<Option<String>, HotError>;
    async fn delete(&self, key: &str) -> Result<(), HotError>;
    /// Reads and deletes a value in one step, so that only one caller ever gets it
    /// (single-use captcha answers).
    async fn take(&self, key: &str) -> Result<Option<String>, HotError>;
    /// Adds one to a counter that starts when first touched and vanishes `window_secs`
    /// later (rate limits).
    async fn hit(&self, key: &str, window_secs: u64) -> Result<Hit, HotError>;
    /// A counter's current count without touching it; 0 when absent.
    async fn count(&self, key: &str) -> Result<u64, HotError>;
}

/// A counter after a hit: how many so far in this window, and when the window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub count: u64,
    /// Seconds until the counter starts again from zero (at least 1).
    pub resets_in: u64,
}

/// Seconds an in-flight mark lives: long enough to cover a commit, short enough that a
/// crashed instance does not lock anyone out for long.
pub const IN_FLIGHT_SECS: u64 = 30;
/// Seconds a "taken" mark lives; after that the database answers.
pub const TAKEN_SECS: u64 = 14 * 24 * 3600;

/// Opens Redis for a `redis://` URL, otherwise in-process state.
pub async fn open(redis_url: Option<&str>, prefix: &str) -> Result<Arc<dyn HotState>, ::redis::RedisError> {
    Ok(match redis_url {
        Some(url) => Arc::new(redis::RedisHot::connect(url, prefix).await?),
        None => Arc::new(memory::MemoryHot::new(memory::DEFAULT_CAPACITY)),
    })
}
