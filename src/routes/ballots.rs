//! `POST /api/v1/campaigns/{slug}/ballots`: answers 201 with a receipt once the ballot is
//! committed. The whole ballot is checked before its credential, so a bad ballot never
//! uses one up.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

use super::extract::OpenCampaign;
use super::state::AppState;
use crate::domain::{Ballot, BallotInput, Receipt};
use crate::identity::device;
use crate::intake::{admit::AdmitError, gate::PublicError};
use crate::routes::error::ApiError;

pub async fn submit(
    campaign: OpenCampaign,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: BallotInput = super::body::read_json(&req, body, state.max_body_bytes).await?;
    let ballot = Ballot::parse(&campaign, &input)?;
    let proposed = input.receipt.as_deref().map(Receipt::parse_proposed).transpose()?;
    let client = state.guard.proxies.of_request(&req);
    let cookie = req.cookie(device::COOKIE);
    let admitted = match (state.admission())
        .admit(&campaign, &input, &ballot, cookie.as_ref().map(|c| c.value()), client)
        .await
    {
        // Refused, and dropped: the next try starts as a new device, captcha and limits included.
        Err(e @ AdmitError::Public(PublicError::ForgedDevice)) => {
            let mut answer = ApiError::from(e).error_response();
            // A fixed name and path always make a valid header.
            let _ = answer.add_removal_cookie(&Cookie::build(device::COOKIE, "").path("/").finish());
            return Ok(answer);
        }
        admitted => admitted?,
    };
    let new_device = admitted.device.clone().filter(|d| d.is_new);
    let receipt = state.intake().submit(campaign.0.clone(), admitted, ballot, proposed).await?;

    let mut response = HttpResponse::Created();
    response.insert_header(("Cache-Control", "no-store"));
    if let Some(device) = new_device {
        let cookie = Cookie::build(device::COOKIE, device.cookie_value(&state.secret))
            .path("/")
            .http_only(true)
            .secure(state.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::seconds(device::MAX_AGE_SECS))
            .finish();
        response.cookie(cookie);
    }
    Ok(response.json(json!({ "receipt": receipt.display() })))
}
