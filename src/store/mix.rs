//! The mix role: ballots committed sealed wait here until a mixer opens at least k of a
//! campaign's at a time and writes their contents with their counter increments in a
//! transaction of its own (docs/ANONYMITY.md). Nothing here can open a sealed ballot: the
//! key derives from the server secret, which the store never sees.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{Result, TallyRow, VisitError};

/// What a ballot says: sealed at commit, so a reader of the database sees it only after the
/// mix. The segment and district are there for the counters (the 界别 weights, the public's
/// districts); the mixed row keeps the segment only when the formula weighs segments, and
/// never the district or any time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotContent {
    pub class: String,
    pub segment: Option<String>,
    pub district: Option<String>,
    /// One character per unit in the campaign's order (see `domain::ballot`).
    pub ratings: String,
    pub reasons: Option<String>,
    pub suggestion: Option<String>,
    pub flagged: bool,
}

/// A sealed ballot as stored: a random id and the AEAD ciphertext.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedRow {
    pub id: Vec<u8>,
    pub sealed: Vec<u8>,
}

/// A mix, ready to write: the sealed rows it opened, their contents in the order to write
/// them (as the `ballots` rows will hold them), and the counter increments they make.
#[derive(Debug, Clone, Default)]
pub struct Mix {
    pub taken: Vec<Vec<u8>>,
    pub ballots: Vec<BallotContent>,
    /// Counter increments, one per `tallies` row the mix advances.
    pub tallies: Vec<TallyRow>,
    /// Public ballots per class and self-reported district (`""` when none).
    pub public_districts: Vec<(String, String, i64)>,
}

/// A mixer's decision, made inside the mix's transaction: which of the sealed ballots it
/// was shown to write now, if any.
pub type Plan<'a> = dyn FnMut(Vec<SealedRow>) -> Result<Option<Mix>, VisitError> + Send + 'a;

#[async_trait]
pub trait MixStore: Send + Sync + 'static {
    /// Sealed ballots waiting: campaign id, slug and how many (only campaigns that have some).
    async fn sealed_counts(&self) -> Result<Vec<(i64, String, i64)>>;
    /// One mix of a campaign, in one transaction: takes the campaign's mix lock (one mixer at
    /// a time, whichever instance), reads up to `limit` of its sealed ballots, lets `plan`
    /// choose, then deletes the chosen sealed rows, writes their contents and advances the
    /// counters. Returns how many ballots were mixed (0 when `plan` chose none).
    async fn mix(&self, campaign_id: i64, limit: i64, plan: &mut Plan<'_>) -> Result<u64>;
}
