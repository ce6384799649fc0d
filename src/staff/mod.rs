//! Staff of the evaluation offices: users with a role, passwords, sessions (their HTTP
//! side is in `routes/admin/`).
//!
//! - `admin` (作风办 lead): everything, including configuration and closing.
//! - `monitor` (作风办 staff): sees and exports.
//! - `auditor` (督查办): reads everything, the audit log included, and changes nothing.

pub mod accounts;
pub mod password;
pub mod session;
pub mod sign_in;
pub mod totp;

use serde::{Deserialize, Serialize};

use crate::hot::HotError;

/// Why a request may not go on as a staff member.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("not signed in, or the session has ended")]
    SignedOut,
    /// A state-changing request without the session's CSRF token.
    #[error("missing or stale CSRF token")]
    StaleToken,
    #[error("only an admin may do this")]
    NotAdmin,
    #[error("only admins and auditors may read the audit log")]
    NotAuditor,
    #[error("sessions cannot be read: {0}")]
    Sessions(#[from] HotError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Monitor,
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Monitor => "monitor",
            Self::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "monitor" => Some(Self::Monitor),
            "auditor" => Some(Self::Auditor),
            _ => None,
        }
    }

    /// Whether this role may change things (configuration, closing, imports).
    pub fn may_configure(self) -> bool {
        self == Self::Admin
    }

    /// Whether this role must sign in with a second factor when the deployment requires one
    /// (`staff.require_second_factor`): those who can change things or read everything.
    pub fn needs_second_factor(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }

    /// Whether this role may read the audit log.
    pub fn may_audit(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }

    pub fn require_admin(self) -> Result<(), AccessError> {
        if self.may_configure() {
            Ok(())
        } else {
            Err(AccessError::NotAdmin)
        }
    }

    pub fn require_audit(self) -> Result<(), AccessError> {
        if self.may_audit() {
            Ok(())
        } else {
            Err(AccessError::NotAuditor)
        }
    }
}

/// A staff name: 1–40 characters, no spaces or control characters.
pub fn valid_name(name: &str) -> bool {
    (1..=40).contains(&name.chars().count()) && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}
