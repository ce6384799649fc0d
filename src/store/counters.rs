//! The counter role: the running counts the live view and the results read, never ballots.

use async_trait::async_trait;

use super::Result;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TallyRow {
    pub unit_code: String,
    pub option_code: String,
    pub class: String,
    /// The panel segment (界别), or "" for ballots without one.
    pub segment: String,
    pub flagged: bool,
    pub count: i64,
}

#[async_trait]
pub trait CounterStore: Send + Sync + 'static {
    /// The counters, with the increments not yet folded into them.
    async fn tallies(&self, campaign_id: i64) -> Result<Vec<TallyRow>>;
    /// Moves appended counter increments into the counters (PostgreSQL; a no-op on SQLite).
    async fn fold_tally_deltas(&self) -> Result<()>;
    /// Every stored ballot, counted in the tallies already or still sealed.
    async fn ballot_count(&self, campaign_id: i64) -> Result<i64>;
    async fn claim_count(&self, campaign_id: i64) -> Result<i64>;
    /// Ballots so far by respondent class, from the counters.
    async fn ballots_by_class(&self, campaign_id: i64) -> Result<Vec<(String, i64)>>;
    /// Ballots per hour (hours since the Unix epoch), from the counters, ascending.
    async fn ballots_by_hour(&self, campaign_id: i64) -> Result<Vec<(i64, i64)>>;
    /// Public ballots (every class but the panel) per class and self-reported district, `""`
    /// for those without one, from the counters.
    async fn public_by_district(&self, campaign_id: i64) -> Result<Vec<(String, String, i64)>>;
}
