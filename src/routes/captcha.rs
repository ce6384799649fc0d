use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::guard::address;
use crate::guard::limits::{charge, LimitKind};
use crate::identity::captcha::Size;
use crate::intake::gate::PublicError;
use crate::routes::state::AppState;

#[derive(Deserialize)]
pub struct Query {
    size: Option<String>,
}

/// `GET /api/v1/captcha[?size=large]`: a picture whose answer works once.
pub async fn issue(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Query>,
) -> Result<HttpResponse, ApiError> {
    let gate = &state.gate;
    let client = address::limit_key(state.guard.proxies.of_request(&req));
    let per_minute = state.guard.limits.captchas_per_address_per_minute;
    let limited =
        charge(state.hot.as_ref(), &format!("captcha-addr:{client}"), 60, per_minute, LimitKind::CaptchaRate)
            .await
            .map_err(PublicError::from)?;
    limited.map_err(ApiError::limited)?;
    let size = if query.size.as_deref() == Some("large") { Size::Large } else { Size::Normal };
    let issued = gate.captchas.issue(state.hot.as_ref(), size).await.map_err(PublicError::from)?;
    let image =
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&issued.png));
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "no-store"));
    if gate.load_test {
        response.insert_header(("X-Minping-Captcha-Answer", issued.answer));
    }
    Ok(response
        .json(json!({ "id": issued.id, "image": image, "expires_in": state.guard.limits.captcha_ttl_secs })))
}
