//! The panel as staff follow it up: who has not answered yet, and what respondents wrote.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::campaign::tables;
use crate::panel::non_responders;
use crate::panel::reminders::Filter;
use crate::routes::error::ApiError;
use crate::routes::extract::AdminCampaign;
use crate::routes::state::AppState;

#[derive(Deserialize)]
pub struct NonResponderQuery {
    segment: Option<String>,
    district: Option<String>,
    /// `csv` for a download (UTF-8 with BOM, for Excel); JSON otherwise.
    format: Option<String>,
}

/// `GET /api/v1/admin/campaigns/{slug}/non-responders[?segment=&district=&format=csv]`:
/// member codes that have no counted ballot, for reminder calls.
pub async fn non_responders(
    state: web::Data<AppState>,
    query: web::Query<NonResponderQuery>,
    campaign: AdminCampaign,
) -> Result<HttpResponse, ApiError> {
    let filter = Filter { segment: query.segment.clone(), district: query.district.clone() };
    let members = non_responders::list(state.store.as_ref(), campaign.id, &filter).await?;
    if query.format.as_deref() == Some("csv") {
        let mut body = Vec::new();
        non_responders::write_csv(&members, &mut body)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{}-non-responders.csv\"", campaign.slug()),
            ))
            .body(body));
    }
    let list: Vec<_> = members
        .iter()
        .map(|m| json!({ "member_code": m.member_code, "segment": m.segment, "district": m.district }))
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "count": list.len(), "members": list })))
}

#[derive(Deserialize)]
pub struct FeedbackQuery {
    /// Only texts containing this.
    q: Option<String>,
    /// Only reasons about this unit.
    unit: Option<String>,
}

/// `GET /api/v1/admin/campaigns/{slug}/feedback[?q=&unit=]`: the reasons given for
/// 不满意, per unit, and the suggestions. Plain text: pages render it escaped.
pub async fn feedback(
    state: web::Data<AppState>,
    query: web::Query<FeedbackQuery>,
    campaign: AdminCampaign,
) -> Result<HttpResponse, ApiError> {
    let rows = tables::collect_feedback(state.store.as_ref(), &campaign).await?;
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let items: Vec<_> = rows
        .iter()
        .filter(|r| needle.is_none_or(|q| r.text.contains(q)))
        .filter(|r| query.unit.as_deref().is_none_or(|u| r.unit.as_ref().is_some_and(|(code, _)| code == u)))
        .map(|r| match &r.unit {
            Some((code, name)) => {
                json!({ "kind": "reason", "unit": code, "unit_name": name, "text": r.text })
            }
            None => json!({ "kind": "suggestion", "unit": null, "unit_name": null, "text": r.text }),
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "count": items.len(), "items": items })))
}
