//! `GET /api/v1/receipts/{receipt}`: whether a ballot with this receipt is counted — and
//! nothing about what it says.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::intake::receipts;
use crate::routes::error::ApiError;
use crate::routes::state::AppState;

pub async fn get(state: web::Data<AppState>, receipt: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (receipt, campaign) = receipts::counted(state.store.as_ref(), &receipt).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "receipt": receipt.display(), "counted": true, "campaign": campaign })))
}
