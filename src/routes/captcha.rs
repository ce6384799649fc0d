//! `GET /api/v1/captcha[?size=large]`: a picture whose answer works once.

use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::identity::captcha::Size;
use crate::routes::error::ApiError;
use crate::routes::state::AppState;

#[derive(Deserialize)]
pub struct Query {
    size: Option<String>,
}

pub async fn issue(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Query>,
) -> Result<HttpResponse, ApiError> {
    let client = state.guard.proxies.of_request(&req);
    let size = if query.size.as_deref() == Some("large") { Size::Large } else { Size::Normal };
    let issued = state.gate.issue_captcha(state.deps(), client, size).await?;
    let image =
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&issued.png));
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "no-store"));
    if state.gate.load_test {
        response.insert_header(("X-Minping-Captcha-Answer", issued.answer));
    }
    Ok(response
        .json(json!({ "id": issued.id, "image": image, "expires_in": state.guard.limits.captcha_ttl_secs })))
}
