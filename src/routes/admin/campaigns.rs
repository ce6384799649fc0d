//! Campaigns for staff: the list, results and downloads, and each step of a campaign's life
//! (create, replace, settings, formula, open, close) — each one call to the campaign service.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::audit as record;
use super::staff::{Admin, Staff};
use crate::campaign::approvals::{self, Act};
use crate::campaign::downloads::{self, Download};
use crate::campaign::lifecycle;
use crate::campaign::results::{self, View};
use crate::domain::CampaignDefinition;
use crate::routes::body::{read_bytes, read_json};
use crate::routes::error::ApiError;
use crate::routes::extract::AdminCampaign;
use crate::routes::state::AppState;
use crate::scoring::formula::Formula;
use crate::spreadsheet::limits::MAX_CAMPAIGN_FILE_BYTES;

/// `GET /api/v1/admin/campaigns`: every campaign with its ballots so far.
pub async fn list(state: web::Data<AppState>, _staff: Staff) -> Result<HttpResponse, ApiError> {
    let mut campaigns = Vec::new();
    for summary in state.store.campaigns().await? {
        let ballots = state.store.ballot_count(summary.id).await?;
        let invitations = state.store.invitation_count(summary.id).await?;
        campaigns.push(json!({
            "slug": summary.slug, "title": summary.title, "status": summary.status,
            "ballots": ballots, "invitations": invitations,
        }));
    }
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(campaigns))
}

#[derive(Deserialize)]
pub struct ResultsQuery {
    /// `include` / `exclude`: the results as they would be with flagged ballots counted or not.
    flagged: Option<String>,
}

/// `GET /api/v1/admin/campaigns/{slug}/results[?flagged=include|exclude]`: provisional while
/// open, final once closed; with `flagged`, what the results would be with flagged ballots
/// counted or not.
pub async fn results(
    state: web::Data<AppState>,
    query: web::Query<ResultsQuery>,
    campaign: AdminCampaign,
) -> Result<HttpResponse, ApiError> {
    let view = View::parse(query.flagged.as_deref())?;
    let report = results::view(state.store.as_ref(), &campaign, view).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(report))
}

/// `GET /api/v1/admin/campaigns/{slug}/export/{file}`: `results.csv`, `results.xlsx`,
/// `results.json`, `ballots.jsonl` (closed campaigns) or `receipts.txt`, as a download.
pub async fn export(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    AdminCampaign(campaign, staff): AdminCampaign,
) -> Result<HttpResponse, ApiError> {
    let (slug, file) = path.into_inner();
    let download = Download::named(&file)?;
    let mut body = Vec::new();
    downloads::write(state.store.as_ref(), &campaign, download, &mut body).await?;
    record(&state, &staff, &format!("export.{file}"), &campaign, format!("{} bytes", body.len())).await?;
    Ok(HttpResponse::Ok()
        .content_type(download.content_type())
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{slug}-{file}\"")))
        .body(body))
}

/// `POST /api/v1/admin/campaigns` (admin): creates a draft from a campaign file (TOML, as
/// `docs/CAMPAIGNS.md` describes) sent as the body.
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let definition = CampaignDefinition::from_file(&read_bytes(&req, body, MAX_CAMPAIGN_FILE_BYTES).await?)?;
    let id =
        lifecycle::create(state.store.as_ref(), &definition, false, &admin.actor(), "the staff API").await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "slug": definition.slug, "status": "draft" })))
}

#[derive(Deserialize)]
pub struct FromUnits {
    slug: String,
    title: String,
}

/// `POST /api/v1/admin/campaigns/from-units?slug=&title=` (admin): creates a draft from a
/// unit list (CSV or XLSX, the body) with the default scale and formula. Every row or none.
pub async fn create_from_units(
    state: web::Data<AppState>,
    query: web::Query<FromUnits>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let bytes = read_bytes(&req, body, 5 * 1024 * 1024).await?;
    let definition = crate::campaign::unit_list::parse(&bytes, &query.slug, &query.title)?;
    let id =
        lifecycle::create(state.store.as_ref(), &definition, false, &admin.actor(), "a unit list").await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "slug": definition.slug, "status": "draft" })))
}

