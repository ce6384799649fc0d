//! Admission: a ballot's credential turned into a respondent — a panel invitation, a
//! verified number, or (device mode) a captcha and the device cookie. Public ballots are
//! also checked for how they arrived, and flagged when suspicious.

use std::net::IpAddr;

use crate::domain::{Ballot, BallotInput, Campaign, RespondentClass};
use crate::guard::{Arrival, GuardError};
use crate::identity::device::Device;
use crate::identity::invitation::InvitationCode;
use crate::identity::{self, IdentifyError, Respondent};
use crate::store::StoreError;

use super::gate::{Deps, Gate, PublicError};

/// Which credential a ballot carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Invitation,
    Phone,
    Device,
}

#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    #[error("a ballot carries one credential")]
    Mixed,
    #[error("no credential was given")]
    Missing,
    #[error("no such invitation")]
    UnknownInvitation,
    /// Short codes of this campaign are being guessed: entering one needs a captcha.
    #[error("a short code needs a captcha now")]
    CaptchaRequired,
    #[error(transparent)]
    Public(#[from] PublicError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<IdentifyError> for AdmitError {
    fn from(e: IdentifyError) -> Self {
        match e {
            IdentifyError::Missing => Self::Missing,
            IdentifyError::UnknownInvitation => Self::UnknownInvitation,
            IdentifyError::Store(e) => Self::Store(e),
        }
    }
}

impl From<GuardError> for AdmitError {
    fn from(e: GuardError) -> Self {
        Self::Public(e.into())
    }
}

/// A ballot's respondent, and what admitting it found out.
pub struct Admitted {
    pub respondent: Respondent,
    /// Suspicious by how it arrived: stored and counted apart.
    pub flagged: bool,
    /// Device mode: the device, so a new one can be given its cookie.
    pub device: Option<Device>,
    pub credential: Credential,
}

impl Admitted {
    /// A respondent admitted elsewhere (the demo, tests), arriving unflagged.
    pub fn unflagged(respondent: Respondent, credential: Credential) -> Self {
        Self { respondent, flagged: false, device: None, credential }
    }
}

/// What admission needs from the running service.
#[derive(Clone, Copy)]
pub struct Admission<'a> {
    pub deps: Deps<'a>,
    pub gate: &'a Gate,
}

