//! The signed-in staff member of a request: an HttpOnly, SameSite=Strict cookie names the
//! session (kept in hot state, see `staff::session`); every state-changing request must
//! also send the session's CSRF token in the `X-CSRF-Token` header. Every request also asks
//! the store whether the account still holds (enabled, same role, same generation): a
//! disabled, removed or re-roled member's sessions end at once.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpRequest};

use crate::routes::error::ApiError;
use crate::routes::state::AppState;
use crate::staff::session::{self, Session};
use crate::staff::AccessError;

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

/// A staff member whose role may configure: extracting it answers `403` for any other.
#[derive(Debug, Clone)]
pub struct Admin(pub Staff);

/// Where the session lives in hot state, to check later that it has not ended.
#[derive(Debug, Clone)]
pub struct StillValid(String);

impl StillValid {
    /// Whether the session still exists (not signed out, not expired) and its account still
    /// holds: long-lived responses such as the live stream ask before each update.
    pub async fn check(&self, state: &AppState) -> bool {
        match session::find(state.hot.as_ref(), &self.0).await {
            Ok(Some(s)) => matches!(session::account_holds(state.store.as_ref(), &s).await, Ok(true)),
            _ => false,
        }
    }
}

impl Staff {
    /// `403` unless the role may configure.
    pub fn require_admin(&self) -> Result<(), AccessError> {
        self.0.role.require_admin()
    }

    /// `403` unless the role may read the audit log.
    pub fn require_audit(&self) -> Result<(), AccessError> {
        self.0.role.require_audit()
    }

    pub fn still_valid(&self) -> StillValid {
        self.1.clone()
    }

    /// How the audit log names this person.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.0.name)
    }
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req.app_data::<web::Data<AppState>>().expect("the app state is registered").clone();
            let id = req.cookie(COOKIE).ok_or(AccessError::SignedOut)?;
            let key = session::hot_key(id.value());
            let session = (session::find(state.hot.as_ref(), &key).await)
                .map_err(AccessError::from)?
                .ok_or(AccessError::SignedOut)?;
            if !session::account_holds(state.store.as_ref(), &session).await? {
                // Ended here too, so hot state does not keep a session nobody can use.
                let _ = state.hot.delete(&key).await;
                return Err(AccessError::SignedOut.into());
            }
            let safe = matches!(*req.method(), Method::GET | Method::HEAD);
            let token = req.headers().get("X-CSRF-Token").and_then(|v| v.to_str().ok());
            if !safe && token != Some(session.csrf.as_str()) {
                return Err(AccessError::StaleToken.into());
            }
            Ok(Staff(session, StillValid(key)))
        })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        Box::pin(async move {
            let staff = staff.await?;
            staff.require_admin()?;
            Ok(Admin(staff))
        })
    }
}

impl Deref for Admin {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.0
    }
}
