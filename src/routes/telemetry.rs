//! Request logs and metrics. Request logs name the route pattern (`/api/v1/receipts/{receipt}`),
//! never the path as sent, so no token, receipt or phone number reaches a log line.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("seconds".into()),
                &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
            )
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Full("minping_writer_batch_size".into()),
                    &[1.0, 4.0, 16.0, 64.0, 128.0, 256.0, 512.0],
                )
            })
            .expect("bucket lists are not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (tests build several apps); keep ours for rendering.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Middleware: one debug line and two metrics per request, keyed by route pattern.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let response = next.call(req).await?;
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".into());
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    metrics::counter!("minping_http_requests_total", "route" => route.clone(), "status" => status.to_string()).increment(1);
    metrics::histogram!("minping_http_request_seconds", "route" => route.clone()).record(seconds);
    tracing::debug!(%method, %route, status, ms = seconds * 1000.0, "request");
    Ok(response)
}
