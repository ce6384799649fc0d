//! The staff role's SQL: accounts, the append-only audit log, and the abuse-signal counters.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Args, Conn, Param, Row, SqlStore, Value};
use crate::store::{AuditEntry, AuditRecord, Result, StaffStore, StaffUserRow, StoreError};

#[async_trait]
impl<S: SqlStore> StaffStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: ColumnIndex<Row<S>> + Param<'a, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
    bool: Value<S::Db>,
    Option<i64>: Value<S::Db>,
{
    async fn add_staff_user(&self, name: &str, role: &str, password_hash: &str) -> Result<i64> {
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO staff_users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(role)
        .bind(password_hash)
        .bind(crate::clock::now_unix())
        .fetch_optional(self.pool())
        .await?;
        inserted.ok_or_else(|| StoreError::UserExists(name.to_owned()))
    }

    async fn staff_user(&self, name: &str) -> Result<Option<StaffUserRow>> {
        let row = sqlx::query_as("SELECT id, name, role, password_hash FROM staff_users WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(row)
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, campaign_id, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(crate::clock::now_unix())
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(entry.campaign_id)
        .bind(&entry.detail)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn audit_log(&self, campaign_id: Option<i64>) -> Result<Vec<AuditRecord>> {
        let all = campaign_id.is_none();
        let rows = sqlx::query_as(
            "SELECT id, at, actor, action, campaign_id, detail FROM audit_log \
             WHERE $1 OR campaign_id = $2 ORDER BY id",
        )
        .bind(all)
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn add_signals(&self, deltas: &[(i64, &'static str, i64)]) -> Result<()> {
        if deltas.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for (campaign_id, signal, delta) in deltas {
            sqlx::query(
                "INSERT INTO abuse_signals (campaign_id, signal, count) VALUES ($1, $2, $3) \
                 ON CONFLICT (campaign_id, signal) DO UPDATE SET count = abuse_signals.count + excluded.count",
            )
            .bind(campaign_id)
            .bind(signal)
            .bind(delta)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn signals(&self, campaign_id: i64) -> Result<Vec<(String, i64)>> {
        let rows =
            sqlx::query_as("SELECT signal, count FROM abuse_signals WHERE campaign_id = $1 ORDER BY signal")
                .bind(campaign_id)
                .fetch_all(self.pool())
                .await?;
        Ok(rows)
    }
}
