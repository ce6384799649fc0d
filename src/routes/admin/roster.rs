//! The panel roster and its invitations, for staff.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::staff::Staff;
use super::{audit, campaign, failed};
use crate::domain::{Campaign, CampaignStatus};
use crate::error::ApiError;
use crate::panel::reminders::{self, Filter, Sender};
use crate::panel::roster::{self, InvitationLine, IssueError};
use crate::routes::state::AppState;

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
    slug: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let campaign = campaign(&state, &slug).await?;
    let bytes = crate::routes::body::read_bytes(&req, body, 20 * 1024 * 1024).await?;
    let rows = roster::parse(&bytes).map_err(|errors| super::invalid_rows(errors, "名单", "roster"))?;
    let imported = roster::issue(state.store.as_ref(), &state.secret, campaign.id, &rows, &|_| {})
        .await
        .map_err(|e| match e {
            IssueError::AlreadyInvited(members) => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    "already_invited",
                    format!("{} 名成员已有邀请，未导入任何成员", members.len()),
                    format!("{} members already have an invitation; nothing was imported", members.len()),
                );
                e.details = Some(Box::new(json!({ "members": members })));
                e
            }
            IssueError::Store(s) => s.into(),
        })?;
    audit(&state, &staff, "roster.import", &campaign, format!("imported {imported} members")).await?;
    Ok(HttpResponse::Created().json(json!({ "imported": imported })))
}

/// `GET /api/v1/admin/campaigns/{slug}/invitations.csv` (admin): every member's link and short
/// code, for an SMS provider's mail-merge.
pub async fn invitations_csv(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let campaign = campaign(&state, &slug).await?;
    let lines = roster::list(state.store.as_ref(), &state.secret, &campaign, &state.public_base).await?;
    let mut body = Vec::new();
    roster::write_csv(&lines, &mut body).map_err(failed)?;
    audit(&state, &staff, "export.invitations.csv", &campaign, format!("{} invitations", lines.len()))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{slug}-invitations.csv\"")))
        .body(body))
}

/// `GET /api/v1/admin/campaigns/{slug}/letters[?member=P0001]` (admin): invitation letters to
/// print on A4 from the browser, two to a page, each with its QR code, link and short code.
pub async fn letters(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<std::collections::HashMap<String, String>>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let campaign = campaign(&state, &slug).await?;
    let mut lines = roster::list(state.store.as_ref(), &state.secret, &campaign, &state.public_base).await?;
    if let Some(member) = query.get("member") {
        lines.retain(|l| &l.member_code == member);
    }
    let survey = format!("{}/s/{}", state.public_base, campaign.slug());
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>邀请函 · {}</title>\
         <link rel=\"stylesheet\" href=\"/assets/letters.css\"></head><body>",
        escape(&campaign.definition.title)
    );
    for line in &lines {
        html.push_str(&letter(&campaign, line, &survey).map_err(failed)?);
    }
    html.push_str("</body></html>");
    audit(&state, &staff, "export.letters", &campaign, format!("{} letters", lines.len())).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self'; img-src 'self' data:",
        ))
        .body(html))
}

fn letter(campaign: &Campaign, line: &InvitationLine, survey: &str) -> anyhow::Result<String> {
    let qr = qrcode::QrCode::new(line.url.as_bytes())?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "<section class=\"letter\"><h1>{title}</h1><p class=\"to\">尊敬的评议团成员（编号 {member}）：</p>\
         <p>诚邀您参加本年度市级机关社会评议。请用手机扫描右侧二维码，或在浏览器中打开下方链接，对各单位逐一评价。\
         评议匿名进行，系统不记录您的身份与选择之间的任何联系；每份邀请只能提交一次。</p>\
         <div class=\"codes\"><div class=\"qr\">{qr}</div><div><p class=\"label\">邀请码</p><p class=\"code\">{code}</p>\
         <p class=\"label\">也可打开 {survey} 后输入邀请码</p><p class=\"url\">{url}</p></div></div>\
         <p class=\"foot\">{segment} · {district} · 请妥善保管本邀请函，遗失可联系作风办重新发放。</p></section>",
        title = escape(&campaign.definition.title),
        member = escape(&line.member_code),
        code = escape(&line.short_code),
        survey = escape(survey),
        url = escape(&line.url),
        segment = escape(&line.segment),
        district = escape(&line.district),
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `POST /api/v1/admin/campaigns/{slug}/invitations/{member}/reissue` (admin): voids the
/// member's invitation and returns the new one.
pub async fn reissue(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let (slug, member) = path.into_inner();
    let campaign = campaign(&state, &slug).await?;
    let line = (roster::reissue(state.store.as_ref(), &state.secret, &campaign, &member, &state.public_base)
        .await?)
        .ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, "unknown_member", "没有这个成员编号", "No such member")
                .field("member")
        })?;
    audit(&state, &staff, "invitation.reissue", &campaign, format!("re-issued the invitation of {member}"))
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
    slug: web::Path<String>,
    query: web::Query<ReminderQuery>,
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    staff.require_admin()?;
    let campaign = campaign(&state, &slug).await?;
    match campaign.status {
        CampaignStatus::Open => {}
        CampaignStatus::Draft => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_open",
                "评议尚未开始，不能发送催办短信",
                "The campaign has not opened; reminders go out while it runs",
            ))
        }
        CampaignStatus::Closed => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "closed",
                "评议已结束，不能再发送催办短信",
                "The campaign is closed",
            ))
        }
    }
    let bytes = crate::routes::body::read_bytes(&req, body, 20 * 1024 * 1024).await?;
    let rows = roster::parse(&bytes).map_err(|errors| super::invalid_rows(errors, "名单", "roster"))?;
    let filter = Filter { segment: query.segment.clone(), district: query.district.clone() };
    let plan =
        reminders::plan(state.store.as_ref(), &state.secret, &campaign, rows, &filter, &state.public_base)
            .await?;
    let sender = Sender {
        hot: state.hot.as_ref(),
        sms: state.gate.sms.as_ref(),
        signals: &state.guard.signals,
        limits: &state.guard.limits,
    };
    if query.dry_run {
        let c = &plan.counts;
        return Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(json!({
            "dry_run": true, "to_send": plan.reminders.len(), "budget_left": sender.budget_left(&campaign).await,
            "already_responded": c.already_responded, "without_number": c.without_number,
            "not_invited": c.not_invited, "filtered_out": c.filtered_out,
        })));
    }
    let counts = sender.send(&campaign, plan, &|_| {}).await;
    audit(&state, &staff, "roster.remind", &campaign, counts.summary(&filter)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(counts))
}
