use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::staff::Staff;
use super::{audit as record, campaign, failed};
use crate::campaign::lifecycle::{self, LifecycleError};
use crate::campaign::tables;
use crate::domain::CampaignStatus;
use crate::error::ApiError;
use crate::export::ballots;
use crate::routes::state::AppState;
use crate::scoring::formula::Formula;

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

/// `GET /api/v1/admin/campaigns/{slug}/results[?flagged=include|exclude]`: provisional while
/// open, final once closed; with `flagged`, what the results would be with flagged ballots
/// counted or not.
pub async fn results(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ResultsQuery>,
    _staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let campaign = campaign(&state, &slug).await?;
    let store = state.store.as_ref();
    let report = match query.flagged.as_deref() {
        None => crate::campaign::results::report(store, &campaign).await,
        Some("include") => crate::campaign::results::what_if_flagged(store, &campaign, true).await,
        Some("exclude") => crate::campaign::results::what_if_flagged(store, &campaign, false).await,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_query",
                "flagged 只能是 include 或 exclude",
                "flagged must be include or exclude",
            )
            .field("flagged"))
        }
    }
    .map_err(failed)?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(report))
}

#[derive(serde::Deserialize)]
pub struct ResultsQuery {
    /// `include` / `exclude`: the results as they would be with flagged ballots counted or not.
    flagged: Option<String>,
}

/// `GET /api/v1/admin/campaigns/{slug}/export/{file}`: `results.csv`, `results.xlsx`,
/// `results.json`, `ballots.jsonl` (closed campaigns) or `receipts.txt`, as a download.
pub async fn export(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let (slug, file) = path.into_inner();
    let campaign = campaign(&state, &slug).await?;
    let store = state.store.as_ref();
    let mut body = Vec::new();
    let content_type = match file.as_str() {
        "results.csv" | "results.json" | "results.xlsx" => {
            let report = crate::campaign::results::report(store, &campaign).await.map_err(failed)?;
            match file.as_str() {
                "results.csv" => tables::write_csv(&report, &mut body).map_err(failed)?,
                "results.json" => tables::write_json(&report, &mut body).map_err(failed)?,
                _ => {
                    let feedback = tables::collect_feedback(store, &campaign).await.map_err(failed)?;
                    tables::write_xlsx(&report, &feedback, &mut body).map_err(failed)?
                }
            }
            match file.as_str() {
                "results.csv" => "text/csv; charset=utf-8",
                "results.json" => "application/json",
                _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        }
        "ballots.jsonl" => {
            if store.final_results(campaign.id).await?.is_none() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "not_closed",
                    "评议结束并封存结果后才能导出匿名选票",
                    "The anonymised ballots are exported once the campaign is closed",
                ));
            }
            ballots::write(store, &campaign, &mut body).await.map_err(failed)?;
            "application/x-ndjson; charset=utf-8"
        }
        "receipts.txt" => {
            ballots::write_receipts(store, &campaign, &mut body).await.map_err(failed)?;
            "text/plain; charset=utf-8"
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "没有这种导出文件",
                "No such export",
            ))
        }
    };
    record(&state, &staff, &format!("export.{file}"), &campaign, format!("{} bytes", body.len())).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
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
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let definition = campaign_file(&req, body).await?;
    let id = lifecycle::create(state.store.as_ref(), &definition, false, &staff.actor(), "the staff API")
        .await
        .map_err(lifecycle_error)?;
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
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let bytes = crate::routes::body::read_bytes(&req, body, 5 * 1024 * 1024).await?;
    let definition = crate::campaign::unit_list::parse(&bytes, &query.slug, &query.title)
        .map_err(|errors| super::invalid_rows(errors, "单位名单", "unit list"))?;
    let id = lifecycle::create(state.store.as_ref(), &definition, false, &staff.actor(), "a unit list")
        .await
        .map_err(lifecycle_error)?;
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
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let definition = campaign_file(&req, body).await?;
    if definition.slug != *slug {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "slug_mismatch",
            format!("活动文件的标识“{}”与地址中的“{slug}”不一致", definition.slug),
            format!("The file's slug `{}` is not `{slug}`", definition.slug),
        )
        .field("slug"));
    }
    lifecycle::update_draft(state.store.as_ref(), &definition, &staff.actor())
        .await
        .map_err(lifecycle_error)?;
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
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let settings: crate::domain::CampaignSettings =
        crate::routes::body::read_json(&req, body, 16 * 1024).await?;
    lifecycle::change_settings(state.store.as_ref(), &slug, settings, &staff.actor())
        .await
        .map_err(lifecycle_error)?;
    state.catalog.forget(&slug);
    Ok(HttpResponse::NoContent().finish())
}

