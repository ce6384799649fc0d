//! The exports' SQL: rows streamed to a visitor one at a time. Ballots come in the order of
//! their random `shuffle_key`, so an export's order says nothing about when anyone voted.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Args, Conn, Row, SqlStore, Value};
use crate::store::{ExportStore, Feedback, Result, StoreError, StoredBallot, VisitError};

#[async_trait]
impl<S: SqlStore> ExportStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: ColumnIndex<Row<S>>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
{
    async fn for_each_ballot(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(StoredBallot) -> Result<(), VisitError> + Send),
    ) -> Result<()> {
        let mut rows = sqlx::query_as(
            "SELECT class, segment, district, ratings, flags FROM ballots \
             WHERE campaign_id = $1 ORDER BY shuffle_key",
        )
        .bind(campaign_id)
        .fetch(self.pool());
        while let Some(row) = rows.try_next().await? {
            visit(row).map_err(StoreError::Visit)?;
        }
        Ok(())
    }

    async fn for_each_receipt(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(String) -> Result<(), VisitError> + Send),
    ) -> Result<()> {
        let mut rows =
            sqlx::query_scalar("SELECT receipt FROM receipts WHERE campaign_id = $1 ORDER BY receipt")
                .bind(campaign_id)
                .fetch(self.pool());
        while let Some(receipt) = rows.try_next().await? {
            visit(receipt).map_err(StoreError::Visit)?;
        }
        Ok(())
    }

    async fn for_each_feedback(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(Feedback) -> Result<(), VisitError> + Send),
    ) -> Result<()> {
        let mut rows = sqlx::query_as(
            "SELECT reasons, suggestion FROM ballots WHERE campaign_id = $1 \
             AND (reasons IS NOT NULL OR suggestion IS NOT NULL) ORDER BY shuffle_key",
        )
        .bind(campaign_id)
        .fetch(self.pool());
        while let Some(row) = rows.try_next().await? {
            visit(row).map_err(StoreError::Visit)?;
        }
        Ok(())
    }
}
