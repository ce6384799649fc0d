//! The staff API, `/api/v1/admin/…`: every route needs a signed-in staff member, and the
//! role checks are made here, on the server (the `Staff` and `Admin` extractors).

mod approvals;
mod campaigns;
mod panel;
mod progress;
mod roster;
mod session;
pub mod staff;

use actix_web::web;

use self::staff::Staff;
use crate::domain::Campaign;
use crate::routes::error::ApiError;
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
        .route("/campaigns/{slug}/roster/{member}", web::delete().to(roster::remove))
        .route("/campaigns/{slug}/invitations/{member}/reissue", web::post().to(roster::reissue))
        .route("/campaigns/{slug}/reminders", web::post().to(roster::remind))
        .route("/campaigns/{slug}/approvals", web::get().to(approvals::list))
        .route("/campaigns/{slug}/approvals/{id}/approve", web::post().to(approvals::approve))
        .route("/campaigns/{slug}/approvals/{id}/reject", web::post().to(approvals::reject))
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
