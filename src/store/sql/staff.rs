//! The staff role's SQL: accounts, the chained audit log, and the abuse-signal counters.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Args, Conn, Param, Row, RowsAffected as _, SqlStore, Value};
use crate::store::audit_chain::{chain_of, entry_hash, GENESIS};
use crate::store::{AuditEntry, AuditRecord, Result, StaffChange, StaffStore, StaffUserRow, StoreError};

const USER_COLUMNS: &str = "id, name, role, password_hash, disabled, generation, totp_sealed";

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
    Option<String>: Value<S::Db>,
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
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users WHERE name = $1");
        Ok(sqlx::query_as(&sql).bind(name).fetch_optional(self.pool()).await?)
    }

    async fn staff_user_by_id(&self, id: i64) -> Result<Option<StaffUserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_optional(self.pool()).await?)
    }

    async fn staff_users(&self) -> Result<Vec<StaffUserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users ORDER BY name");
        Ok(sqlx::query_as(&sql).fetch_all(self.pool()).await?)
    }

    async fn change_staff_user(&self, name: &str, change: &StaffChange) -> Result<bool> {
        // Every change but enabling ends the account's sessions.
        let (set, value): (&str, Option<String>) = match change {
            StaffChange::Disable => ("disabled = TRUE, generation = generation + 1", None),
            StaffChange::Enable => ("disabled = FALSE", None),
            StaffChange::Role(role) => ("role = $2, generation = generation + 1", Some(role.clone())),
            StaffChange::PasswordHash(hash) => {
                ("password_hash = $2, generation = generation + 1", Some(hash.clone()))
            }
            StaffChange::Totp(sealed) => ("totp_sealed = $2, generation = generation + 1", sealed.clone()),
        };
        let sql = format!("UPDATE staff_users SET {set} WHERE name = $1");
        let mut query = sqlx::query(&sql).bind(name);
        if set.contains("$2") {
            query = query.bind(value);
        }
        Ok(query.execute(self.pool()).await?.rows_affected() == 1)
    }

    async fn remove_staff_user(&self, name: &str) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM staff_users WHERE name = $1").bind(name).execute(self.pool()).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<()> {
        let chain = chain_of(entry.campaign_id);
        let mut tx = self.pool().begin().await?;
        let prev = lock_head::<S>(&mut tx, chain).await?;
        let at = crate::clock::now_unix();
        let hash = entry_hash(&prev, at, &entry.actor, &entry.action, entry.campaign_id, &entry.detail);
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, campaign_id, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(entry.campaign_id)
        .bind(&entry.detail)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
        set_head::<S>(&mut tx, chain, &hash).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn seal_audit_backlog(&self) -> Result<usize> {
        let unsealed: Vec<AuditRecord> = sqlx::query_as(
            "SELECT id, at, actor, action, campaign_id, detail, prev_hash, hash FROM audit_log \
             WHERE hash IS NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        for e in &unsealed {
            let chain = chain_of(e.campaign_id);
            let mut tx = self.pool().begin().await?;
            let prev = lock_head::<S>(&mut tx, chain).await?;
            let hash = entry_hash(&prev, e.at, &e.actor, &e.action, e.campaign_id, &e.detail);
            let sealed =
                sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3 AND hash IS NULL")
                    .bind(&prev)
                    .bind(&hash)
                    .bind(e.id)
                    .execute(&mut *tx)
                    .await?;
            // Another instance starting at the same time may have sealed it first: then its
            // head stands, and this transaction is dropped (rolled back).
            if sealed.rows_affected() == 1 {
                set_head::<S>(&mut tx, chain, &hash).await?;
                tx.commit().await?;
            }
        }
        Ok(unsealed.len())
    }

    async fn audit_log(&self, campaign_id: Option<i64>) -> Result<Vec<AuditRecord>> {
        let all = campaign_id.is_none();
        let rows = sqlx::query_as(
            "SELECT id, at, actor, action, campaign_id, detail, prev_hash, hash FROM audit_log \
             WHERE $1 OR campaign_id = $2 ORDER BY id",
        )
        .bind(all)
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn audit_head(&self, campaign_id: Option<i64>) -> Result<Option<String>> {
        let head: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_heads WHERE chain = $1")
            .bind(chain_of(campaign_id))
            .fetch_optional(self.pool())
            .await?;
        Ok(head.filter(|h| h != GENESIS))
    }

    async fn audit_heads(&self) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT chain, hash FROM audit_heads ORDER BY chain")
            .fetch_all(self.pool())
            .await?)
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

/// Takes a chain's head row for the rest of the transaction and returns its hash. The first
/// statement writes, so SQLite takes its write lock at once (no upgrade from a read lock that
/// could fail), and PostgreSQL locks the row: appends to one chain take turns.
async fn lock_head<S: SqlStore>(tx: &mut sqlx::Transaction<'_, S::Db>, chain: i64) -> Result<String>
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
{
    sqlx::query("INSERT INTO audit_heads (chain, hash) VALUES ($1, $2) ON CONFLICT (chain) DO NOTHING")
        .bind(chain)
        .bind(GENESIS.to_owned())
        .execute(&mut **tx)
        .await?;
    let prev: String =
        sqlx::query_scalar("UPDATE audit_heads SET hash = hash WHERE chain = $1 RETURNING hash")
            .bind(chain)
            .fetch_one(&mut **tx)
            .await?;
    Ok(prev)
}

async fn set_head<S: SqlStore>(tx: &mut sqlx::Transaction<'_, S::Db>, chain: i64, hash: &str) -> Result<()>
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
{
    sqlx::query("UPDATE audit_heads SET hash = $1 WHERE chain = $2")
        .bind(hash.to_owned())
        .bind(chain)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
