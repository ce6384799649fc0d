//! The durable store: the authority on who took part and what was counted.
//! One trait, a SQLite and a PostgreSQL implementation sharing their SQL, and the
//! group-commit [`writer`] in front of them.

mod batch;
mod migrations;
pub mod postgres;
mod sql;
pub mod sqlite;
pub mod writer;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::{Ballot, Campaign, CampaignDefinition, CampaignStatus, Receipt, RespondentClass};

pub use writer::{BallotWriter, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("campaign `{slug}` in the database is not valid: {reason}")]
    BadCampaign { slug: String, reason: String },
    #[error("a campaign with slug `{0}` already exists")]
    CampaignExists(String),
    #[error("reading rows failed")]
    Visit(#[source] anyhow::Error),
    #[error("a staff user named `{0}` already exists")]
    UserExists(String),
}

impl StoreError {
    /// Sorts an sqlx error: connection trouble means "try again later", anything else is a bug.
    fn from_sqlx(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e),
            // SQLite: the file is locked, read-only or the disk is full.
            sqlx::Error::Database(ref d)
                if matches!(d.code().as_deref(), Some("5" | "6" | "8" | "13" | "14")) =>
            {
                Self::Unavailable(e)
            }
            // PostgreSQL: connection exceptions, admin shutdown, insufficient resources, a
            // database not accepting connections (55000) or gone (3D000).
            sqlx::Error::Database(ref d) if d.code().is_some_and(|c| pg_unavailable(&c)) => {
                Self::Unavailable(e)
            }
            _ => Self::Database(e),
        }
    }
}

fn pg_unavailable(code: &str) -> bool {
    ["08", "53", "57P"].iter().any(|class| code.starts_with(class)) || matches!(code, "55000" | "3D000")
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An invitation as stored: the member it belongs to, never the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub member_code: String,
    pub segment: String,
    pub district: String,
}

#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub token_hash: Vec<u8>,
    pub short_code_hash: Vec<u8>,
    pub member: Invitation,
    pub issue: i64,
    pub phone_hash: Option<Vec<u8>>,
}

/// A member's invitation as stored, for making the invitation list again.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IssuedRecord {
    pub member_code: String,
    pub segment: String,
    pub district: String,
    pub issue: i64,
}

