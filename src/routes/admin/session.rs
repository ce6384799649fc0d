//! Signing in and out of the staff console.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::staff::{self, Staff};
use crate::error::ApiError;
use crate::routes::state::AppState;
use crate::staff::session::{self, LIFETIME_SECS};
use crate::staff::{password, Role};
use crate::store::AuditEntry;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    name: String,
    password: String,
}

/// Failed sign-ins allowed per name, and per address, in [`WINDOW_SECS`].
const PER_NAME: u64 = 10;
const PER_ADDRESS: u64 = 50;
const WINDOW_SECS: u64 = 15 * 60;

/// `POST /api/v1/admin/session`: signs in; the answer carries the CSRF token for later requests.
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: SignIn = crate::routes::body::read_json(&req, body, 4096).await?;
    let address = crate::guard::address::limit_key(state.guard.proxies.of_request(&req));
    let by_name = state.hot.count(&format!("signin-fail:name:{}", input.name)).await.unwrap_or(0);
    let by_address = state.hot.count(&format!("signin-fail:addr:{address}")).await.unwrap_or(0);
    if by_name >= PER_NAME || by_address >= PER_ADDRESS {
        metrics::counter!("minping_staff_sign_in_total", "outcome" => "rate_limited").increment(1);
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "登录失败次数过多，请 15 分钟后再试",
            "Too many failed sign-ins; try again in 15 minutes",
        );
        e.retry_after = Some(WINDOW_SECS);
        return Err(e);
    }

    let user = state.store.staff_user(&input.name).await?;
    // A missing user is checked against a decoy hash, so both refusals take as long.
    let stored = user.as_ref().map_or_else(|| password::decoy().to_owned(), |u| u.password_hash.clone());
    let attempt = input.password.clone();
    let matches =
        web::block(move || password::verify(&attempt, &stored)).await.map_err(|_| ApiError::internal())?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            let _ = state.hot.hit(&format!("signin-fail:name:{}", input.name), WINDOW_SECS).await;
            let _ = state.hot.hit(&format!("signin-fail:addr:{address}"), WINDOW_SECS).await;
            metrics::counter!("minping_staff_sign_in_total", "outcome" => "refused").increment(1);
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "用户名或密码不正确",
                "Wrong name or password",
            ));
        }
    };
    let role = Role::parse(&user.role).ok_or_else(ApiError::internal)?;
    let (session, id) = session::start(state.hot.as_ref(), user.id, &user.name, role)
        .await
        .map_err(|_| ApiError::unavailable())?;
    let cookie = staff::cookie(&state, id, LIFETIME_SECS);
    let entry = AuditEntry {
        actor: format!("staff:{}", user.name),
        action: "staff.sign_in".into(),
        campaign_id: None,
        detail: format!("signed in as {} from {address}", role.as_str()),
    };
    state.store.append_audit(&entry).await?;
    metrics::counter!("minping_staff_sign_in_total", "outcome" => "ok").increment(1);
    Ok(HttpResponse::Ok()
        .cookie(cookie)
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
