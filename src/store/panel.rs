//! The panel role: the invited members (by hashes of their token, short code and phone,
//! never the token itself) and how many of them have responded.

use async_trait::async_trait;

use super::Result;

/// An invitation as stored: the member it belongs to, never the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub member_code: String,
    pub segment: String,
    pub district: String,
}

#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub token_hash: Vec<u8>,
    pub short_code_hash: Vec<u8>,
    pub member: Invitation,
    pub issue: i64,
    pub phone_hash: Option<Vec<u8>>,
    /// Issued after the campaign opened (an approved import or re-issue, a reminder).
    pub after_open: bool,
}

/// A member's invitation as stored (never its token: that was shown once, when issued).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IssuedRecord {
    pub member_code: String,
    pub segment: String,
    pub district: String,
    pub issue: i64,
    /// The keyed hash of the member's mobile number from the roster, if it had one.
    pub phone_hash: Option<Vec<u8>>,
}

/// What removing a member from the panel came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Removed,
    Unknown,
    /// A member who has answered stays: their ballot cannot be found, nor taken out.
    Responded,
}

/// How an invitation is looked up: by the hash of its token or of its short code.
#[derive(Debug, Clone, Copy)]
pub enum InvitationLookup<'a> {
    Token(&'a [u8]),
    ShortCode(&'a [u8]),
    /// The keyed hash of a member's mobile number, from the roster.
    Phone(&'a [u8]),
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PanelResponse {
    pub segment: String,
    pub district: String,
    pub invited: i64,
    pub responded: i64,
}

#[async_trait]
pub trait PanelStore: Send + Sync + 'static {
    async fn add_invitations(&self, campaign_id: i64, invitations: &[NewInvitation]) -> Result<()>;
    async fn invitation_count(&self, campaign_id: i64) -> Result<i64>;
    /// Every member's invitation, by member code.
    async fn invitations(&self, campaign_id: i64) -> Result<Vec<IssuedRecord>>;
    /// Replaces a member's invitation with the next issue; `false` for an unknown member.
    async fn reissue_invitation(
        &self,
        campaign_id: i64,
        member_code: &str,
        next: &NewInvitation,
    ) -> Result<bool>;
    async fn find_invitation(
        &self,
        campaign_id: i64,
        lookup: InvitationLookup<'_>,
    ) -> Result<Option<Invitation>>;
    /// Removes a member who has not answered, with their invitation.
    async fn remove_invitation(&self, campaign_id: i64, member_code: &str) -> Result<Removal>;
    /// Panel ballots cast with a credential issued after the campaign opened.
    async fn late_credential_ballots(&self, campaign_id: i64) -> Result<i64>;
    /// Panel members without a counted ballot, by member code.
    async fn non_responders(&self, campaign_id: i64) -> Result<Vec<Invitation>>;
    /// Panel members invited and responded, per segment and district.
    async fn panel_response(&self, campaign_id: i64) -> Result<Vec<PanelResponse>>;
}