/// How an invitation is looked up: by the hash of its token or of its short code.
#[derive(Debug, Clone, Copy)]
pub enum InvitationLookup<'a> {
    Token(&'a [u8]),
    ShortCode(&'a [u8]),
    /// The keyed hash of a member's mobile number, from the roster.
    Phone(&'a [u8]),
}

/// A ballot on its way to the database, with the claim that makes it count once.
#[derive(Debug, Clone)]
pub struct PendingBallot {
    pub campaign: Arc<Campaign>,
    pub respondent_key: String,
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
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// How many ballot batches may commit at the same time.
    fn parallel_batches(&self) -> usize {
        1
    }
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;
    async fn close(&self);

    async fn create_campaign(&self, definition: &CampaignDefinition, status: CampaignStatus) -> Result<i64>;
    async fn campaign(&self, slug: &str) -> Result<Option<Campaign>>;

    async fn add_invitations(&self, campaign_id: i64, invitations: &[NewInvitation]) -> Result<()>;
    async fn invitation_count(&self, campaign_id: i64) -> Result<i64>;
    /// Every member's invitation, by member code.
    async fn invitations(&self, campaign_id: i64) -> Result<Vec<IssuedRecord>>;
    /// Replaces a member's invitation with the next issue; `false` for an unknown member.
    async fn reissue_invitation(
        &self,
        campaign_id: i64,
        member_code: &str,
        next: &NewInvitation,
    ) -> Result<bool>;
    async fn find_invitation(
        &self,
        campaign_id: i64,
        lookup: InvitationLookup<'_>,
    ) -> Result<Option<Invitation>>;
    async fn is_claimed(&self, campaign_id: i64, respondent_key: &str) -> Result<bool>;

    /// Stores a batch in one transaction: each ballot counts unless its respondent already
    /// has (in the database or earlier in the batch). Outcomes are in the batch's order.
    async fn commit_batch(&self, batch: &[PendingBallot]) -> Result<Vec<Commit>>;

    /// The slug of the campaign holding a ballot with this receipt.
    async fn receipt_campaign(&self, receipt: &Receipt) -> Result<Option<String>>;
    /// The counters, with the increments not yet folded into them.
    async fn tallies(&self, campaign_id: i64) -> Result<Vec<TallyRow>>;
    /// Moves appended counter increments into the counters (PostgreSQL; a no-op on SQLite).
    async fn fold_tally_deltas(&self) -> Result<()>;
    async fn ballot_count(&self, campaign_id: i64) -> Result<i64>;
    async fn claim_count(&self, campaign_id: i64) -> Result<i64>;

    /// Stops intake for good. Waits for batches of this campaign being committed (by any
    /// instance); every batch after it refuses the campaign's ballots. `false` when the
    /// campaign was not open.
    async fn close_campaign(&self, campaign_id: i64) -> Result<bool>;
    /// Opens a draft campaign; `false` when it was not a draft.
    async fn open_campaign(&self, campaign_id: i64) -> Result<bool>;
    /// Replaces a campaign's definition (formula changes; the caller checks what may change).
    async fn update_definition(&self, campaign_id: i64, definition: &CampaignDefinition) -> Result<()>;
    async fn save_final_results(&self, campaign_id: i64, results: &FinalResults) -> Result<()>;
    async fn final_results(&self, campaign_id: i64) -> Result<Option<FinalResults>>;

    /// Every ballot of the campaign without free text, in the export's random order.
    async fn for_each_ballot(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(StoredBallot) -> anyhow::Result<()> + Send),
    ) -> Result<()>;
    /// Every receipt of the campaign, sorted.
    async fn for_each_receipt(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(String) -> anyhow::Result<()> + Send),
    ) -> Result<()>;
    /// Every ballot's free text (reasons as JSON keyed by unit, suggestion), in the export's order.
    async fn for_each_feedback(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(Feedback) -> anyhow::Result<()> + Send),
    ) -> Result<()>;

    async fn append_audit(&self, entry: &AuditEntry) -> Result<()>;
    /// Ballots so far by respondent class, from the counters.
    async fn ballots_by_class(&self, campaign_id: i64) -> Result<Vec<(String, i64)>>;
    /// Ballots per hour (hours since the Unix epoch), from the counters, ascending.
    async fn ballots_by_hour(&self, campaign_id: i64) -> Result<Vec<(i64, i64)>>;
    /// Panel members invited and responded, per segment and district.
    async fn panel_response(&self, campaign_id: i64) -> Result<Vec<PanelResponse>>;
    /// Public ballots (every class but the panel) per class and self-reported district, `""`
    /// for those without one, from the counters.
    async fn public_by_district(&self, campaign_id: i64) -> Result<Vec<(String, String, i64)>>;
    /// Panel members without a counted ballot, by member code.
    async fn non_responders(&self, campaign_id: i64) -> Result<Vec<Invitation>>;
    /// Every campaign: slug, title, status; newest first.
    async fn campaigns(&self) -> Result<Vec<CampaignSummary>>;

    async fn add_staff_user(&self, name: &str, role: &str, password_hash: &str) -> Result<i64>;
    async fn staff_user(&self, name: &str) -> Result<Option<StaffUserRow>>;
    async fn audit_log(&self, campaign_id: Option<i64>) -> Result<Vec<AuditRecord>>;

    /// Adds to the abuse-signal counters: `(campaign id, signal, how many more)`.
    async fn add_signals(&self, deltas: &[(i64, &'static str, i64)]) -> Result<()>;
    /// A campaign's abuse-signal counters, by name.
    async fn signals(&self, campaign_id: i64) -> Result<Vec<(String, i64)>>;
}

/// A stored ballot as the anonymised export shows it: no receipt, no free text.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredBallot {
    pub class: String,
    pub segment: Option<String>,
    pub district: Option<String>,
    pub ratings: String,
    pub flags: i64,
    pub hour: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Feedback {
    pub reasons: Option<String>,
    pub suggestion: Option<String>,
}

/// The frozen outcome of a closed campaign.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FinalResults {
    /// `sha256:` + hex, over the canonical anonymised ballot export and the formula.
    pub fingerprint: String,
    pub ballots: i64,
    /// The results as JSON.
    pub results: String,
    pub frozen_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct CampaignSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PanelResponse {
    pub segment: String,
    pub district: String,
    pub invited: i64,
    pub responded: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StaffUserRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub campaign_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub campaign_id: Option<i64>,
    pub detail: String,
}

/// Opens the store the configuration names: PostgreSQL for a `postgres://` URL, otherwise
/// the SQLite file in the data directory.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    use anyhow::Context;
    let store: Arc<dyn Store> = match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Arc::new(postgres::PgStore::connect(url).await.context("cannot connect to PostgreSQL")?)
        }
        Some(url) if url.starts_with("sqlite:") => {
            Arc::new(sqlite::SqliteStore::open_url(url).await.context("cannot open the SQLite database")?)
        }
        Some(other) => anyhow::bail!(
            "DATABASE_URL must start with postgres:// or sqlite:, not `{}`",
            other.split(':').next().unwrap_or_default()
        ),
        None => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
            let path = data_dir.join("minping.sqlite3");
            Arc::new(
                sqlite::SqliteStore::open(&path)
                    .await
                    .with_context(|| format!("cannot open {}", path.display()))?,
            )
        }
    };
    store.migrate().await.context("cannot run the database migrations")?;
    Ok(store)
}

pub(crate) fn now_unix() -> i64 {
    now_unix_ms() / 1000
}

pub(crate) fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
