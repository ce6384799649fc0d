//! `POST …/otp` and `POST …/otp/verify`: the public channel's SMS codes.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::extract::OpenCampaign;
use super::state::AppState;
use crate::domain::RespondentClass;
use crate::intake::gate::CodeRequest;
use crate::routes::error::ApiError;

/// `POST /api/v1/campaigns/{slug}/otp`: sends an SMS code, behind a captcha and limits.
pub async fn send(
    campaign: OpenCampaign,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: CodeRequest = super::body::read_json(&req, body, 4096).await?;
    let client = state.guard.proxies.of_request(&req);
    let sent = state.gate.send_code(state.deps(), &campaign, &input, client).await?;
    let mut response = HttpResponse::build(StatusCode::ACCEPTED);
    response.insert_header(("Cache-Control", "no-store"));
    if let Some(code) = sent.test_code {
        response.insert_header(("X-Minping-Test-Code", code));
    }
    Ok(response.json(json!({
        "sent": true,
        "resend_after": state.guard.limits.otp_cooldown_secs,
        "expires_in": state.guard.limits.otp_ttl_secs,
        "masked": sent.masked,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    otp: String,
}

/// `POST /api/v1/campaigns/{slug}/otp/verify`: checks the code before the person rates, so
/// that someone who has already taken part learns it before filling in sixty units.
pub async fn verify(
    campaign: OpenCampaign,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: VerifyRequest = super::body::read_json(&req, body, 4096).await?;
    let deps = state.deps();
    let admitted = state.gate.admit_number(deps, &campaign, &input.phone, &input.otp).await?;
    state.gate.ensure_not_taken(deps, &campaign, &admitted.respondent.key).await?;
    let class = match admitted.respondent.class {
        RespondentClass::Panel => "panel",
        _ => "public",
    };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(json!({
        "verified": true,
        "class": class,
        "valid_for": state.guard.limits.verified_ttl_secs,
    })))
}
