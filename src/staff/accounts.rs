//! Governing staff accounts, for the command line and the console alike: list, add (with a
//! second factor), disable, enable, remove, change the role, reset the password, enrol a
//! new second factor. Every change is audited under the name of who made it; every change
//! but enabling ends the account's sessions at once (`session::account_holds`). An admin
//! cannot take away the last enabled admin, so the console can never be left ungoverned.

use serde::Serialize;

use super::password::{self, PasswordError, WeakPassword};
use super::totp::{Enrolment, SecondFactor, TotpError};
use super::{valid_name, Role};
use crate::store::{AuditEntry, StaffChange, StaffUserRow, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a staff name has 1–40 characters and no spaces")]
    InvalidName,
    #[error("there is no staff user `{0}`")]
    Unknown(String),
    #[error("a staff user named `{0}` already exists")]
    Exists(String),
    #[error(transparent)]
    Weak(#[from] WeakPassword),
    #[error("`{0}` is the last enabled admin")]
    LastAdmin(String),
    #[error("the password could not be hashed")]
    Hash(#[source] PasswordError),
    #[error(transparent)]
    Totp(#[from] TotpError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UserExists(name) => Self::Exists(name),
            e => Self::Store(e),
        }
    }
}

impl From<PasswordError> for AccountError {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Weak(w) => Self::Weak(w),
            e => Self::Hash(e),
        }
    }
}

/// An account as staff see it: never its hashes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub name: String,
    pub role: String,
    pub disabled: bool,
    pub second_factor: bool,
}

impl From<StaffUserRow> for Account {
    fn from(u: StaffUserRow) -> Self {
        Self { name: u.name, role: u.role, disabled: u.disabled, second_factor: u.totp_sealed.is_some() }
    }
}

/// What comes out of a change that makes a credential: shown once, kept nowhere in clear.
#[derive(Default)]
pub struct Issued {
    /// A password made here (none was given).
    pub password: Option<String>,
    pub enrolment: Option<Enrolment>,
}

/// The tools of a change: the store, the second factor's sealer, and who acts.
pub struct Accounts<'a> {
    pub store: &'a dyn Store,
    pub factor: &'a SecondFactor,
    /// How the audit log names who acts.
    pub actor: &'a str,
}

impl Accounts<'_> {
    pub async fn list(&self) -> Result<Vec<Account>, AccountError> {
        Ok(self.store.staff_users().await?.into_iter().map(Account::from).collect())
    }

    /// Adds an account; without a password one is made and returned, once.
    pub async fn add(
        &self,
        name: &str,
        role: Role,
        password: Option<&str>,
        with_totp: bool,
    ) -> Result<Issued, AccountError> {
        if !valid_name(name) {
            return Err(AccountError::InvalidName);
        }
        let (secret, generated) = choose(password);
        let hash = password::hash_new_queued(&secret, name).await?;
        let id = self.store.add_staff_user(name, role.as_str(), &hash).await?;
        let mut issued = Issued { password: generated.then_some(secret), enrolment: None };
        if with_totp {
            issued.enrolment = Some(self.enrol(name).await?);
        }
        let factor = if with_totp { ", with a second factor" } else { "" };
        self.audit("user.add", format!("added `{name}` (#{id}) as {}{factor}", role.as_str())).await?;
        Ok(issued)
    }

    pub async fn disable(&self, name: &str) -> Result<(), AccountError> {
        self.keep_an_admin(name, |_| false).await?;
        self.change(name, StaffChange::Disable).await?;
        self.audit("user.disable", format!("disabled `{name}`; its sessions ended")).await
    }

    pub async fn enable(&self, name: &str) -> Result<(), AccountError> {
        self.change(name, StaffChange::Enable).await?;
        self.audit("user.enable", format!("enabled `{name}`")).await
    }

    pub async fn remove(&self, name: &str) -> Result<(), AccountError> {
        self.keep_an_admin(name, |_| false).await?;
        if !self.store.remove_staff_user(name).await? {
            return Err(AccountError::Unknown(name.into()));
        }
        self.audit("user.remove", format!("removed `{name}`; its sessions ended")).await
    }

    pub async fn set_role(&self, name: &str, role: Role) -> Result<(), AccountError> {
        self.keep_an_admin(name, |_| role == Role::Admin).await?;
        let before = self.find(name).await?.role;
        self.change(name, StaffChange::Role(role.as_str().into())).await?;
        let detail = format!("role of `{name}`: {before} → {}; its sessions ended", role.as_str());
        self.audit("user.set_role", detail).await
    }

    /// Sets a new password (made here when none is given, and returned once).
    pub async fn reset_password(&self, name: &str, password: Option<&str>) -> Result<Issued, AccountError> {
        self.find(name).await?;
        let (secret, generated) = choose(password);
        let hash = password::hash_new_queued(&secret, name).await?;
        self.change(name, StaffChange::PasswordHash(hash)).await?;
        self.audit("user.reset_password", format!("new password for `{name}`; its sessions ended")).await?;
        Ok(Issued { password: generated.then_some(secret), enrolment: None })
    }

    /// A new second factor for the account, replacing any it had; its URI and QR shown once.
    pub async fn enrol_totp(&self, name: &str) -> Result<Enrolment, AccountError> {
        self.find(name).await?;
        let enrolment = self.enrol(name).await?;
        self.audit("user.totp", format!("new second factor for `{name}`; its sessions ended")).await?;
        Ok(enrolment)
    }

    async fn enrol(&self, name: &str) -> Result<Enrolment, AccountError> {
        let enrolment = self.factor.enrol(name)?;
        self.change(name, StaffChange::Totp(Some(enrolment.sealed.clone()))).await?;
        Ok(enrolment)
    }

    async fn find(&self, name: &str) -> Result<StaffUserRow, AccountError> {
        self.store.staff_user(name).await?.ok_or_else(|| AccountError::Unknown(name.into()))
    }

    async fn change(&self, name: &str, change: StaffChange) -> Result<(), AccountError> {
        if self.store.change_staff_user(name, &change).await? {
            Ok(())
        } else {
            Err(AccountError::Unknown(name.into()))
        }
    }

    /// Refuses a change that would leave no enabled admin: `stays_admin` says whether the
    /// account is still an enabled admin after it.
    async fn keep_an_admin(
        &self,
        name: &str,
        stays_admin: impl Fn(&StaffUserRow) -> bool,
    ) -> Result<(), AccountError> {
        let users = self.store.staff_users().await?;
        let target =
            users.iter().find(|u| u.name == name).ok_or_else(|| AccountError::Unknown(name.into()))?;
        let active_admin = |u: &StaffUserRow| u.role == Role::Admin.as_str() && !u.disabled;
        if !active_admin(target) || stays_admin(target) {
            return Ok(());
        }
        if users.iter().filter(|u| active_admin(u)).count() <= 1 {
            return Err(AccountError::LastAdmin(name.into()));
        }
        Ok(())
    }

    async fn audit(&self, action: &str, detail: String) -> Result<(), AccountError> {
        let entry = AuditEntry { actor: self.actor.into(), action: action.into(), campaign_id: None, detail };
        Ok(self.store.append_audit(&entry).await?)
    }
}

/// The given password, or a generated one (and whether it was generated).
fn choose(password: Option<&str>) -> (String, bool) {
    match password {
        Some(p) => (p.to_owned(), false),
        None => (password::generate(), true),
    }
}
