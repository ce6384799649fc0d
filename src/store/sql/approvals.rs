//! The approvals' SQL.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Args, Conn, Param, Row, RowsAffected as _, SqlStore, Value};
use crate::store::{ApprovalRecord, ApprovalStore, NewApproval, Result};

const COLUMNS: &str =
    "id, campaign_id, kind, summary, payload, requested_by, requested_at, status, decided_by, \
                       decided_at, outcome";

#[async_trait]
impl<S: SqlStore> ApprovalStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: ColumnIndex<Row<S>> + Param<'a, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
    Option<String>: Value<S::Db>,
    Option<i64>: Value<S::Db>,
{
    async fn add_approval(&self, a: &NewApproval) -> Result<ApprovalRecord> {
        let row = sqlx::query_as(&format!(
            "INSERT INTO approvals (campaign_id, kind, summary, payload, requested_by, requested_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending') RETURNING {COLUMNS}"
        ))
        .bind(a.campaign_id)
        .bind(a.kind.as_str())
        .bind(a.summary.as_str())
        .bind(a.payload.as_str())
        .bind(a.requested_by.as_str())
        .bind(crate::clock::now_unix())
        .fetch_one(self.pool())
        .await?;
        Ok(row)
    }

    async fn approvals(&self, campaign_id: i64) -> Result<Vec<ApprovalRecord>> {
        let rows = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM approvals WHERE campaign_id = $1 ORDER BY id DESC"
        ))
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn approval(&self, campaign_id: i64, id: i64) -> Result<Option<ApprovalRecord>> {
        let row =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM approvals WHERE campaign_id = $1 AND id = $2"))
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row)
    }

    async fn decide_approval(&self, id: i64, status: &str, decided_by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'",
        )
        .bind(status)
        .bind(decided_by)
        .bind(crate::clock::now_unix())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_approval_outcome(&self, id: i64, status: &str, outcome: &str) -> Result<()> {
        sqlx::query("UPDATE approvals SET status = $1, outcome = $2 WHERE id = $3")
            .bind(status)
            .bind(outcome)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
