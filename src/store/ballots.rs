//! The ballot role: what the group-commit writer stores and intake checks before it queues.

use std::sync::Arc;

use async_trait::async_trait;

use super::Result;
use crate::domain::RespondentKey;
use crate::domain::{Ballot, Campaign, Receipt, RespondentClass};

/// A ballot on its way to the database, with the claim that makes it count once.
#[derive(Debug, Clone)]
pub struct PendingBallot {
    pub campaign: Arc<Campaign>,
    pub respondent_key: RespondentKey,
    pub class: RespondentClass,
    pub segment: Option<String>,
    pub district: Option<String>,
    pub receipt: Receipt,
    pub ballot: Ballot,
    /// Hours since the Unix epoch: fine enough for a chart, too coarse to line a ballot up with a claim.
    pub hour: i64,
    /// Suspicious by how it arrived (never by what it says); stored and counted apart.
    pub flagged: bool,
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
