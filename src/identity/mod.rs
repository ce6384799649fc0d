//! Who may take part: credentials in, a respondent key out.
//! Tokens and phone numbers are never stored in clear, only as keyed hashes.

pub mod captcha;
pub mod device;
pub mod invitation;
pub mod otp;
pub mod phone;
pub mod secret;

pub use crate::domain::RespondentKey;
pub use invitation::{InvitationCode, IssuedInvitation};
pub use phone::{PhoneError, PhoneNumber};
pub use secret::Secret;

use crate::domain::RespondentClass;
use crate::store::{InvitationLookup, Store, StoreError};

/// A credential checked and turned into the key that may take part once per campaign.
#[derive(Debug, Clone)]
pub struct Respondent {
    pub key: RespondentKey,
    pub class: RespondentClass,
    pub segment: Option<String>,
    pub district: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentifyError {
    #[error("no credential was given")]
    Missing,
    #[error("no such invitation")]
    UnknownInvitation,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Finds the panel member an invitation (token or short code) belongs to.
pub async fn panel_member(
    store: &dyn Store,
    secret: &Secret,
    campaign_id: i64,
    raw: Option<&str>,
) -> Result<Respondent, IdentifyError> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty()).ok_or(IdentifyError::Missing)?;
    // A malformed code is answered like an unknown one: both mean "no such invitation".
    let code = InvitationCode::parse(raw).ok_or(IdentifyError::UnknownInvitation)?;
    let hash = code.lookup_hash(secret);
    let lookup = match code {
        InvitationCode::Token(_) => InvitationLookup::Token(&hash),
        InvitationCode::ShortCode(_) => InvitationLookup::ShortCode(&hash),
    };
    let member =
        (store.find_invitation(campaign_id, lookup).await?).ok_or(IdentifyError::UnknownInvitation)?;
    Ok(Respondent {
        key: RespondentKey::panel(&member.member_code),
        class: RespondentClass::Panel,
        segment: Some(member.segment),
        district: Some(member.district),
    })
}
