//! Staff accounts, for admins: `GET /api/v1/admin/users`, `POST /users` (add), and per
//! account `POST …/disable`, `POST …/enable`, `DELETE`, `PUT …/role`, `POST …/password`
//! (reset), `POST …/totp` (a new second factor). A password made by the server and a second
//! factor's secret are in the answer once and kept nowhere in clear. Every change is audited
//! and ends the account's sessions (enabling aside).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::staff::Admin;
use crate::routes::body::read_json;
use crate::routes::error::ApiError;
use crate::routes::state::AppState;
use crate::staff::accounts::Issued;
use crate::staff::totp::Enrolment;
use crate::staff::Role;

fn no_store(body: Value) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(body)
}

fn enrolment_json(e: &Enrolment) -> Value {
    json!({ "uri": e.uri, "secret": e.secret_base32, "qr_svg": e.qr_svg })
}

fn issued_json(name: &str, issued: &Issued) -> Value {
    json!({
        "name": name,
        "password": issued.password,
        "totp": issued.enrolment.as_ref().map(enrolment_json),
    })
}

/// `GET /api/v1/admin/users`: every account, its role, whether it is disabled and has a
/// second factor; never a hash.
pub async fn list(state: web::Data<AppState>, admin: Admin) -> Result<HttpResponse, ApiError> {
    let actor = admin.actor();
    let accounts = state.accounts(&actor).list().await?;
    Ok(no_store(json!({ "users": accounts, "require_second_factor": state.require_second_factor })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    name: String,
    role: Role,
    /// Made by the server (and answered once) when absent.
    password: Option<String>,
    #[serde(default)]
    totp: bool,
}

/// `POST /api/v1/admin/users`: adds an account.
pub async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let input: NewUser = read_json(&req, body, 4096).await?;
    let actor = admin.actor();
    let accounts = state.accounts(&actor);
    let issued = accounts.add(&input.name, input.role, input.password.as_deref(), input.totp).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(issued_json(&input.name, &issued)))
}

/// `POST /api/v1/admin/users/{name}/disable`.
pub async fn disable(
    state: web::Data<AppState>,
    name: web::Path<String>,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    state.accounts(&admin.actor()).disable(&name).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/admin/users/{name}/enable`.
pub async fn enable(
    state: web::Data<AppState>,
    name: web::Path<String>,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    state.accounts(&admin.actor()).enable(&name).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /api/v1/admin/users/{name}`.
pub async fn remove(
    state: web::Data<AppState>,
    name: web::Path<String>,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    state.accounts(&admin.actor()).remove(&name).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    role: Role,
}

/// `PUT /api/v1/admin/users/{name}/role` with `{"role": "monitor"}`.
pub async fn set_role(
    state: web::Data<AppState>,
    name: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let input: NewRole = read_json(&req, body, 1024).await?;
    state.accounts(&admin.actor()).set_role(&name, input.role).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    password: Option<String>,
}

/// `POST /api/v1/admin/users/{name}/password` with `{"password": …}`, or `{}` for one made
/// by the server and answered once.
pub async fn reset_password(
    state: web::Data<AppState>,
    name: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let input: NewPassword = read_json(&req, body, 4096).await?;
    let issued = state.accounts(&admin.actor()).reset_password(&name, input.password.as_deref()).await?;
    Ok(no_store(issued_json(&name, &issued)))
}

/// `POST /api/v1/admin/users/{name}/totp`: a new second factor, replacing any before; the
/// `otpauth://` URI and its QR code are in the answer, once.
pub async fn totp(
    state: web::Data<AppState>,
    name: web::Path<String>,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let enrolment = state.accounts(&admin.actor()).enrol_totp(&name).await?;
    Ok(no_store(json!({ "name": name.as_str(), "totp": enrolment_json(&enrolment) })))
}
