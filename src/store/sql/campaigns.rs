//! The campaigns' SQL. A definition is stored as JSON and checked again on every read, so a
//! row edited by hand cannot reach the ballot path unvalidated.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{Args, Conn, Param, Row, RowsAffected as _, SqlStore, Value};
use crate::domain::{Campaign, CampaignDefinition, CampaignStatus};
use crate::store::{CampaignStore, CampaignSummary, FinalResults, Result, StoreError};

#[async_trait]
impl<S: SqlStore> CampaignStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: ColumnIndex<Row<S>> + Param<'a, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
{
    async fn create_campaign(&self, definition: &CampaignDefinition, status: CampaignStatus) -> Result<i64> {
        let json = serde_json::to_string(definition).expect("a definition serialises");
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO campaigns (slug, definition, status, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slug) DO NOTHING RETURNING id",
        )
        .bind(&definition.slug)
        .bind(json)
        .bind(status.as_str())
        .bind(crate::clock::now_unix())
        .fetch_optional(self.pool())
        .await?;
        inserted.ok_or_else(|| StoreError::CampaignExists(definition.slug.clone()))
    }

    async fn campaign(&self, slug: &str) -> Result<Option<Campaign>> {
        let row: Option<(i64, String, String)> =
            sqlx::query_as("SELECT id, definition, status FROM campaigns WHERE slug = $1")
                .bind(slug)
                .fetch_optional(self.pool())
                .await?;
        let Some((id, json, status)) = row else { return Ok(None) };
        let bad = |reason: String| StoreError::BadCampaign { slug: slug.to_owned(), reason };
        let definition: CampaignDefinition = serde_json::from_str(&json).map_err(|e| bad(e.to_string()))?;
        let status =
            CampaignStatus::parse(&status).ok_or_else(|| bad(format!("unknown status `{status}`")))?;
        Campaign::new(id, status, definition).map(Some).map_err(|e| bad(e.to_string()))
    }

    async fn campaigns(&self) -> Result<Vec<CampaignSummary>> {
        let rows: Vec<(i64, String, String, String)> =
            sqlx::query_as("SELECT id, slug, definition, status FROM campaigns ORDER BY id DESC")
                .fetch_all(self.pool())
                .await?;
        // The title only: a definition that no longer parses still lists, with an empty title.
        let summary = |(id, slug, definition, status): (i64, String, String, String)| {
            let title = serde_json::from_str::<serde_json::Value>(&definition)
                .ok()
                .and_then(|d| d["title"].as_str().map(String::from))
                .unwrap_or_default();
            CampaignSummary { id, slug, title, status }
        };
        Ok(rows.into_iter().map(summary).collect())
    }

    async fn close_campaign(&self, campaign_id: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE campaigns SET status = 'closed' WHERE id = $1 AND status = 'open'")
            .bind(campaign_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn open_campaign(&self, campaign_id: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE campaigns SET status = 'open' WHERE id = $1 AND status = 'draft'")
            .bind(campaign_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn update_definition(&self, campaign_id: i64, definition: &CampaignDefinition) -> Result<()> {
        let json = serde_json::to_string(definition).expect("a definition serialises");
        sqlx::query("UPDATE campaigns SET definition = $1 WHERE id = $2")
            .bind(json)
            .bind(campaign_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn save_final_results(&self, campaign_id: i64, results: &FinalResults) -> Result<()> {
        sqlx::query(
            "INSERT INTO final_results (campaign_id, fingerprint, ballots, results, frozen_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(campaign_id)
        .bind(&results.fingerprint)
        .bind(results.ballots)
        .bind(&results.results)
        .bind(results.frozen_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn final_results(&self, campaign_id: i64) -> Result<Option<FinalResults>> {
        let row = sqlx::query_as(
            "SELECT fingerprint, ballots, results, frozen_at FROM final_results WHERE campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row)
    }
}
