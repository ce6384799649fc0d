//! The live view for staff: the figures once or as a stream, and the SMS outbox.

use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};

use super::staff::{Admin, Staff};
use crate::routes::error::ApiError;
use crate::routes::extract::AdminCampaign;
use crate::routes::state::AppState;

/// Seconds between two updates of the live stream.
const EVERY: Duration = Duration::from_secs(3);

/// `GET /api/v1/admin/campaigns/{slug}/progress`: the live figures, once.
pub async fn get(state: web::Data<AppState>, campaign: AdminCampaign) -> Result<HttpResponse, ApiError> {
    let json = state.progress.json(state.sources(), &campaign).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "no-store"))
        .body(json.to_string()))
}

/// `GET /api/v1/admin/campaigns/{slug}/progress/stream`: the same figures as Server-Sent
/// Events (`event: progress`), every three seconds, while the page is open and the session
/// lasts (signing out ends the stream).
pub async fn stream(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    state.catalog.find(&slug).await?;
    let session = staff.still_valid();
    let events = futures_util::stream::unfold(
        (state, slug, session, true),
        |(state, slug, session, first)| async move {
            if !first {
                tokio::time::sleep(EVERY).await;
            }
            if !session.check(&state).await {
                return None;
            }
            let event = next_event(&state, &slug).await;
            Some((Ok::<_, actix_web::Error>(Bytes::from(event)), (state, slug, session, false)))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events))
}

async fn next_event(state: &AppState, slug: &str) -> String {
    match state.catalog.get(slug).await {
        Ok(Some(campaign)) => match state.progress.json(state.sources(), &campaign).await {
            Ok(json) => format!("event: progress\ndata: {json}\n\n"),
            Err(e) => {
                tracing::warn!(error = ?e, "live progress failed");
                ": the figures could not be read; retrying\n\n".to_owned()
            }
        },
        _ => ": the campaign is not available; retrying\n\n".to_owned(),
    }
}

/// `GET /api/v1/admin/sms-outbox` (admin): the latest messages of the outbox gateway, for
/// trying the public channel without an SMS provider. Numbers are masked, and outside the demo
/// the text (codes, links) is withheld; with any other gateway the list is empty.
pub async fn outbox(state: web::Data<AppState>, _admin: Admin) -> HttpResponse {
    let gateway = match state.gate.sms.kind() {
        crate::sms::GatewayKind::Outbox => "outbox",
        crate::sms::GatewayKind::Webhook => "webhook",
        crate::sms::GatewayKind::Loadtest => "loadtest",
        crate::sms::GatewayKind::Unconfigured => "unconfigured",
    };
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({ "gateway": gateway, "messages": state.gate.sms.recent() }))
}
