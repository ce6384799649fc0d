//! The mix's SQL: sealed ballots waiting, and the one transaction that turns a group of
//! them into content rows and counter increments.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder, Row as _};

use super::{Args, Conn, Param, Row, RowsAffected as _, SqlStore, Value, CHUNK_ROWS};
use crate::store::{MixStore, Plan, Result, SealedRow, StoreError};

#[async_trait]
impl<S: SqlStore> MixStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: Param<'a, S::Db>,
    for<'a> &'a [u8]: Param<'a, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
    bool: Value<S::Db>,
    Vec<u8>: Value<S::Db>,
    Option<String>: Value<S::Db>,
{
    async fn sealed_counts(&self) -> Result<Vec<(i64, String, i64)>> {
        let rows = sqlx::query(
            "SELECT s.campaign_id, c.slug, COUNT(*) FROM sealed_ballots s \
             JOIN campaigns c ON c.id = s.campaign_id GROUP BY s.campaign_id, c.slug ORDER BY s.campaign_id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    async fn mix(&self, campaign_id: i64, limit: i64, plan: &mut Plan<'_>) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        // One mixer per campaign at a time, on every instance: what it reads stays what it
        // decides on until it commits (two could otherwise each leave the other k).
        sqlx::query(S::LOCK_CAMPAIGN_FOR_MIX).bind(campaign_id).execute(&mut *tx).await?;
        let rows =
            sqlx::query("SELECT id, sealed FROM sealed_ballots WHERE campaign_id = $1 ORDER BY id LIMIT $2")
                .bind(campaign_id)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
        let rows = rows.iter().map(|r| SealedRow { id: r.get(0), sealed: r.get(1) }).collect();
        let Some(mix) = plan(rows).map_err(StoreError::Visit)? else {
            tx.rollback().await?;
            return Ok(0);
        };
        let mut taken = 0;
        for chunk in mix.taken.chunks(CHUNK_ROWS) {
            let mut q = QueryBuilder::<S::Db>::new("DELETE FROM sealed_ballots WHERE campaign_id = ");
            q.push_bind(campaign_id).push(" AND id IN (");
            let mut ids = q.separated(", ");
            for id in chunk {
                ids.push_bind(id.as_slice());
            }
            q.push(")");
            taken += S::build(&mut q).execute(&mut *tx).await?.rows_affected();
        }
        if taken != mix.taken.len() as u64 {
            // Cannot happen under the lock; if it does, write nothing rather than twice.
            tx.rollback().await?;
            return Ok(0);
        }
        // Every row of a mix carries the same day: the mix's, not the ballot's.
        let day = crate::clock::day_start(crate::clock::now_unix() / 3600);

        for chunk in mix.ballots.chunks(CHUNK_ROWS) {
            let mut q = QueryBuilder::<S::Db>::new(
                "INSERT INTO ballots (ballot_key, campaign_id, class, segment, district, ratings, reasons, \
                 suggestion, flags, shuffle_key, hour) ",
            );
            q.push_values(chunk, |mut row, b| {
                // A random key: no order or number says when the ballot arrived.
                row.push_bind(hex::encode(rand::random::<[u8; 10]>()))
                    .push_bind(campaign_id)
                    .push_bind(b.class.clone())
                    .push_bind(b.segment.clone())
                    .push_bind(b.district.clone())
                    .push_bind(b.ratings.clone())
                    .push_bind(b.reasons.clone())
                    .push_bind(b.suggestion.clone())
                    .push_bind(i64::from(b.flagged))
                    .push_bind(rand::random::<[u8; 16]>().to_vec())
                    .push_bind(day);
            });
            S::build(&mut q).execute(&mut *tx).await?;
        }

        for chunk in mix.tallies.chunks(CHUNK_ROWS) {
            let mut q = QueryBuilder::<S::Db>::new(S::TALLY_INSERT);
            q.push_values(chunk, |mut row, d| {
                row.push_bind(campaign_id)
                    .push_bind(d.unit_code.clone())
                    .push_bind(d.option_code.clone())
                    .push_bind(d.class.clone())
                    .push_bind(d.segment.clone())
                    .push_bind(d.flagged)
                    .push_bind(d.count);
            });
            q.push(S::TALLY_INSERT_END);
            S::build(&mut q).execute(&mut *tx).await?;
        }

        if !mix.public_districts.is_empty() {
            let mut q = QueryBuilder::<S::Db>::new(
                "INSERT INTO public_districts (campaign_id, class, district, count) ",
            );
            q.push_values(&mix.public_districts, |mut row, (class, district, count)| {
                row.push_bind(campaign_id)
                    .push_bind(class.clone())
                    .push_bind(district.clone())
                    .push_bind(*count);
            });
            q.push(
                " ON CONFLICT (campaign_id, class, district) \
                 DO UPDATE SET count = public_districts.count + excluded.count",
            );
            S::build(&mut q).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        if let Some(after) = S::AFTER_MIX {
            // Best effort: the pages of the mix are in the database now; a WAL that still
            // holds them is emptied at the next checkpoint anyway.
            if let Err(e) = sqlx::query(after).execute(self.pool()).await {
                tracing::debug!(error = %e, "the WAL was not truncated after a mix");
            }
        }
        Ok(taken)
    }
}
