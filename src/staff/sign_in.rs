//! Signing in: a name and password checked against a slow hash, failed tries counted per
//! name and per address in hot state (so they hold across instances), a session started
//! and the sign-in audited.

use super::session::{self, Session};
use super::{password, Role};
use crate::hot::{HotError, HotState};
use crate::store::{AuditEntry, Store, StoreError};

/// Failed sign-ins allowed per name, and per address, in [`WINDOW_SECS`].
const PER_NAME: u64 = 10;
const PER_ADDRESS: u64 = 50;
pub const WINDOW_SECS: u64 = 15 * 60;

/// A started session and its id (the cookie's value).
pub struct SignedIn {
    pub session: Session,
    pub id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many failed tries for the name or from the address: refused until the window ends.
    #[error("too many failed sign-ins; try again in {retry_after} s")]
    TooMany { retry_after: u64 },
    /// The same refusal for an unknown name and a wrong password.
    #[error("wrong name or password")]
    Refused,
    #[error("the password check did not finish")]
    Interrupted(#[from] tokio::task::JoinError),
    #[error("staff user `{0}` has a role this program does not know")]
    UnknownRole(String),
    #[error("the session cannot be stored")]
    Session(#[source] HotError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Signs `name` in from `address` (as the limits count it).
pub async fn sign_in(
    store: &dyn Store,
    hot: &dyn HotState,
    name: &str,
    password: &str,
    address: &str,
) -> Result<SignedIn, SignInError> {
    let by_name = hot.count(&format!("signin-fail:name:{name}")).await.unwrap_or(0);
    let by_address = hot.count(&format!("signin-fail:addr:{address}")).await.unwrap_or(0);
    if by_name >= PER_NAME || by_address >= PER_ADDRESS {
        metrics::counter!("minping_staff_sign_in_total", "outcome" => "rate_limited").increment(1);
        return Err(SignInError::TooMany { retry_after: WINDOW_SECS });
    }

    let user = store.staff_user(name).await?;
    // A missing user is checked against a decoy hash, so both refusals take as long.
    let stored = user.as_ref().map_or_else(|| password::decoy().to_owned(), |u| u.password_hash.clone());
    let attempt = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || password::verify(&attempt, &stored)).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            let _ = hot.hit(&format!("signin-fail:name:{name}"), WINDOW_SECS).await;
            let _ = hot.hit(&format!("signin-fail:addr:{address}"), WINDOW_SECS).await;
            metrics::counter!("minping_staff_sign_in_total", "outcome" => "refused").increment(1);
            return Err(SignInError::Refused);
        }
    };
    let role = Role::parse(&user.role).ok_or_else(|| SignInError::UnknownRole(user.name.clone()))?;
    let (session, id) = session::start(hot, user.id, &user.name, role).await.map_err(SignInError::Session)?;
    let entry = AuditEntry {
        actor: format!("staff:{}", user.name),
        action: "staff.sign_in".into(),
        campaign_id: None,
        detail: format!("signed in as {} from {address}", role.as_str()),
    };
    store.append_audit(&entry).await?;
    metrics::counter!("minping_staff_sign_in_total", "outcome" => "ok").increment(1);
    Ok(SignedIn { session, id })
}
