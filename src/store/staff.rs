//! The staff role: staff accounts, the audit log of what they did, and the abuse-signal
//! counters they watch.

use async_trait::async_trait;

use super::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StaffUserRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub campaign_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub campaign_id: Option<i64>,
    pub detail: String,
}

#[async_trait]
pub trait StaffStore: Send + Sync + 'static {
    async fn add_staff_user(&self, name: &str, role: &str, password_hash: &str) -> Result<i64>;
    async fn staff_user(&self, name: &str) -> Result<Option<StaffUserRow>>;
    async fn append_audit(&self, entry: &AuditEntry) -> Result<()>;
    async fn audit_log(&self, campaign_id: Option<i64>) -> Result<Vec<AuditRecord>>;
    /// Adds to the abuse-signal counters: `(campaign id, signal, how many more)`.
    async fn add_signals(&self, deltas: &[(i64, &'static str, i64)]) -> Result<()>;
    /// A campaign's abuse-signal counters, by name.
    async fn signals(&self, campaign_id: i64) -> Result<Vec<(String, i64)>>;
}
