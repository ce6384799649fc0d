//! The approvals role: sensitive acts asked for by one staff member and carried out only
//! once another approves (双人复核; docs/SECURITY.md).

use async_trait::async_trait;
use serde::Serialize;

use super::Result;

/// A request as asked for.
#[derive(Debug, Clone)]
pub struct NewApproval {
    pub campaign_id: i64,
    pub kind: String,
    pub summary: String,
    pub payload: String,
    pub requested_by: String,
}

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ApprovalRecord {
    pub id: i64,
    pub campaign_id: i64,
    pub kind: String,
    pub summary: String,
    #[serde(skip)]
    pub payload: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub outcome: Option<String>,
}

#[async_trait]
pub trait ApprovalStore: Send + Sync + 'static {
    async fn add_approval(&self, approval: &NewApproval) -> Result<ApprovalRecord>;
    /// A campaign's requests, newest first.
    async fn approvals(&self, campaign_id: i64) -> Result<Vec<ApprovalRecord>>;
    async fn approval(&self, campaign_id: i64, id: i64) -> Result<Option<ApprovalRecord>>;
    /// Decides a pending request: `false` when it was no longer pending (decided meanwhile),
    /// so two approvers cannot both carry it out.
    async fn decide_approval(&self, id: i64, status: &str, decided_by: &str) -> Result<bool>;
    /// What carrying out a decided request came to.
    async fn set_approval_outcome(&self, id: i64, status: &str, outcome: &str) -> Result<()>;
}
