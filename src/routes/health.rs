//! Liveness, readiness and metrics: what orchestrators and Prometheus ask.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::routes::error::{ApiError, NoSuchAddress};
use crate::routes::state::AppState;

/// Liveness: the process answers.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Readiness: the database answers (hot state is an accelerator, so it is reported, not required).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = state.store.ping().await;
    let hot = state.hot.ping().await;
    let body = json!({
        "database": { "backend": state.store.backend(), "ok": database.is_ok() },
        "hot_state": { "backend": state.hot.backend(), "ok": hot.is_ok() },
    });
    if database.is_ok() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(body)
    }
}

/// Prometheus text exposition, on the metrics listener only (`exposure::guard` sends every
/// other request there away, and this answers 404 anywhere else).
pub async fn metrics(req: actix_web::HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if state.metrics_address != Some(req.app_config().local_addr()) {
        return actix_web::ResponseError::error_response(&ApiError::from(NoSuchAddress));
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::routes::telemetry::metrics_handle().render())
}
