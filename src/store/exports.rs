//! The export role: every stored ballot, receipt and free text, streamed row by row so an
//! export of a large campaign never holds it all in memory.

use async_trait::async_trait;

use super::Result;

/// Why a visitor stopped an export: whatever its own work ran into (writing the file,
/// recounting a ballot). Boxed, because each caller's work fails its own way and the store
/// only passes the failure on.
pub type VisitError = Box<dyn std::error::Error + Send + Sync>;

/// A stored ballot as the anonymised export shows it: no receipt, no free text.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredBallot {
    pub class: String,
    pub segment: Option<String>,
    pub district: Option<String>,
    pub ratings: String,
    pub flags: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Feedback {
    pub reasons: Option<String>,
    pub suggestion: Option<String>,
}

#[async_trait]
pub trait ExportStore: Send + Sync + 'static {
    /// Every ballot of the campaign without free text, in the export's random order.
    async fn for_each_ballot(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(StoredBallot) -> Result<(), VisitError> + Send),
    ) -> Result<()>;
    /// Every receipt of the campaign, sorted.
    async fn for_each_receipt(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(String) -> Result<(), VisitError> + Send),
    ) -> Result<()>;
    /// Every ballot's free text (reasons as JSON keyed by unit, suggestion), in the export's order.
    async fn for_each_feedback(
        &self,
        campaign_id: i64,
        visit: &mut (dyn FnMut(Feedback) -> Result<(), VisitError> + Send),
    ) -> Result<()>;
}
