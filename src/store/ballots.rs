//! The ballot role: what the group-commit writer stores and intake checks before it queues.

use std::sync::Arc;

use async_trait::async_trait;

use super::Result;
use crate::domain::RespondentKey;
use crate::domain::{Campaign, Receipt, RespondentClass};

/// A ballot on its way to the database, with the claim that makes it count once. Its
/// content travels sealed: the batch that writes the claim writes no readable content
/// (docs/ANONYMITY.md); the mixer opens it later, with others.
#[derive(Debug, Clone)]
pub struct PendingBallot {
    pub campaign: Arc<Campaign>,
    pub respondent_key: RespondentKey,
    pub class: RespondentClass,
    /// A panel member's 界别 and 区县 from the roster, for the response counters; `None`
    /// for the public (what they chose is content, and sealed).
    pub segment: Option<String>,
    pub district: Option<String>,
    pub receipt: Receipt,
    /// The ballot's content (`BallotContent`), sealed under the server secret.
    pub sealed: Vec<u8>,
    /// Hours since the Unix epoch, for ballots per hour: when someone took part, which the
    /// claims say anyway; the content carries only the day.
    pub hour: i64,
}

/// What became of one ballot of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Counted,
    /// The respondent had already taken part; nothing of this ballot was stored.
    Duplicate,
    /// The receipt the client proposed belongs to another ballot; nothing was stored and
    /// the respondent may try again with another.
    ReceiptTaken,
    /// The campaign closed before the ballot could be committed; nothing was stored.
    Closed,
}

#[async_trait]
pub trait BallotStore: Send + Sync + 'static {
    /// How many ballot batches may commit at the same time.
    fn parallel_batches(&self) -> usize {
        1
    }
    async fn is_claimed(&self, campaign_id: i64, respondent_key: &RespondentKey) -> Result<bool>;
    /// Stores a batch in one transaction: each ballot counts unless its respondent already
    /// has (in the database or earlier in the batch). Outcomes are in the batch's order.
    async fn commit_batch(&self, batch: &[PendingBallot]) -> Result<Vec<Commit>>;
    /// The slug of the campaign holding a ballot with this receipt.
    async fn receipt_campaign(&self, receipt: &Receipt) -> Result<Option<String>>;
}
