//! The ballots' SQL: the batch commit that claims, gives the receipt and stores the sealed
//! content in one transaction (the mixer counts it later, see `mix.rs`), and the checks
//! intake makes before it queues a ballot.

use std::collections::HashSet;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, FromRow, IntoArguments, QueryBuilder, Row as _};

use super::{Args, Conn, Param, Row, SqlStore, Value, CHUNK_ROWS};
use crate::domain::Receipt;
use crate::domain::RespondentKey;
use crate::store::{batch, BallotStore, Commit, PendingBallot, Result};

#[async_trait]
impl<S: SqlStore> BallotStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: Param<'a, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
    bool: Value<S::Db>,
    Vec<u8>: Value<S::Db>,
    Option<String>: Value<S::Db>,
{
    fn parallel_batches(&self) -> usize {
        S::PARALLEL_BATCHES
    }

    async fn is_claimed(&self, campaign_id: i64, respondent_key: &RespondentKey) -> Result<bool> {
        let row: Option<i64> = sqlx::query_scalar(
            "SELECT campaign_id FROM claims WHERE campaign_id = $1 AND respondent_key = $2",
        )
        .bind(campaign_id)
        .bind(respondent_key.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    async fn commit_batch(&self, batch: &[PendingBallot]) -> Result<Vec<Commit>> {
        let mut tx = self.pool().begin().await?;

        // Each campaign's row is locked (PostgreSQL: FOR SHARE; SQLite: the write lock)
        // for the batch, so a close waits for batches in flight and every later batch
        // sees it: nothing is acknowledged for a closed campaign.
        let mut campaign_ids: Vec<i64> = batch.iter().map(|p| p.campaign.id).collect();
        campaign_ids.sort_unstable();
        campaign_ids.dedup();
        let mut closed = HashSet::new();
        for id in campaign_ids {
            let status: String =
                sqlx::query_scalar(S::LOCK_CAMPAIGN_FOR_BATCH).bind(id).fetch_one(&mut *tx).await?;
            if status != "open" {
                closed.insert(id);
            }
        }

        let offered = batch::first_claims(batch, &closed);
        let mut accepted = HashSet::new();
        for chunk in offered.chunks(CHUNK_ROWS) {
            let mut q =
                QueryBuilder::<S::Db>::new("INSERT INTO claims (campaign_id, respondent_key, class) ");
            q.push_values(chunk, |mut row, &i| {
                let p = &batch[i];
                row.push_bind(p.campaign.id).push_bind(p.respondent_key.as_str()).push_bind(p.class.as_str());
            });
            q.push(" ON CONFLICT DO NOTHING RETURNING campaign_id, respondent_key");
            let claim = |row| <(i64, String)>::from_row(&row);
            let rows = S::build(&mut q).try_map(claim).fetch_all(&mut *tx).await?;
            accepted.extend(rows);
        }
        let mut outcomes = batch::outcomes(batch, &closed, &offered, &accepted);

        // Receipts are random, or proposed by the client for safe retries: one that
        // is already taken is refused alone, and its claim withdrawn.
        let counted = batch::counted_by_receipt(batch, &outcomes);
        let mut inserted = HashSet::new();
        for chunk in counted.chunks(CHUNK_ROWS) {
            let mut q = QueryBuilder::<S::Db>::new("INSERT INTO receipts (receipt, campaign_id) ");
            q.push_values(chunk, |mut row, p| {
                row.push_bind(p.receipt.as_str().to_owned()).push_bind(p.campaign.id);
            });
            q.push(" ON CONFLICT (receipt) DO NOTHING RETURNING receipt");
            let rows: Vec<String> =
                S::build(&mut q).try_map(|row| row.try_get(0)).fetch_all(&mut *tx).await?;
            inserted.extend(rows);
        }
        for p in batch::refuse_taken_receipts(batch, &mut outcomes, &inserted) {
            sqlx::query("DELETE FROM claims WHERE campaign_id = $1 AND respondent_key = $2")
                .bind(p.campaign.id)
                .bind(p.respondent_key.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let counted: Vec<_> = counted.into_iter().filter(|p| inserted.contains(p.receipt.as_str())).collect();

        // The content, sealed, under a random id; the mixer turns it into a ballot and
        // counts it, with at least k others, in a transaction of its own.
        for chunk in counted.chunks(CHUNK_ROWS) {
            let mut q = QueryBuilder::<S::Db>::new("INSERT INTO sealed_ballots (id, campaign_id, sealed) ");
            q.push_values(chunk, |mut row, p| {
                row.push_bind(rand::random::<[u8; 16]>().to_vec())
                    .push_bind(p.campaign.id)
                    .push_bind(p.sealed.clone());
            });
            S::build(&mut q).execute(&mut *tx).await?;
        }

        let hours = batch::hour_deltas(&counted);
        if !hours.is_empty() {
            let mut q =
                QueryBuilder::<S::Db>::new("INSERT INTO ballot_hours (campaign_id, hour, class, count) ");
            q.push_values(&hours, |mut row, (campaign_id, hour, class, count)| {
                row.push_bind(*campaign_id).push_bind(*hour).push_bind(*class).push_bind(*count);
            });
            q.push(" ON CONFLICT (campaign_id, hour, class) DO UPDATE SET count = ballot_hours.count + excluded.count");
            S::build(&mut q).execute(&mut *tx).await?;
        }

        let panel = batch::panel_deltas(&counted);
        if !panel.is_empty() {
            let mut q = QueryBuilder::<S::Db>::new(
                "INSERT INTO panel_counts (campaign_id, segment, district, invited, responded) ",
            );
            q.push_values(&panel, |mut row, (campaign_id, segment, district, count)| {
                row.push_bind(*campaign_id)
                    .push_bind(*segment)
                    .push_bind(*district)
                    .push_bind(0_i64)
                    .push_bind(*count);
            });
            q.push(
                " ON CONFLICT (campaign_id, segment, district) \
                 DO UPDATE SET responded = panel_counts.responded + excluded.responded",
            );
            S::build(&mut q).execute(&mut *tx).await?;
        }

        tx.commit().await?;
        Ok(outcomes)
    }

    async fn receipt_campaign(&self, receipt: &Receipt) -> Result<Option<String>> {
        let slug = sqlx::query_scalar(
            "SELECT c.slug FROM receipts r JOIN campaigns c ON c.id = r.campaign_id WHERE r.receipt = $1",
        )
        .bind(receipt.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(slug)
    }
}