/// A campaign file (TOML) from a request body, validated.
async fn campaign_file(
    req: &HttpRequest,
    body: web::Payload,
) -> Result<crate::domain::CampaignDefinition, ApiError> {
    let bytes = crate::routes::body::read_bytes(req, body, 1024 * 1024).await?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_file",
            "活动文件须为 UTF-8 编码的 TOML",
            "The campaign file must be UTF-8 TOML",
        )
    })?;
    crate::domain::CampaignDefinition::from_toml(text).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_campaign",
            format!("活动文件有误：{e:#}"),
            format!("The campaign file is not valid: {e:#}"),
        )
    })
}

/// `POST /api/v1/admin/campaigns/{slug}/open` (admin).
pub async fn open(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    lifecycle::open(state.store.as_ref(), &slug, &staff.actor()).await.map_err(lifecycle_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/admin/campaigns/{slug}/close` (admin): stops intake, freezes the results.
pub async fn close(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let campaign = campaign(&state, &slug).await?;
    if campaign.status == CampaignStatus::Draft {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_open",
            "本次评议尚未开始",
            "This campaign has not opened",
        ));
    }
    let report =
        crate::campaign::results::close(state.store.as_ref(), &slug, &staff.actor()).await.map_err(failed)?;
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
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let change: FormulaChange = crate::routes::body::read_json(&req, body, 64 * 1024).await?;
    lifecycle::change_formula(
        state.store.as_ref(),
        &slug,
        change.formula,
        change.override_reason.as_deref(),
        &staff.actor(),
    )
    .await
    .map_err(lifecycle_error)?;
    Ok(HttpResponse::NoContent().finish())
}

fn lifecycle_error(e: LifecycleError) -> ApiError {
    let conflict =
        |code, zh: &str, e: &LifecycleError| ApiError::new(StatusCode::CONFLICT, code, zh, e.to_string());
    match e {
        LifecycleError::UnknownCampaign(_) => ApiError::unknown_campaign(),
        LifecycleError::NotDraft(_) => conflict("not_draft", "只有草稿状态的评议可以开始或整体替换", &e),
        LifecycleError::NeedsOverride(_) => {
            conflict("needs_override", "评议已开始，修改计分规则须填写理由（将记入审计日志）", &e)
                .field("override_reason")
        }
        LifecycleError::Frozen(_) => conflict("frozen", "评议已结束，结果已封存，计分规则不能再修改", &e),
        LifecycleError::Invalid(crate::domain::campaign::DefinitionError::Settings(ref s)) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_settings", s.message_zh(), s.to_string())
                .field(s.field())
        }
        LifecycleError::Invalid(ref d) => {
            let field = match d {
                crate::domain::campaign::DefinitionError::Formula(f) => format!("formula.{}", f.field()),
                _ => "formula".into(),
            };
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_formula",
                format!("计分规则有误：{d}"),
                d.to_string(),
            )
            .field(field)
        }
        LifecycleError::Store(crate::store::StoreError::CampaignExists(slug)) => ApiError::new(
            StatusCode::CONFLICT,
            "campaign_exists",
            format!("已有标识为“{slug}”的评议活动"),
            format!("A campaign `{slug}` already exists"),
        )
        .field("slug"),
        LifecycleError::Store(s) => s.into(),
    }
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
        Some(slug) => Some(campaign(&state, slug).await?.id),
        None => None,
    };
    let slugs: std::collections::HashMap<i64, String> =
        state.store.campaigns().await?.into_iter().map(|c| (c.id, c.slug)).collect();
    let entries: Vec<_> = (state.store.audit_log(campaign_id).await?)
        .into_iter()
        .map(|e| {
            let campaign = e.campaign_id.and_then(|id| slugs.get(&id).cloned());
            json!({ "id": e.id, "at": e.at, "actor": e.actor, "action": e.action,
                    "campaign_id": e.campaign_id, "campaign": campaign, "detail": e.detail })
        })
        .collect();
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(entries))
}
