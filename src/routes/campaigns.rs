use actix_web::{web, HttpResponse};

use crate::error::ApiError;
use crate::server::AppState;

/// `GET /api/v1/campaigns/{slug}`: what the survey page renders.
pub async fn get(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let campaign = state.catalog.get(&slug).await?.ok_or_else(ApiError::unknown_campaign)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=5"))
        .body(campaign.public_json.clone()))
}
