//! `POST /api/v1/campaigns/{slug}/invitations/status`: whether an invitation can still be
//! used. Only looks: opening a link (as SMS apps and link scanners do) never uses it up.
//! A POST, so the token travels in the body and never in a URL or an access log.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::extract::KnownCampaign;
use super::state::AppState;
use crate::routes::error::ApiError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    invitation: Option<String>,
    /// Asked for with a short code while the campaign's short codes are being guessed.
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
}

pub async fn status(
    campaign: KnownCampaign,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let query: StatusQuery = super::body::read_json(&req, body, 4096).await?;
    let client = state.guard.proxies.of_request(&req);
    let captcha =
        query.captcha_id.as_deref().map(|id| (id, query.captcha_answer.as_deref().unwrap_or_default()));
    let invitation = query.invitation.as_deref();
    let respondent = state.admission().panel_member(campaign.id, invitation, client, captcha).await?;
    let used = state.store.is_claimed(campaign.id, &respondent.key).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "status": if used { "used" } else { "unused" } })))
}
