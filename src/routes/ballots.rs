use std::net::IpAddr;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::{Ballot, BallotInput, Campaign, CampaignStatus, Receipt, RespondentClass};
use crate::error::ApiError;
use crate::guard::signals;
use crate::identity::device::{self, Device};
use crate::identity::{self, IdentifyError, Respondent};
use crate::intake::{Intake, IntakeError};
use crate::server::AppState;

/// `POST /api/v1/campaigns/{slug}/ballots`: answers 201 with a receipt once the ballot is committed.
pub async fn submit(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let campaign = state.catalog.get(&slug).await?.ok_or_else(ApiError::unknown_campaign)?;
    ensure_open(&campaign)?;
    let input: BallotInput = super::body::read_json(&req, body, state.max_body_bytes).await?;
    // The whole ballot is checked before the credential, so a bad ballot never uses it up.
    let ballot = Ballot::parse(&campaign, &input)?;
    let proposed = match input.receipt.as_deref() {
        Some(raw) => Some(Receipt::parse(raw).ok_or_else(ApiError::bad_receipt)?),
        None => None,
    };
    let client = state.gate.proxies.of_request(&req);
    let (respondent, flagged, device, credential) =
        admit(&state, &campaign, &input, &ballot, &req, client).await?;

    let intake = Intake { store: state.store.as_ref(), hot: state.hot.as_ref(), writer: &state.writer };
    let receipt = intake.submit(campaign.clone(), respondent, ballot, proposed, flagged).await.map_err(
        |e| match e {
            IntakeError::AlreadyTaken => {
                state.gate.signals.record(campaign.id, signals::DUPLICATE_REFUSED);
                match credential {
                    Credential::Invitation => ApiError::already_used(),
                    Credential::Phone => ApiError::already_taken_part("phone"),
                    Credential::Device => ApiError::already_taken_part("device"),
                }
            }
            IntakeError::InFlight => ApiError::in_flight(),
            IntakeError::ReceiptTaken => ApiError::receipt_taken(),
            IntakeError::Closed => ApiError::closed(),
            IntakeError::Write(e) => e.into(),
            IntakeError::Store(e) => e.into(),
        },
    )?;
    let mut response = HttpResponse::Created();
    response.insert_header(("Cache-Control", "no-store"));
    if let Some(device) = device.filter(|d| d.is_new) {
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

/// Which credential a ballot carries.
#[derive(Clone, Copy)]
enum Credential {
    Invitation,
    Phone,
    Device,
}

/// Turns the ballot's credential into a respondent: a panel invitation, a verified
/// number, or (device mode) a captcha and the device cookie. Public ballots are also
/// checked for how they arrived, and flagged when suspicious.
async fn admit(
    state: &AppState,
    campaign: &Campaign,
    input: &BallotInput,
    ballot: &Ballot,
    req: &HttpRequest,
    client: Option<IpAddr>,
) -> Result<(Respondent, bool, Option<Device>, Credential), ApiError> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let credential = match (given(&input.invitation), given(&input.phone), given(&input.captcha_id)) {
        (true, false, false) => Credential::Invitation,
        (false, true, false) => Credential::Phone,
        (false, false, true) => Credential::Device,
        (false, false, false) => return Err(identify_error(IdentifyError::Missing)),
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "mixed_credentials",
                "一份评价只能使用一种参与方式（邀请码、手机号或设备验证）",
                "A ballot carries one credential: an invitation, a phone number, or a device captcha",
            )
            .field("invitation"))
        }
    };
    let deps = super::otp::deps(state);
    let gate = &state.gate;
    let admitted = match credential {
        Credential::Invitation => {
            let respondent = panel_member(state, campaign.id, input.invitation.as_deref(), client).await?;
            return Ok((respondent, false, None, credential));
        }
        Credential::Phone => {
            gate.charge_submit(state.hot.as_ref(), campaign.id, client).await?;
            let otp = input.otp.as_deref().unwrap_or_default();
            let phone = input.phone.as_deref().unwrap_or_default();
            gate.admit_number(deps, campaign, phone, otp).await?
        }
        Credential::Device => {
            gate.charge_submit(state.hot.as_ref(), campaign.id, client).await?;
            let cookie = req.cookie(device::COOKIE);
            let answer = input.captcha_answer.as_deref().unwrap_or_default();
            let id = input.captcha_id.as_deref().unwrap_or_default();
            gate.admit_device(deps, campaign, cookie.as_ref().map(|c| c.value()), id, answer, client).await?
        }
    };
    let flagged = gate
        .suspicious(
            state.hot.as_ref(),
            campaign.id,
            ballot,
            admitted.began_ms,
            input.homepage.as_deref(),
            client,
        )
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "abuse checks skipped without hot state");
            false
        });
    let mut respondent = admitted.respondent;
    // The public's district is the one they chose, if any. A panel member who came by phone
    // keeps the roster's, and one they chose is ignored, not refused: nothing told them
    // their number was on the roster before they answered the question.
    if respondent.class != RespondentClass::Panel {
        respondent.district = ballot.district.clone();
    }
    Ok((respondent, flagged, admitted.device, credential))
}

/// The panel member an invitation names; unknown invitations count against the address,
/// so short codes cannot be guessed at speed.
pub async fn panel_member(
    state: &AppState,
    campaign_id: i64,
    invitation: Option<&str>,
    client: Option<IpAddr>,
) -> Result<Respondent, ApiError> {
    state.gate.check_guessing(campaign_id, client)?;
    match identity::panel_member(state.store.as_ref(), &state.secret, campaign_id, invitation).await {
        Ok(respondent) => Ok(respondent),
        Err(IdentifyError::UnknownInvitation) => {
            state.gate.invitation_failed(state.hot.as_ref(), campaign_id, client).await?;
            Err(ApiError::unknown_invitation())
        }
        Err(e) => Err(identify_error(e)),
    }
}

pub fn ensure_open(campaign: &Campaign) -> Result<(), ApiError> {
    match campaign.status {
        CampaignStatus::Open => Ok(()),
        CampaignStatus::Closed => Err(ApiError::closed()),
        CampaignStatus::Draft => Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_open",
            "本次评议尚未开始",
            "This campaign has not opened yet",
        )),
    }
}

pub fn identify_error(e: IdentifyError) -> ApiError {
    match e {
        IdentifyError::Missing => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_invitation",
            "请提供邀请链接或邀请码",
            "An invitation token or short code is required",
        )
        .field("invitation"),
        IdentifyError::UnknownInvitation => ApiError::unknown_invitation(),
        IdentifyError::Store(e) => e.into(),
    }
}
