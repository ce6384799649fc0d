//! The panel as staff follow it up: who has not answered yet, and what respondents wrote.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::staff::Staff;
use super::{campaign, failed};
use crate::campaign::tables::{self, defuse};
use crate::error::ApiError;
use crate::panel::reminders::Filter;
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
    slug: web::Path<String>,
    query: web::Query<NonResponderQuery>,
    _staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let campaign = campaign(&state, &slug).await?;
    let filter = Filter { segment: query.segment.clone(), district: query.district.clone() };
    let members: Vec<_> = (state.store.non_responders(campaign.id).await?)
        .into_iter()
        .filter(|m| filter.admits(&m.segment, &m.district))
        .collect();
    if query.format.as_deref() == Some("csv") {
        let mut body = "\u{feff}".as_bytes().to_vec();
        let mut csv = csv::Writer::from_writer(&mut body);
        csv.write_record(["成员编号", "界别", "区县"]).map_err(|e| failed(e.into()))?;
        for m in &members {
            csv.write_record([defuse(&m.member_code), defuse(&m.segment), defuse(&m.district)])
                .map_err(|e| failed(e.into()))?;
        }
        drop(csv);
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{slug}-non-responders.csv\""),
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
    slug: web::Path<String>,
    query: web::Query<FeedbackQuery>,
    _staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let campaign = campaign(&state, &slug).await?;
    let rows = tables::collect_feedback(state.store.as_ref(), &campaign).await.map_err(failed)?;
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
