//! The scaled store: PostgreSQL, shared by any number of `minping serve` instances.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgQueryResult};
use sqlx::query::Query;
use sqlx::{ConnectOptions, Postgres, QueryBuilder};

use super::migrations::{self, Files};
use super::sql::{RowsAffected, SqlStore};
use super::Result;

pub struct PgStore {
    pool: PgPool,
}

impl SqlStore for PgStore {
    type Db = Postgres;
    const BACKEND: &'static str = "postgres";
    const MIGRATIONS: Files = migrations::POSTGRES;
    /// Shared with other batches, exclusive against the `UPDATE` that closes the campaign.
    const LOCK_CAMPAIGN_FOR_BATCH: &'static str = "SELECT status FROM campaigns WHERE id = $1 FOR SHARE";
    /// Batches committing side by side: one writes while another waits for its fsync.
    const PARALLEL_BATCHES: usize = 3;
    /// Batches append to `tally_deltas`; [`Self::FOLD_TALLY_DELTAS`] moves them into `tallies`.
    const TALLY_INSERT: &'static str =
        "INSERT INTO tally_deltas (campaign_id, unit_code, option_code, class, segment, flagged, count) ";
    const TALLY_INSERT_END: &'static str = "";
    /// In key order, so two instances folding at once take the rows' locks in one order.
    /// Dead rows are PostgreSQL's to reclaim (autovacuum); nothing to do per mix.
    const AFTER_MIX: Option<&'static str> = None;
    /// A transaction-scoped advisory lock per campaign (offset so as not to meet any other
    /// use of advisory locks): batches, which hold the campaign row `FOR SHARE`, go on.
    const LOCK_CAMPAIGN_FOR_MIX: &'static str = "SELECT pg_advisory_xact_lock(7305000000000 + $1)";
    const FOLD_TALLY_DELTAS: Option<&'static str> = Some(
        "WITH moved AS (DELETE FROM tally_deltas \
           RETURNING campaign_id, unit_code, option_code, class, segment, flagged, count) \
         INSERT INTO tallies (campaign_id, unit_code, option_code, class, segment, flagged, count) \
         SELECT campaign_id, unit_code, option_code, class, segment, flagged, SUM(count) FROM moved \
         GROUP BY campaign_id, unit_code, option_code, class, segment, flagged \
         ORDER BY campaign_id, unit_code, option_code, class, segment, flagged \
         ON CONFLICT (campaign_id, unit_code, option_code, class, segment, flagged) \
         DO UPDATE SET count = tallies.count + excluded.count",
    );

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn build<'q>(q: &'q mut QueryBuilder<'_, Postgres>) -> Query<'q, Postgres, PgArguments> {
        q.build()
    }
}

impl RowsAffected for PgQueryResult {
    fn rows_affected(&self) -> u64 {
        PgQueryResult::rows_affected(self)
    }
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        // Exports read every ballot in one statement; that is slow by design, not a warning.
        let options = PgConnectOptions::from_str(url)?
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(30));
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // Short, so that a request waiting for a dead database gets its 503 quickly.
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }
}

impl PgStore {
    /// Whether the database has no table of its own yet: a restore goes into such a one only.
    pub async fn is_empty(&self) -> Result<bool> {
        let sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'";
        let (tables,): (i64,) = sqlx::query_as(sql).fetch_one(&self.pool).await?;
        Ok(tables == 0)
    }
}
