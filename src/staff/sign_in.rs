//! Signing in, so that it cannot be turned against staff:
//!
//! - every try is counted, per address and per name, in hot state (so across instances)
//!   and *before* the password is checked: parallel tries cannot slip in under a limit;
//! - past a few tries on a name, that name needs a captcha (the public channel's, drawn
//!   here) rather than being locked: an attacker can make its owner solve a picture, never
//!   keep them out. Only an address that tries too often is refused for a while;
//! - password hashes queue behind a small bound (`password::verify_queued`), so a burst of
//!   sign-ins waits instead of taking a gigabyte;
//! - the second factor (TOTP) is asked after the password, and a code is taken once.
//!
//! A session is started and the sign-in audited; a successful sign-in clears the name's count.

use super::session::{self, Session};
use super::totp::SecondFactor;
use super::{password, Role};
use crate::guard::limits::Limits;
use crate::hot::{HotError, HotState};
use crate::identity::captcha::{CaptchaError, Captchas};
use crate::store::{AuditEntry, StaffUserRow, Store, StoreError};

/// The window of the tries counted per name and per address (`Limits::sign_in_*`).
pub const WINDOW_SECS: u64 = 15 * 60;

/// What signing in needs besides the attempt.
pub struct SignInDeps<'a> {
    pub store: &'a dyn Store,
    pub hot: &'a dyn HotState,
    pub captchas: &'a Captchas,
    pub factor: &'a SecondFactor,
    /// Whether admins and auditors must have a second factor (`staff.require_second_factor`).
    pub require_second_factor: bool,
    /// Tries per name before a captcha, and per address.
    pub limits: &'a Limits,
}

/// One try: the name and password, and what may have been asked for before.
pub struct Attempt<'a> {
    pub name: &'a str,
    pub password: &'a str,
    pub otp: Option<&'a str>,
    /// `(captcha id, answer)`.
    pub captcha: Option<(&'a str, &'a str)>,
    /// The address as the limits count it.
    pub address: &'a str,
}

/// A started session and its id (the cookie's value).
pub struct SignedIn {
    pub session: Session,
    pub id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Too many tries from the address: refused until the window ends.
    #[error("too many sign-ins from this address; try again in {retry_after} s")]
    TooMany { retry_after: u64 },
    /// The name has had many tries lately: a captcha must come with this one.
    #[error("this name needs a captcha to sign in")]
    CaptchaRequired,
    #[error("the captcha answer is wrong or expired")]
    BadCaptcha,
    /// The same refusal for an unknown name and a wrong password.
    #[error("wrong name or password")]
    Refused,
    #[error("the account is disabled")]
    Disabled,
    /// The password was right; the second factor's code must come too.
    #[error("a second-factor code is required")]
    OtpRequired,
    #[error("the second-factor code is wrong or was already used")]
    WrongOtp,
    /// The role needs a second factor and the account has none.
    #[error("this account needs a second factor before it may sign in")]
    SecondFactorNotSet,
    #[error("the password check did not finish")]
    Interrupted(#[from] tokio::task::JoinError),
    #[error("staff user `{0}` has a role or second factor this program cannot read")]
    Unreadable(String),
    #[error("hot state is unavailable")]
    Hot(#[from] HotError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CaptchaError> for SignInError {
    fn from(e: CaptchaError) -> Self {
        match e {
            CaptchaError::Hot(e) => Self::Hot(e),
            CaptchaError::Wrong | CaptchaError::Expired => Self::BadCaptcha,
        }
    }
}

fn name_key(name: &str) -> String {
    format!("signin:name:{name}")
}

/// Signs a staff member in.
pub async fn sign_in(deps: &SignInDeps<'_>, attempt: &Attempt<'_>) -> Result<SignedIn, SignInError> {
    let outcome = try_sign_in(deps, attempt).await;
    let label = match &outcome {
        Ok(_) => "ok",
        Err(SignInError::TooMany { .. }) => "rate_limited",
        Err(SignInError::CaptchaRequired | SignInError::BadCaptcha) => "captcha",
        Err(SignInError::OtpRequired | SignInError::WrongOtp) => "second_factor",
        Err(_) => "refused",
    };
    metrics::counter!("minping_staff_sign_in_total", "outcome" => label).increment(1);
    outcome
}

async fn try_sign_in(deps: &SignInDeps<'_>, attempt: &Attempt<'_>) -> Result<SignedIn, SignInError> {
    let by_address = deps.hot.hit(&format!("signin:addr:{}", attempt.address), WINDOW_SECS).await?;
    if by_address.count > deps.limits.sign_in_tries_per_address {
        return Err(SignInError::TooMany { retry_after: by_address.resets_in });
    }
    let by_name = deps.hot.hit(&name_key(attempt.name), WINDOW_SECS).await?;
    if by_name.count > deps.limits.sign_in_free_tries_per_name {
        let (id, answer) = attempt.captcha.ok_or(SignInError::CaptchaRequired)?;
        deps.captchas.check(deps.hot, id, answer).await?;
    }

    let user = deps.store.staff_user(attempt.name).await?;
    // A missing user is checked against a decoy hash, so both refusals take as long.
    let stored = user.as_ref().map_or_else(|| password::decoy().to_owned(), |u| u.password_hash.clone());
    let matches = password::verify_queued(attempt.password, stored).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => return Err(SignInError::Refused),
    };
    if user.disabled {
        return Err(SignInError::Disabled);
    }
    let role = Role::parse(&user.role).ok_or_else(|| SignInError::Unreadable(user.name.clone()))?;
    let required = deps.require_second_factor;
    second_factor(deps.factor, deps.hot, &user, role, required, attempt.otp).await?;

    let _ = deps.hot.delete(&name_key(attempt.name)).await;
    let (session, id) = session::start(deps.hot, &user, role).await?;
    let entry = AuditEntry {
        actor: format!("staff:{}", user.name),
        action: "staff.sign_in".into(),
        campaign_id: None,
        detail: format!("signed in as {} from {}", role.as_str(), attempt.address),
    };
    deps.store.append_audit(&entry).await?;
    Ok(SignedIn { session, id })
}

/// Whether the account must give a code: when it has a second factor, and always for the
/// roles that need one when the deployment requires it.
pub fn needs_second_factor(user: &StaffUserRow, role: Role, required: bool) -> bool {
    user.totp_sealed.is_some() || (required && role.needs_second_factor())
}

/// Checks the account's second factor, when it needs one (`required`: the deployment asks
/// it of admins and auditors). A code is taken once: its step is remembered in hot state for
/// longer than the skew allows it.
pub async fn second_factor(
    factor: &SecondFactor,
    hot: &dyn HotState,
    user: &StaffUserRow,
    role: Role,
    required: bool,
    otp: Option<&str>,
) -> Result<(), SignInError> {
    if !needs_second_factor(user, role, required) {
        return Ok(());
    }
    let sealed = user.totp_sealed.as_deref().ok_or(SignInError::SecondFactorNotSet)?;
    let code = otp.map(str::trim).filter(|c| !c.is_empty()).ok_or(SignInError::OtpRequired)?;
    let now = crate::clock::now_unix().max(0) as u64;
    let step = (factor.check(sealed, &user.name, code, now))
        .map_err(|_| SignInError::Unreadable(user.name.clone()))?
        .ok_or(SignInError::WrongOtp)?;
    let used = hot.hit(&format!("totp-used:{}:{step}", user.id), 120).await?;
    if used.count > 1 {
        return Err(SignInError::WrongOtp);
    }
    Ok(())
}
