//! The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so an
//! acknowledged ballot survives a power cut; the writer's batching makes that cheap.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteQueryResult, SqliteSynchronous,
};
use sqlx::{ConnectOptions, QueryBuilder, Sqlite};

use super::migrations::{self, Files};
use super::sql::{RowsAffected, SqlStore};
use super::Result;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqlStore for SqliteStore {
    type Db = Sqlite;
    const BACKEND: &'static str = "sqlite";
    const MIGRATIONS: Files = migrations::SQLITE;
    /// SQLite has one writer at a time: a second batch would only wait for the lock.
    const PARALLEL_BATCHES: usize = 1;
    /// One writer at a time: counters are updated in place, nothing to fold.
    const TALLY_INSERT: &'static str =
        "INSERT INTO tallies (campaign_id, unit_code, option_code, class, segment, flagged, count) ";
    const TALLY_INSERT_END: &'static str =
        " ON CONFLICT (campaign_id, unit_code, option_code, class, segment, flagged) \
                                             DO UPDATE SET count = tallies.count + excluded.count";
    const FOLD_TALLY_DELTAS: Option<&'static str> = None;
    const AFTER_MIX: Option<&'static str> = Some("PRAGMA wal_checkpoint(TRUNCATE)");
    /// The write lock, taken at once, as a batch takes it.
    const LOCK_CAMPAIGN_FOR_MIX: &'static str = "UPDATE campaigns SET status = status WHERE id = $1";
    /// A no-op write: it takes SQLite's write lock at the start of the batch, so the status
    /// read cannot go stale before the batch commits.
    const LOCK_CAMPAIGN_FOR_BATCH: &'static str =
        "UPDATE campaigns SET status = status WHERE id = $1 RETURNING status";

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn build<'q>(q: &'q mut QueryBuilder<'_, Sqlite>) -> Query<'q, Sqlite, SqliteArguments<'q>> {
        q.build()
    }
}

impl RowsAffected for SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        SqliteQueryResult::rows_affected(self)
    }
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self> {
        Self::with_options(SqliteConnectOptions::new().filename(path)).await
    }

    pub async fn open_url(url: &str) -> Result<Self> {
        Self::with_options(SqliteConnectOptions::from_str(url)?).await
    }

    async fn with_options(options: SqliteConnectOptions) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // Deleted rows (sealed ballots once mixed) are overwritten with zeros, not left
            // in free pages for someone reading the file.
            .pragma("secure_delete", "ON")
            // Exports read every ballot in one statement; that is slow by design, not a warning.
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }
}

impl SqliteStore {
    /// A consistent copy of the whole database written to `out` (which must not exist), read
    /// in one transaction while writers go on (WAL). Only live pages are copied, so rows
    /// deleted from the file (sealed ballots once mixed) are not carried into the copy.
    pub async fn vacuum_into(&self, out: &Path) -> Result<()> {
        let out = out.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO $1").bind(out).execute(&self.pool).await?;
        Ok(())
    }

    /// `ok`, or what `PRAGMA integrity_check` found wrong.
    pub async fn integrity_check(&self) -> Result<String> {
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(line,)| line).collect::<Vec<_>>().join("; "))
    }
}
