//! The staff role: staff accounts, the audit log of what they did (a hash chain, see
//! `audit_chain`), and the abuse-signal counters they watch.

use async_trait::async_trait;

use super::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StaffUserRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    /// Goes up with every change that must end the account's sessions.
    pub generation: i64,
    /// The TOTP secret, sealed under a key derived from the server secret.
    pub totp_sealed: Option<String>,
}

/// A change to a staff account. Each one but enabling ends the account's sessions (its
/// generation goes up).
#[derive(Debug, Clone, PartialEq)]
pub enum StaffChange {
    Disable,
    Enable,
    Role(String),
    PasswordHash(String),
    /// A sealed TOTP secret, or `None` to remove the second factor.
    Totp(Option<String>),
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
    /// The hash of the entry before it in its chain (`audit_chain::GENESIS` for the first).
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

#[async_trait]
pub trait StaffStore: Send + Sync + 'static {
    async fn add_staff_user(&self, name: &str, role: &str, password_hash: &str) -> Result<i64>;
    async fn staff_user(&self, name: &str) -> Result<Option<StaffUserRow>>;
    async fn staff_user_by_id(&self, id: i64) -> Result<Option<StaffUserRow>>;
    /// Every account, by name.
    async fn staff_users(&self) -> Result<Vec<StaffUserRow>>;
    /// Applies a change; `false` when there is no such account.
    async fn change_staff_user(&self, name: &str, change: &StaffChange) -> Result<bool>;
    /// Removes an account; `false` when there is no such account.
    async fn remove_staff_user(&self, name: &str) -> Result<bool>;
    /// Appends an entry to its chain (its campaign's, or that of no campaign), taking turns
    /// with every other append to the same chain.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<()>;
    /// Chains entries written before the chain existed; run at every open, cheap when none.
    async fn seal_audit_backlog(&self) -> Result<usize>;
    /// A campaign's entries (every entry for `None`), in the order written.
    async fn audit_log(&self, campaign_id: Option<i64>) -> Result<Vec<AuditRecord>>;
    /// The hash of the last entry of a chain (a campaign's, or that of no campaign for
    /// `None`): what a results fingerprint pins. `None` while the chain is empty.
    async fn audit_head(&self, campaign_id: Option<i64>) -> Result<Option<String>>;
    /// Every chain's stored head: `(chain, hash)`, chain 0 being the entries of no campaign.
    async fn audit_heads(&self) -> Result<Vec<(i64, String)>>;
    /// Adds to the abuse-signal counters: `(campaign id, signal, how many more)`.
    async fn add_signals(&self, deltas: &[(i64, &'static str, i64)]) -> Result<()>;
    /// A campaign's abuse-signal counters, by name.
    async fn signals(&self, campaign_id: i64) -> Result<Vec<(String, i64)>>;
}
