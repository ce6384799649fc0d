//! The signed-in staff member of a request: an HttpOnly, SameSite=Strict cookie names the
//! session (kept in hot state, see `staff::session`); every state-changing request must
//! also send the session's CSRF token in the `X-CSRF-Token` header.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};

use crate::error::ApiError;
use crate::routes::state::AppState;
use crate::staff::session::{self, Session};

pub const COOKIE: &str = "minping_staff";

/// The cookie that carries a session id (or, empty with no age, clears it).
pub fn cookie(state: &AppState, value: String, max_age: u64) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age as i64))
        .finish()
}

/// Extracting it answers `401` without a valid session and `403` for a state-changing
/// request without the session's CSRF token.
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
            let key = session::hot_key(id.value());
            let session = (session::find(state.hot.as_ref(), &key).await)
                .map_err(|_| ApiError::unavailable())?
                .ok_or_else(unauthenticated)?;
            let safe = matches!(*req.method(), Method::GET | Method::HEAD);
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