impl Admission<'_> {
    /// Admits a parsed ballot by its credential. `device_cookie` is the request's device
    /// cookie, if any; `client` the address the limits count.
    pub async fn admit(
        &self,
        campaign: &Campaign,
        input: &BallotInput,
        ballot: &Ballot,
        device_cookie: Option<&str>,
        client: Option<IpAddr>,
    ) -> Result<Admitted, AdmitError> {
        let credential = credential_of(input)?;
        let (deps, guard) = (self.deps, self.deps.guard);
        let admitted = match credential {
            Credential::Invitation => {
                let respondent =
                    self.panel_member(campaign.id, input.invitation.as_deref(), client, None).await?;
                return Ok(Admitted { respondent, flagged: false, device: None, credential });
            }
            Credential::Phone => {
                guard.charge_submit(deps.hot, campaign.id, client).await?;
                let otp = input.otp.as_deref().unwrap_or_default();
                let phone = input.phone.as_deref().unwrap_or_default();
                self.gate.admit_number(deps, campaign, phone, otp).await?
            }
            Credential::Device => {
                guard.charge_submit(deps.hot, campaign.id, client).await?;
                let answer = input.captcha_answer.as_deref().unwrap_or_default();
                let id = input.captcha_id.as_deref().unwrap_or_default();
                self.gate.admit_device(deps, campaign, device_cookie, id, answer, client).await?
            }
        };
        let mut respondent = admitted.respondent;
        // A panel member who came by phone is a known person with an invitation: the abuse
        // checks are for the public, and their signals move live — flagging a named member
        // would tell staff something about their ballot as it arrives.
        let flagged = respondent.class != RespondentClass::Panel && {
            let pattern =
                hex::encode(&deps.secret.keyed_hash("burst-pattern", &ballot.encode_ratings())[..8]);
            let arrival =
                Arrival { began_ms: admitted.began_ms, honeypot: input.homepage.as_deref(), client };
            (guard.suspicious(deps.hot, campaign.id, ballot, &pattern, arrival).await).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "abuse checks skipped without hot state");
                false
            })
        };
        // The public's district is the one they chose, if any. A panel member who came by
        // phone keeps the roster's, and one they chose is ignored, not refused: nothing told
        // them their number was on the roster before they answered the question.
        if respondent.class != RespondentClass::Panel {
            respondent.district = ballot.district.clone();
        }
        Ok(Admitted { respondent, flagged, device: admitted.device, credential })
    }

    /// The panel member an invitation names. Full tokens (128 bits) are simply looked up.
    /// Short codes (40 bits) pass the guessing limits first (`guard::short_codes`): the
    /// address's, and past the campaign's budget of failures a captcha (`captcha`: id and
    /// answer) unless this code was entered with one lately.
    pub async fn panel_member(
        &self,
        campaign_id: i64,
        invitation: Option<&str>,
        client: Option<IpAddr>,
        captcha: Option<(&str, &str)>,
    ) -> Result<Respondent, AdmitError> {
        let deps = self.deps;
        let short = invitation.and_then(InvitationCode::parse).and_then(|code| match &code {
            InvitationCode::ShortCode(_) => Some(hex::encode(&code.lookup_hash(deps.secret)[..16])),
            InvitationCode::Token(_) => None,
        });
        let mut solved = false;
        if let Some(code) = &short {
            deps.guard.check_guessing(campaign_id, client)?;
            if self.short_code_needs_captcha(campaign_id, code).await {
                let (id, answer) =
                    captcha.filter(|(id, _)| !id.is_empty()).ok_or(AdmitError::CaptchaRequired)?;
                self.gate.check_captcha(deps, campaign_id, id, answer).await?;
                solved = true;
            }
        }
        match identity::panel_member(deps.store, deps.secret, campaign_id, invitation).await {
            Ok(respondent) => {
                if let (Some(code), true) = (&short, solved) {
                    if let Err(e) = deps.guard.short_code_pass(deps.hot, campaign_id, code).await {
                        tracing::warn!(error = %e, "a short code's captcha not remembered without hot state");
                    }
                }
                Ok(respondent)
            }
            Err(IdentifyError::UnknownInvitation) => {
                if short.is_some() {
                    deps.guard.short_code_failed(deps.hot, campaign_id, client).await?;
                }
                Err(AdmitError::UnknownInvitation)
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl Admission<'_> {
    /// Whether this short code needs a captcha now. Without hot state the answer is no:
    /// hot state buys limits, never the right to take part (the database decides who that is).
    async fn short_code_needs_captcha(&self, campaign_id: i64, code: &str) -> bool {
        let (guard, hot) = (self.deps.guard, self.deps.hot);
        let needed = async {
            Ok::<_, crate::hot::HotError>(
                guard.short_codes_need_captcha(hot, campaign_id).await?
                    && !guard.short_code_passed(hot, campaign_id, code).await?,
            )
        };
        needed.await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "short-code captcha check skipped without hot state");
            false
        })
    }
}

/// The one credential a ballot carries, or why it carries none or several.
fn credential_of(input: &BallotInput) -> Result<Credential, AdmitError> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    match (given(&input.invitation), given(&input.phone), given(&input.captcha_id)) {
        (true, false, false) => Ok(Credential::Invitation),
        (false, true, false) => Ok(Credential::Phone),
        (false, false, true) => Ok(Credential::Device),
        (false, false, false) => Err(AdmitError::Missing),
        _ => Err(AdmitError::Mixed),
    }
}
