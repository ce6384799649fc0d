//! The panel roster and its invitations, for staff.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::audit;
use super::staff::{Admin, Staff};
use crate::campaign::approvals::{self, Act};
use crate::domain::Campaign;
use crate::panel::reminders::{self, Filter};
use crate::panel::roster::{InvitationLine, ReissueError};
use crate::panel::{letters, roster};
use crate::routes::body::read_bytes;
use crate::routes::error::ApiError;
use crate::routes::extract::AdminCampaign;
use crate::routes::state::AppState;
use crate::spreadsheet::limits::MAX_FILE_BYTES;
use crate::store::Removal;

/// `GET /api/v1/admin/roster-template.csv`.
pub async fn template(_staff: Staff) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"roster-template.csv\""))
        .body(roster::template_csv())
}

/// `POST /api/v1/admin/campaigns/{slug}/roster` (admin): the body is the roster file (CSV in
/// UTF-8, or XLSX). All rows or none: every bad cell is reported with its row and column.
/// Before the campaign opens, each member gets an invitation at once, and the answer carries
/// the list and the letters — the only time they exist in clear. Once open, adding members
/// is a request for a second person's approval (`202`), carried out then.
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let rows = roster::parse(&read_bytes(&req, body, MAX_FILE_BYTES).await?)?;
    let members = roster::members(&state.secret, &rows);
    if approvals::needed(&campaign) {
        roster::all_new(state.store.as_ref(), &campaign, &members).await?;
        let act = Act::AddMembers { members };
        return super::approvals::requested(&state, &campaign, &act, &admin).await;
    }
    let lines =
        roster::import(state.store.as_ref(), &state.secret, &campaign, &members, &state.public_base, &|_| {})
            .await?;
    audit(
        &state,
        &admin,
        "roster.import",
        &campaign,
        format!("imported {} members, invitations shown once", lines.len()),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(issued(&state, &campaign, lines)?))
}

/// Credentials as they are shown, once: the lines, the list as CSV for a mail-merge and the
/// letters to print, made from the same draw.
pub fn issued(state: &AppState, campaign: &Campaign, lines: Vec<InvitationLine>) -> Result<Value, ApiError> {
    let survey = format!("{}/s/{}", state.public_base, campaign.slug());
    let letters_html = letters::page(campaign, &lines, &survey)?;
    Ok(json!({
        "imported": lines.len(),
        "csv": roster::csv_text(&lines),
        "letters_html": letters_html,
        "invitations": lines,
    }))
}

/// A request about a member who is not on the panel, or has answered, is refused at once,
/// not at approval.
async fn known_member(state: &AppState, campaign: &Campaign, member: &str) -> Result<(), ApiError> {
    roster::waiting_member(state.store.as_ref(), campaign, member).await?;
    Ok(())
}

/// `DELETE /api/v1/admin/campaigns/{slug}/roster/{member}` (admin): removes a member who has
/// not answered, with their invitation; once open, by request and approval.
pub async fn remove(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let (_, member) = path.into_inner();
    if approvals::needed(&campaign) {
        known_member(&state, &campaign, &member).await?;
        return super::approvals::requested(&state, &campaign, &Act::RemoveMember { member }, &admin).await;
    }
    match state.store.remove_invitation(campaign.id, &member).await? {
        Removal::Removed => {}
        Removal::Unknown | Removal::Responded => {
            return Err(ReissueError::UnknownMember { campaign: campaign.slug().into(), member }.into());
        }
    }
    audit(&state, &admin, "roster.remove", &campaign, format!("removed {member}")).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/admin/campaigns/{slug}/invitations/{member}/reissue` (admin): voids the
/// member's invitation and shows the new one, once, with its letter; once the campaign is
/// open, by request and approval (the approver is shown it).
pub async fn reissue(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let (_, member) = path.into_inner();
    if approvals::needed(&campaign) {
        known_member(&state, &campaign, &member).await?;
        return super::approvals::requested(&state, &campaign, &Act::Reissue { member }, &admin).await;
    }
    let line =
        roster::reissue(state.store.as_ref(), &state.secret, &campaign, &member, &state.public_base).await?;
    audit(&state, &admin, "invitation.reissue", &campaign, format!("re-issued the invitation of {member}"))
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(issued(
        &state,
        &campaign,
        vec![line],
    )?))
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
/// has not answered, passes the filters and has the number they were imported with gets an
/// SMS with a freshly issued link and short code (the old ones void; nobody sees the new),
/// within the hour's SMS budget. The numbers are used to send, never kept.
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
    let plan = reminders::plan(state.store.as_ref(), &state.secret, &campaign, rows, &filter).await?;
    let sender = state.reminder_sender();
    if query.dry_run {
        let c = &plan.counts;
        return Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(json!({
            "dry_run": true, "to_send": plan.reminders.len(), "budget_left": sender.budget_left(&campaign).await,
            "already_responded": c.already_responded, "without_number": c.without_number,
            "not_invited": c.not_invited, "filtered_out": c.filtered_out, "number_mismatch": c.number_mismatch,
            "issued_by_approval": c.issued_by_approval,
        })));
    }
    let counts = sender.send(&campaign, plan, &|_| {}).await;
    audit(&state, &admin, "roster.remind", &campaign, counts.summary(&filter)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(counts))
}
