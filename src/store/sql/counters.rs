//! The counters' SQL. Reads come from the counters the batches advance, never from the
//! ballots, so the live view costs the same for ten ballots as for a million.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Args, Conn, Row, SqlStore, Value};
use crate::store::{CounterStore, Result, TallyRow};

#[async_trait]
impl<S: SqlStore> CounterStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: ColumnIndex<Row<S>>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
    bool: Value<S::Db>,
{
    async fn tallies(&self, campaign_id: i64) -> Result<Vec<TallyRow>> {
        // The counters and the increments not yet folded into them, in one snapshot.
        let rows = sqlx::query_as(
            "SELECT unit_code, option_code, class, segment, flagged, CAST(SUM(count) AS BIGINT) AS count FROM ( \
               SELECT unit_code, option_code, class, segment, flagged, count FROM tallies WHERE campaign_id = $1 \
               UNION ALL \
               SELECT unit_code, option_code, class, segment, flagged, count FROM tally_deltas WHERE campaign_id = $1 \
             ) t GROUP BY unit_code, option_code, class, segment, flagged \
             ORDER BY unit_code, option_code, class, segment, flagged",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn fold_tally_deltas(&self) -> Result<()> {
        if let Some(sql) = S::FOLD_TALLY_DELTAS {
            sqlx::query(sql).execute(self.pool()).await?;
        }
        Ok(())
    }

    async fn ballot_count(&self, campaign_id: i64) -> Result<i64> {
        // Every stored ballot, mixed or still sealed: one receipt each.
        let count = sqlx::query_scalar("SELECT COUNT(*) FROM receipts WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }

    async fn claim_count(&self, campaign_id: i64) -> Result<i64> {
        let count = sqlx::query_scalar("SELECT COUNT(*) FROM claims WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }

    async fn ballots_by_class(&self, campaign_id: i64) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query_as(
            "SELECT class, CAST(SUM(count) AS BIGINT) FROM ballot_hours WHERE campaign_id = $1 \
             GROUP BY class ORDER BY class",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn ballots_by_hour(&self, campaign_id: i64) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query_as(
            "SELECT hour, CAST(SUM(count) AS BIGINT) FROM ballot_hours WHERE campaign_id = $1 \
             GROUP BY hour ORDER BY hour",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn public_by_district(&self, campaign_id: i64) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query_as(
            "SELECT class, district, count FROM public_districts \
             WHERE campaign_id = $1 ORDER BY class, district",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }
}
