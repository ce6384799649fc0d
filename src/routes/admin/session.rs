//! Signing in and out of the staff console. A sign-in may be answered `401 otp_required`
//! (send the authenticator's code too) or `401 captcha_required` (the name has had many tries:
//! send a captcha from `GET /api/v1/captcha` with its answer).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::staff::{self, Staff};
use crate::routes::error::ApiError;
use crate::routes::state::AppState;
use crate::staff::session::{self, LIFETIME_SECS};
use crate::staff::sign_in::{self as signing, Attempt, SignedIn};
use crate::store::AuditEntry;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    name: String,
    password: String,
    /// The second factor's 6-digit code, once asked for.
    otp: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
}

/// `POST /api/v1/admin/session`: signs in; the answer carries the CSRF token for later requests.
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: SignIn = crate::routes::body::read_json(&req, body, 4096).await?;
    let address = crate::guard::address::limit_key(state.guard.proxies.of_request(&req));
    let attempt = Attempt {
        name: &input.name,
        password: &input.password,
        otp: input.otp.as_deref(),
        captcha: input.captcha_id.as_deref().zip(input.captcha_answer.as_deref()),
        address: &address,
    };
    let SignedIn { session, id } = signing::sign_in(&state.sign_in_deps(), &attempt).await?;
    Ok(HttpResponse::Ok()
        .cookie(staff::cookie(&state, id, LIFETIME_SECS))
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "name": session.name, "role": session.role, "csrf": session.csrf })))
}

/// `GET /api/v1/admin/session`: who is signed in.
pub async fn me(staff: Staff) -> HttpResponse {
    let s = staff.0;
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({ "name": s.name, "role": s.role, "csrf": s.csrf }))
}

/// `DELETE /api/v1/admin/session`: signs out.
pub async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
) -> Result<HttpResponse, ApiError> {
    if let Some(id) = req.cookie(staff::COOKIE) {
        session::end(state.hot.as_ref(), id.value()).await;
    }
    let cookie = staff::cookie(&state, String::new(), 0);
    let entry = AuditEntry {
        actor: staff.actor(),
        action: "staff.sign_out".into(),
        campaign_id: None,
        detail: String::new(),
    };
    state.store.append_audit(&entry).await?;
    Ok(HttpResponse::NoContent().cookie(cookie).finish())
}
