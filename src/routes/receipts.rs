use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::domain::Receipt;
use crate::error::ApiError;
use crate::routes::state::AppState;

/// `GET /api/v1/receipts/{receipt}`: whether a ballot with this receipt is counted — and
/// nothing about what it says.
pub async fn get(state: web::Data<AppState>, receipt: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let not_counted = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_receipt",
            "没有找到此回执号对应的评议，请核对回执号",
            "No counted ballot has this receipt; check the code",
        )
        .field("receipt")
    };
    let receipt = Receipt::parse(&receipt).ok_or_else(not_counted)?;
    let campaign = state.store.receipt_campaign(&receipt).await?.ok_or_else(not_counted)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "receipt": receipt.display(), "counted": true, "campaign": campaign })))
}
