//! The scaled store: PostgreSQL, shared by any number of `minping serve` instances.

use std::time::Duration;

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Postgres};

use super::sql::impl_store;
use super::*;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    const BACKEND: &'static str = "postgres";
    /// Shared with other batches, exclusive against the `UPDATE` that closes the campaign.
    const LOCK_CAMPAIGN_FOR_BATCH: &'static str = "SELECT status FROM campaigns WHERE id = $1 FOR SHARE";
    /// Batches committing side by side: one writes while another waits for its fsync.
    const PARALLEL_BATCHES: usize = 3;
    /// Batches append to `tally_deltas`; [`Self::FOLD_TALLY_DELTAS`] moves them into `tallies`.
    const TALLY_INSERT: &'static str =
        "INSERT INTO tally_deltas (campaign_id, unit_code, option_code, class, segment, flagged, count) ";
    const TALLY_INSERT_END: &'static str = "";
    /// In key order, so two instances folding at once take the rows' locks in one order.
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

    pub async fn connect(url: &str) -> Result<Self> {
        // Exports read every ballot in one statement; that is slow by design, not a warning.
        let options = PgConnectOptions::from_str(url)?
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(30));
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // Short, so that a request waiting for a dead database gets its 503 quickly.
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(Self { pool })
    }

    async fn run_migrations(&self) -> Result<()> {
        super::migrations::migrator(super::migrations::POSTGRES).await?.run(&self.pool).await?;
        Ok(())
    }
}

impl_store!(PgStore, Postgres);
