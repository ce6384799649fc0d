//! The staff API, `/api/v1/admin/…`: every route needs a signed-in staff member, and the
//! role checks are made here, on the server.

mod campaigns;
mod panel;
mod progress;
mod roster;
mod session;
pub mod staff;

use actix_web::web;

use self::staff::Staff;
use crate::domain::Campaign;
use crate::error::ApiError;
use crate::routes::state::AppState;
use crate::store::AuditEntry;

pub fn scope() -> actix_web::Scope {
    web::scope("/admin")
        .route("/session", web::post().to(session::sign_in))
        .route("/session", web::get().to(session::me))
        .route("/session", web::delete().to(session::sign_out))
        .route("/campaigns", web::get().to(campaigns::list))
        .route("/campaigns/{slug}/results", web::get().to(campaigns::results))
        .route("/campaigns/{slug}/progress", web::get().to(progress::get))
        .route("/campaigns/{slug}/progress/stream", web::get().to(progress::stream))
        // The names the work-style office's other tools use for the same things.
        .route("/login", web::post().to(session::sign_in))
        .route("/logout", web::post().to(session::sign_out))
        .route("/campaigns/{slug}/monitor", web::get().to(progress::get))
        .route("/campaigns/{slug}/monitor/stream", web::get().to(progress::stream))
        .route("/campaigns/{slug}/export/{file}", web::get().to(campaigns::export))
        .route("/campaigns/{slug}/non-responders", web::get().to(panel::non_responders))
        .route("/campaigns/{slug}/feedback", web::get().to(panel::feedback))
        .route("/campaigns", web::post().to(campaigns::create))
        .route("/campaigns/from-units", web::post().to(campaigns::create_from_units))
        .route("/units-template.csv", web::get().to(campaigns::units_template))
        .route("/campaigns/{slug}", web::put().to(campaigns::update))
        .route("/campaigns/{slug}/open", web::post().to(campaigns::open))
        .route("/campaigns/{slug}/close", web::post().to(campaigns::close))
        .route("/campaigns/{slug}/formula", web::put().to(campaigns::formula))
        .route("/campaigns/{slug}/settings", web::put().to(campaigns::settings))
        .route("/audit", web::get().to(campaigns::audit))
        .route("/sms-outbox", web::get().to(progress::outbox))
        .route("/roster-template.csv", web::get().to(roster::template))
        .route("/campaigns/{slug}/roster", web::post().to(roster::import))
        .route("/campaigns/{slug}/invitations.csv", web::get().to(roster::invitations_csv))
        .route("/campaigns/{slug}/letters", web::get().to(roster::letters))
        .route("/campaigns/{slug}/invitations/{member}/reissue", web::post().to(roster::reissue))
        .route("/campaigns/{slug}/reminders", web::post().to(roster::remind))
}

/// The campaign a staff route names, or `404`.
async fn campaign(state: &AppState, slug: &str) -> Result<Campaign, ApiError> {
    state.store.campaign(slug).await?.ok_or_else(ApiError::unknown_campaign)
}

/// Appends what a staff member did to a campaign to the audit log.
async fn audit(
    state: &AppState,
    staff: &Staff,
    action: &str,
    campaign: &Campaign,
    detail: String,
) -> Result<(), ApiError> {
    let entry =
        AuditEntry { actor: staff.actor(), action: action.into(), campaign_id: Some(campaign.id), detail };
    Ok(state.store.append_audit(&entry).await?)
}

/// `422 invalid_rows`: an upload refused whole, every faulty cell in `details.rows`.
fn invalid_rows(errors: Vec<crate::spreadsheet::RowError>, what_zh: &str, what_en: &str) -> ApiError {
    let n = errors.len();
    let mut e = ApiError::new(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_rows",
        format!("{what_zh}有 {n} 处错误，未作任何改动，请修改后重新上传"),
        format!("The {what_en} has {n} faults; nothing was changed"),
    );
    e.details = Some(Box::new(serde_json::json!({ "rows": errors })));
    e
}

/// An unexpected failure behind a staff request: logged with its cause, answered `500`.
fn failed(e: anyhow::Error) -> ApiError {
    tracing::error!(error = ?e, "a staff request failed");
    ApiError::internal()
}