/// `GET /api/v1/admin/units-template.csv`.
pub async fn units_template(_staff: Staff) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"units-template.csv\""))
        .body(crate::campaign::unit_list::template_csv())
}

/// `PUT /api/v1/admin/campaigns/{slug}` (admin): replaces a draft with a new version of its
/// campaign file (TOML, the body; same slug). `409 not_draft` once it has opened.
pub async fn update(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let definition = CampaignDefinition::from_file(&read_bytes(&req, body, MAX_CAMPAIGN_FILE_BYTES).await?)?;
    lifecycle::replace_draft(state.store.as_ref(), &slug, &definition, &admin.actor()).await?;
    state.catalog.forget(&slug);
    Ok(HttpResponse::NoContent().finish())
}

/// `PUT /api/v1/admin/campaigns/{slug}/settings` (admin): the settings that may change
/// while the campaign runs — public channel, dates, response target — as JSON, whole.
pub async fn settings(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let settings: crate::domain::CampaignSettings = read_json(&req, body, 16 * 1024).await?;
    // Once open, moving k waits for a second person: refused now if it would be refused then.
    let campaign = crate::campaign::find(state.store.as_ref(), &slug).await?;
    if approvals::needed(&campaign) && lifecycle::settings_need_approval(&campaign, &settings) {
        lifecycle::check_settings(&campaign, settings.clone())?;
        return super::approvals::requested(&state, &campaign, &Act::Settings { settings }, &admin).await;
    }
    lifecycle::change_settings(state.store.as_ref(), &slug, settings, &admin.actor()).await?;
    state.catalog.forget(&slug);
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/admin/campaigns/{slug}/open` (admin).
pub async fn open(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    lifecycle::open(state.store.as_ref(), &slug, &admin.actor()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/admin/campaigns/{slug}/close` (admin): stops intake, freezes the results.
pub async fn close(
    state: web::Data<AppState>,
    AdminCampaign(campaign, admin): AdminCampaign<Admin>,
) -> Result<HttpResponse, ApiError> {
    let report = results::close(state.store.as_ref(), &state.sealer, &campaign, &admin.actor()).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaChange {
    formula: Formula,
    #[serde(default)]
    override_reason: Option<String>,
}

/// `PUT /api/v1/admin/campaigns/{slug}/formula` (admin).
pub async fn formula(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let change: FormulaChange = read_json(&req, body, 64 * 1024).await?;
    let reason = change.override_reason.as_deref();
    let campaign = crate::campaign::find(state.store.as_ref(), &slug).await?;
    if approvals::needed(&campaign) {
        lifecycle::check_formula(&campaign, change.formula.clone(), reason)?;
        let act =
            Act::Formula { formula: change.formula, reason: reason.unwrap_or_default().trim().to_owned() };
        return super::approvals::requested(&state, &campaign, &act, &admin).await;
    }
    lifecycle::change_formula(state.store.as_ref(), &slug, change.formula, reason, &admin.actor()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
pub struct AuditQuery {
    campaign: Option<String>,
}

/// `GET /api/v1/admin/audit[?campaign=slug]` (admin, auditor).
pub async fn audit(
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_audit()?;
    let campaign_id = match &query.campaign {
        Some(slug) => Some(crate::campaign::find(state.store.as_ref(), slug).await?.id),
        None => None,
    };
    let slugs: std::collections::HashMap<i64, String> =
        state.store.campaigns().await?.into_iter().map(|c| (c.id, c.slug)).collect();
    let entries: Vec<_> = (state.store.audit_log(campaign_id).await?)
        .into_iter()
        .map(|e| {
            let campaign = e.campaign_id.and_then(|id| slugs.get(&id).cloned());
            json!({ "id": e.id, "at": e.at, "actor": e.actor, "action": e.action,
                    "campaign_id": e.campaign_id, "campaign": campaign, "detail": e.detail,
                    "prev_hash": e.prev_hash, "hash": e.hash })
        })
        .collect();
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(entries))
}
