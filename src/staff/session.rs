//! Staff sessions, kept in hot state so that any instance serves them: a random id (the
//! cookie's value) names the session, and hot state holds it under the id's hash, so a
//! copy of Redis holds no usable cookie. The HTTP side — cookie, CSRF header, the `Staff`
//! extractor — is in `routes/admin/staff.rs`.
//!
//! A session names the account's generation when it started; every request checks the
//! account against the store (it exists, is enabled, has the same role and generation),
//! so disabling, removing or re-roling someone ends their sessions at once, on every instance.

use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Role;
use crate::hot::{HotError, HotState};
use crate::store::{StaffUserRow, Store, StoreError};

/// Sessions end after this long, however active.
pub const LIFETIME_SECS: u64 = 8 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// The account's generation at sign-in (`staff_users.generation`).
    pub generation: i64,
    /// Sent back in the `X-CSRF-Token` header with every state-changing request.
    pub csrf: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Where a session id's session lives in hot state.
pub fn hot_key(id: &str) -> String {
    format!("session:{}", hex::encode(Sha256::digest(id.as_bytes())))
}

/// Starts a session; returns it and its id (the cookie's value).
pub async fn start(
    hot: &dyn HotState,
    user: &StaffUserRow,
    role: Role,
) -> Result<(Session, String), HotError> {
    let id = random_token();
    let session = Session {
        user_id: user.id,
        name: user.name.clone(),
        role,
        generation: user.generation,
        csrf: random_token(),
    };
    let json = serde_json::to_string(&session).expect("a session serialises");
    hot.put(&hot_key(&id), &json, LIFETIME_SECS).await?;
    Ok((session, id))
}

/// Ends the session an id names.
pub async fn end(hot: &dyn HotState, id: &str) {
    let _ = hot.delete(&hot_key(id)).await;
}

/// The session stored under a hot-state key: `None` when signed out, expired or unreadable.
pub async fn find(hot: &dyn HotState, key: &str) -> Result<Option<Session>, HotError> {
    Ok(hot.get(key).await?.and_then(|json| serde_json::from_str(&json).ok()))
}

/// Whether the account behind a session may still act as it: it exists, is enabled, and
/// has the role and generation the session started with.
pub async fn account_holds(store: &dyn Store, session: &Session) -> Result<bool, StoreError> {
    Ok(match store.staff_user_by_id(session.user_id).await? {
        Some(user) => {
            !user.disabled && user.role == session.role.as_str() && user.generation == session.generation
        }
        None => false,
    })
}
