//! What every answer says about how it may be used, and what each listener serves.
//!
//! - `X-Content-Type-Options: nosniff` on every response, so a browser never reads JSON or
//!   a CSV export as a page or a script;
//! - a Permissions-Policy that turns off what the pages never use (camera, microphone,
//!   location, payment, sensors);
//! - `Strict-Transport-Security` when people reach the service over HTTPS (`public_url`):
//!   TLS ends at the reverse proxy, and browsers must not fall back to plain HTTP;
//! - the metrics listener (`metrics_bind`) serves `/metrics` and nothing else; the public
//!   listener never serves metrics (`health::metrics` checks where it was asked).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use super::error::{ApiError, NoSuchAddress};
use super::state::AppState;

const PERMISSIONS: &str =
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";
/// A year, subdomains left to the deployment's own policy.
const HSTS: &str = "max-age=31536000";

/// Middleware: the headers above on every answer; anything but `/metrics` on the metrics
/// listener is not found.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let on_metrics_listener =
        state.as_ref().is_some_and(|s| s.metrics_address == Some(req.app_config().local_addr()));
    let https = state.as_ref().is_some_and(|s| s.secure_cookies);
    let mut response = if on_metrics_listener && req.path() != "/metrics" {
        let answer = actix_web::ResponseError::error_response(&ApiError::from(NoSuchAddress));
        req.into_response(answer)
    } else {
        next.call(req).await?.map_into_boxed_body()
    };
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: &'static str| {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set("x-content-type-options", "nosniff");
    set("permissions-policy", PERMISSIONS);
    if https {
        set("strict-transport-security", HSTS);
    }
    Ok(response)
}
