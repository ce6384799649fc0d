use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::{Ballot, BallotInput, Campaign, CampaignStatus, Receipt};
use crate::error::ApiError;
use crate::identity::{self, IdentifyError};
use crate::intake::{Intake, IntakeError};
use crate::startup::AppState;

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
    let respondent =
        identity::panel_member(state.store.as_ref(), &state.secret, campaign.id, input.invitation.as_deref())
            .await
            .map_err(identify_error)?;
    let proposed = match input.receipt.as_deref() {
        Some(raw) => Some(Receipt::parse(raw).ok_or_else(ApiError::bad_receipt)?),
        None => None,
    };
    let intake = Intake { store: state.store.as_ref(), hot: state.hot.as_ref(), writer: &state.writer };
    let receipt = intake.submit(campaign, respondent, ballot, proposed).await.map_err(|e| match e {
        IntakeError::AlreadyTaken => ApiError::already_used(),
        IntakeError::InFlight => ApiError::in_flight(),
        IntakeError::ReceiptTaken => ApiError::receipt_taken(),
        IntakeError::Closed => ApiError::closed(),
        IntakeError::Write(e) => e.into(),
        IntakeError::Store(e) => e.into(),
    })?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "receipt": receipt.display() })))
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
