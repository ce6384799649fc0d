//! The panel roster and its invitations, for staff.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::audit;
use super::staff::{Admin, Staff};
use crate::panel::reminders::{self, Filter};
use crate::panel::{letters, roster};
use crate::routes::body::read_bytes;
use crate::routes::error::ApiError;
use crate::routes::extract::AdminCampaign;
use crate::routes::state::AppState;
use crate::spreadsheet::limits::MAX_FILE_BYTES;

/// `GET /api/v1/admin/roster-template.csv`.
pub async fn template(_staff: Staff) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"roster-template.csv\""))
        .body(roster::template_csv())
}

/// `POST /api/v1/admin/campaigns/{slug}/roster` (admin): the body is the roster file (CSV in
/// UTF-8, or XLSX). All rows or none: every bad cell is reported with its row and column.
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let rows = roster::parse(&read_bytes(&req, body, MAX_FILE_BYTES).await?)?;
    let imported = roster::issue(state.store.as_ref(), &state.secret, campaign.id, &rows, &|_| {}).await?;
    audit(&state, &admin, "roster.import", &campaign, format!("imported {imported} members")).await?;
    Ok(HttpResponse::Created().json(json!({ "imported": imported })))
}

/// `GET /api/v1/admin/campaigns/{slug}/invitations.csv` (admin): every member's link and short
/// code, for an SMS provider's mail-merge.
pub async fn invitations_csv(
    state: web::Data<AppState>,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let lines = roster::list(state.store.as_ref(), &state.secret, &campaign, &state.public_base).await?;
    let mut body = Vec::new();
    roster::write_csv(&lines, &mut body)?;
    audit(&state, &admin, "export.invitations.csv", &campaign, format!("{} invitations", lines.len()))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}-invitations.csv\"", campaign.slug()),
        ))
        .body(body))
}

/// `GET /api/v1/admin/campaigns/{slug}/letters[?member=P0001]` (admin): invitation letters to
/// print on A4 from the browser, two to a page, each with its QR code, link and short code.
pub async fn letters(
    state: web::Data<AppState>,
    query: web::Query<std::collections::HashMap<String, String>>,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let mut lines = roster::list(state.store.as_ref(), &state.secret, &campaign, &state.public_base).await?;
    if let Some(member) = query.get("member") {
        lines.retain(|l| &l.member_code == member);
    }
    let survey = format!("{}/s/{}", state.public_base, campaign.slug());
    let html = letters::page(&campaign, &lines, &survey)?;
    audit(&state, &admin, "export.letters", &campaign, format!("{} letters", lines.len())).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self'; img-src 'self' data:",
        ))
        .body(html))
}

/// `POST /api/v1/admin/campaigns/{slug}/invitations/{member}/reissue` (admin): voids the
/// member's invitation and returns the new one.
pub async fn reissue(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let (_, member) = path.into_inner();
    let line =
        roster::reissue(state.store.as_ref(), &state.secret, &campaign, &member, &state.public_base).await?;
    audit(&state, &admin, "invitation.reissue", &campaign, format!("re-issued the invitation of {member}"))
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(line))
}

#[derive(serde::Deserialize)]
pub struct ReminderQuery {
    segment: Option<String>,
    district: Option<String>,
    /// `true`: say how many would be sent, and the budget left, without sending.
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/v1/admin/campaigns/{slug}/reminders[?segment=&district=&dry_run=true]` (admin):
/// the body is the roster file (as for the import). Each member of the file who is invited,
/// has not answered, passes the filters and has a number gets an SMS with their current link
/// and short code, within the hour's SMS budget. The numbers are used to send, never kept.
pub async fn remind(
    state: web::Data<AppState>,
    query: web::Query<ReminderQuery>,
    req: HttpRequest,
    body: web::Payload,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    // Refused before the file is read: a campaign that is not running takes no reminders.
    reminders::may_send(&campaign)?;
    let rows = roster::parse(&read_bytes(&req, body, MAX_FILE_BYTES).await?)?;
    let filter = Filter { segment: query.segment.clone(), district: query.district.clone() };
    let plan =
        reminders::plan(state.store.as_ref(), &state.secret, &campaign, rows, &filter, &state.public_base)
            .await?;
    let sender = state.reminder_sender();
    if query.dry_run {
        let c = &plan.counts;
        return Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(json!({
            "dry_run": true, "to_send": plan.reminders.len(), "budget_left": sender.budget_left(&campaign).await,
            "already_responded": c.already_responded, "without_number": c.without_number,
            "not_invited": c.not_invited, "filtered_out": c.filtered_out,
        })));
    }
    let counts = sender.send(&campaign, plan, &|_| {}).await;
    audit(&state, &admin, "roster.remind", &campaign, counts.summary(&filter)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(counts))
}
