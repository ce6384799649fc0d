//! The durable store: the authority on who took part and what was counted.
//!
//! Callers hold an `Arc<dyn Store>`; [`Store`] is the sum of one trait per role (campaigns,
//! panel, ballots, counters, exports, staff), so a part that needs one role — the
//! ballot writer (`intake::writer`) needs only [`BallotStore`] — can depend on that alone and be tested with a
//! small fake. A SQLite and a PostgreSQL implementation share their SQL (`sql/`).

mod approvals;
pub mod audit_chain;
mod ballots;
pub(crate) mod batch;
mod campaigns;
mod counters;
mod error;
mod exports;
mod migrations;
mod mix;
mod panel;
pub mod postgres;
mod sql;
pub mod sqlite;
mod staff;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;

pub use approvals::{ApprovalRecord, ApprovalStore, NewApproval};
pub use ballots::{BallotStore, Commit, PendingBallot};
pub use campaigns::{CampaignStore, CampaignSummary, FinalResults};
pub use counters::{CounterStore, TallyRow};
pub use error::{OpenError, Result, StoreError};
pub use exports::{ExportStore, Feedback, StoredBallot, VisitError};
pub use mix::{BallotContent, Mix, MixStore, Plan, SealedRow};
pub use panel::{
    Invitation, InvitationLookup, Issued, IssuedRecord, NewInvitation, PanelResponse, PanelStore, Removal,
};
pub use staff::{AuditEntry, AuditRecord, StaffChange, StaffStore, StaffUserRow};

/// The connection itself rather than any data: which backend, its schema, whether it answers.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;
    async fn close(&self);
}

/// Every role at once: what `open` returns and most callers hold. A supertrait's methods
/// can be called on `dyn Store` without importing the role trait.
pub trait Store:
    Backend
    + CampaignStore
    + PanelStore
    + BallotStore
    + MixStore
    + CounterStore
    + ExportStore
    + StaffStore
    + ApprovalStore
{
}

impl<T> Store for T where
    T: Backend
        + CampaignStore
        + PanelStore
        + BallotStore
        + MixStore
        + CounterStore
        + ExportStore
        + StaffStore
        + ApprovalStore
        + ?Sized
{
}

/// The embedded profile's database, in the data directory.
pub const SQLITE_FILE: &str = "minping.sqlite3";

/// Opens the store the configuration names: PostgreSQL for a `postgres://` URL, otherwise
/// the SQLite file in the data directory.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Arc<dyn Store>, OpenError> {
    let store: Arc<dyn Store> = match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Arc::new(postgres::PgStore::connect(url).await.map_err(OpenError::Postgres)?)
        }
        Some(url) if url.starts_with("sqlite:") => {
            Arc::new(sqlite::SqliteStore::open_url(url).await.map_err(OpenError::SqliteUrl)?)
        }
        Some(other) => return Err(OpenError::Scheme(other.split(':').next().unwrap_or_default().to_owned())),
        None => {
            std::fs::create_dir_all(data_dir).map_err(|e| OpenError::DataDir(data_dir.to_owned(), e))?;
            let path = data_dir.join(SQLITE_FILE);
            let opened = sqlite::SqliteStore::open(&path).await;
            Arc::new(opened.map_err(|e| OpenError::SqliteFile(path, e))?)
        }
    };
    store.migrate().await.map_err(OpenError::Migrate)?;
    store.seal_audit_backlog().await.map_err(OpenError::Migrate)?;
    Ok(store)
}
