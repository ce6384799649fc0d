//! Staff sessions, kept in hot state so that any instance serves them: an HttpOnly,
//! SameSite=Strict cookie holds a random id; hot state holds the session under the id's
//! hash. Every state-changing request must also send the session's CSRF token in the
//! `X-CSRF-Token` header.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Role;
use crate::error::ApiError;
use crate::server::AppState;

pub const COOKIE: &str = "minping_staff";
/// Sessions end after this long, however active.
pub const LIFETIME_SECS: u64 = 8 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub csrf: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hot_key(id: &str) -> String {
    format!("session:{}", hex::encode(Sha256::digest(id.as_bytes())))
}

/// Starts a session; returns it and the cookie to set.
pub async fn start(
    state: &AppState,
    user_id: i64,
    name: &str,
    role: Role,
) -> Result<(Session, Cookie<'static>), ApiError> {
    let id = random_token();
    let session = Session { user_id, name: name.to_owned(), role, csrf: random_token() };
    let json = serde_json::to_string(&session).expect("a session serialises");
    state.hot.put(&hot_key(&id), &json, LIFETIME_SECS).await.map_err(|_| ApiError::unavailable())?;
    Ok((session, cookie(state, id, LIFETIME_SECS)))
}

/// Ends the session the request carries, if any; returns the cookie that clears it.
pub async fn end(state: &AppState, req: &HttpRequest) -> Cookie<'static> {
    if let Some(id) = req.cookie(COOKIE) {
        let _ = state.hot.delete(&hot_key(id.value())).await;
    }
    cookie(state, String::new(), 0)
}

fn cookie(state: &AppState, value: String, max_age: u64) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age as i64))
        .finish()
}

/// The signed-in staff member of a request. Extracting it answers `401` without a valid
/// session and `403` for a state-changing request without the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Staff(pub Session, StillValid);

/// Where the session lives in hot state, to check later that it has not ended.
#[derive(Debug, Clone)]
pub struct StillValid(String);

impl StillValid {
    /// Whether the session still exists (not signed out, not expired): long-lived responses
    /// such as the live stream ask before each update.
    pub async fn check(&self, state: &AppState) -> bool {
        matches!(state.hot.get(&self.0).await, Ok(Some(_)))
    }
}

impl Staff {
    /// `403` unless the role may configure.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.0.role.may_configure() {
            Ok(())
        } else {
            Err(forbidden("只有管理员可以进行此项操作", "Only an admin may do this"))
        }
    }

    pub fn require_audit(&self) -> Result<(), ApiError> {
        if self.0.role.may_audit() {
            Ok(())
        } else {
            Err(forbidden(
                "只有管理员和督查人员可以查看审计日志",
                "Only admins and auditors may read the audit log",
            ))
        }
    }

    pub fn still_valid(&self) -> StillValid {
        self.1.clone()
    }

    /// How the audit log names this person.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.0.name)
    }
}

fn forbidden(zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", zh, en)
}

pub fn unauthenticated() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录", "Please sign in")
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req.app_data::<web::Data<AppState>>().expect("the app state is registered").clone();
            let id = req.cookie(COOKIE).ok_or_else(unauthenticated)?;
            let key = hot_key(id.value());
            let json = (state.hot.get(&key).await)
                .map_err(|_| ApiError::unavailable())?
                .ok_or_else(unauthenticated)?;
            let session: Session = serde_json::from_str(&json).map_err(|_| unauthenticated())?;
            let safe = matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD);
            let token = req.headers().get("X-CSRF-Token").and_then(|v| v.to_str().ok());
            if !safe && token != Some(session.csrf.as_str()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_token",
                    "页面已过期，请刷新后重试",
                    "Missing or stale CSRF token; reload the page",
                ));
            }
            Ok(Staff(session, StillValid(key)))
        })
    }
}
