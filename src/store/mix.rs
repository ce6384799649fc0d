//! The mix role: ballots committed sealed wait here until a mixer opens at least k of a
//! campaign's at a time and writes their contents with their counter increments in a
//! transaction of its own (docs/ANONYMITY.md). Nothing here can open a sealed ballot: the
//! key derives from the server secret, which the store never sees.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::Result;

/// What a ballot says, as the mixer writes it: the content of a `ballots` row. Sealed at
/// commit, so a reader of the database sees it only after the mix.
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
    /// Hours since the Unix epoch, as today: coarse, and never written with the claim.
    pub hour: i64,
}

/// A sealed ballot as stored: a random id and the AEAD ciphertext.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedRow {
    pub id: Vec<u8>,
    pub sealed: Vec<u8>,
}

/// One counter increment of a mix: the unit, option, class, segment (`""` when none) and
/// flagged mark of a `tallies` row, and how many.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MixDelta {
    pub unit_code: String,
    pub option_code: String,
    pub class: String,
    pub segment: String,
    pub flagged: bool,
    pub count: i64,
}

/// A mix, ready to write: the sealed rows it opened, their contents in the order to write
/// them, and the counter increments they make.
#[derive(Debug, Clone, Default)]
pub struct Mix {
    pub taken: Vec<Vec<u8>>,
    pub ballots: Vec<BallotContent>,
    pub tallies: Vec<MixDelta>,
    /// Public ballots per class and self-reported district (`""` when none).
    pub public_districts: Vec<(String, String, i64)>,
}

#[async_trait]
pub trait MixStore: Send + Sync + 'static {
    /// Sealed ballots waiting: campaign id, slug and how many (only campaigns that have some).
    async fn sealed_counts(&self) -> Result<Vec<(i64, String, i64)>>;
    /// Up to `limit` of a campaign's sealed ballots, in the order of their random ids.
    async fn sealed(&self, campaign_id: i64, limit: i64) -> Result<Vec<SealedRow>>;
    /// Writes a mix in one transaction: deletes its sealed rows, writes the contents and
    /// advances the counters. `false`, with nothing written, when another mixer took any
    /// of the rows first.
    async fn write_mix(&self, campaign_id: i64, mix: &Mix) -> Result<bool>;
}
