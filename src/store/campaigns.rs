//! The campaign role: campaigns, their definitions and status, and the results frozen at close.

use async_trait::async_trait;

use super::Result;
use crate::domain::{Campaign, CampaignDefinition, CampaignStatus};

/// The frozen outcome of a closed campaign.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FinalResults {
    /// `sha256:` + hex, over the canonical anonymised ballot export and the formula.
    pub fingerprint: String,
    pub ballots: i64,
    /// The results as JSON.
    pub results: String,
    pub frozen_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct CampaignSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: String,
}

#[async_trait]
pub trait CampaignStore: Send + Sync + 'static {
    async fn create_campaign(&self, definition: &CampaignDefinition, status: CampaignStatus) -> Result<i64>;
    async fn campaign(&self, slug: &str) -> Result<Option<Campaign>>;
    /// Every campaign: slug, title, status; newest first.
    async fn campaigns(&self) -> Result<Vec<CampaignSummary>>;
    /// Stops intake for good. Waits for batches of this campaign being committed (by any
    /// instance); every batch after it refuses the campaign's ballots. `false` when the
    /// campaign was not open.
    async fn close_campaign(&self, campaign_id: i64) -> Result<bool>;
    /// Opens a draft campaign; `false` when it was not a draft.
    async fn open_campaign(&self, campaign_id: i64) -> Result<bool>;
    /// Replaces a campaign's definition (formula changes; the caller checks what may change).
    async fn update_definition(&self, campaign_id: i64, definition: &CampaignDefinition) -> Result<()>;
    async fn save_final_results(&self, campaign_id: i64, results: &FinalResults) -> Result<()>;
    async fn final_results(&self, campaign_id: i64) -> Result<Option<FinalResults>>;
}
