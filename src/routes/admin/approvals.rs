//! Two people for sensitive acts (双人复核): the requests of a campaign, and deciding them.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::roster::issued;
use super::staff::{Admin, Staff};
use crate::campaign::approvals::{self, Act, Means};
use crate::domain::Campaign;
use crate::routes::error::ApiError;
use crate::routes::extract::AdminCampaign;
use crate::routes::state::AppState;

/// Files `act` as a request and answers `202 {"approval": …}`: nothing happens until
/// someone else approves it.
pub async fn requested(
    state: &AppState,
    campaign: &Campaign,
    act: &Act,
    admin: &Admin,
) -> Result<HttpResponse, ApiError> {
    let approval = approvals::request(state.store.as_ref(), campaign, act, &admin.0.actor()).await?;
    Ok(HttpResponse::Accepted().json(json!({ "approval": approval })))
}

/// `GET /api/v1/admin/campaigns/{slug}/approvals` (staff): the campaign's requests, newest
/// first, pending or decided, with who asked and who decided.
pub async fn list(
    state: web::Data<AppState>,
    AdminCampaign(campaign, _staff): AdminCampaign<Staff>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.store.approvals(campaign.id).await?))
}

/// `POST /api/v1/admin/campaigns/{slug}/approvals/{id}/approve` (admin or auditor, never the
/// requester): carries the act out. Credentials it issued are in the answer, shown this once.
pub async fn approve(
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
    AdminCampaign(campaign, staff): AdminCampaign<Staff>,
) -> Result<HttpResponse, ApiError> {
    decide(&state, &campaign, path.into_inner().1, true, &staff).await
}

/// `POST /api/v1/admin/campaigns/{slug}/approvals/{id}/reject` (admin or auditor, never the
/// requester).
pub async fn reject(
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
    AdminCampaign(campaign, staff): AdminCampaign<Staff>,
) -> Result<HttpResponse, ApiError> {
    decide(&state, &campaign, path.into_inner().1, false, &staff).await
}

async fn decide(
    state: &AppState,
    campaign: &Campaign,
    id: i64,
    approve: bool,
    staff: &Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_audit()?;
    let means = Means { store: state.store.as_ref(), secret: &state.secret, base_url: &state.public_base };
    let decision = approvals::decide(&means, campaign, id, approve, &staff.actor()).await?;
    let mut body = json!({ "approval": decision.approval });
    if !decision.invitations.is_empty() {
        let shown = issued(state, campaign, decision.invitations)?;
        body.as_object_mut().expect("an object").extend(shown.as_object().expect("an object").clone());
    }
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(body))
}
