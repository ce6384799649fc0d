//! The public channel: anyone may take part, once. Phone mode proves a number with an SMS
//! code behind a captcha; device mode makes do with a captcha, a signed cookie and
//! per-address limits. Limits live in hot state, so they hold across instances; the
//! claims table stays the final guard against counting anyone twice.

use std::net::IpAddr;

use crate::domain::{Campaign, PublicMode, RespondentClass};
use crate::guard::address;
use crate::guard::limits::{charge, LimitKind, Limited};
use crate::guard::signals;
use crate::guard::{Guard, GuardError};
use crate::hot::{HotError, HotState};
use crate::identity::captcha::{CaptchaError, Captchas, Issued, Size};
use crate::identity::device::Device;
use crate::identity::otp::{Codes, NumberKey, OtpError};
use crate::identity::{PhoneError, PhoneNumber, Respondent, RespondentKey, Secret};
use crate::sms::{GatewayKind, SmsGateway, SmsSettings};
use crate::store::{InvitationLookup, Store, StoreError};

/// The public channel's own parts, built once at start: captchas and the SMS gateway.
pub struct Gate {
    pub captchas: Captchas,
    pub sms: Box<dyn SmsGateway>,
    pub sms_settings: SmsSettings,
    /// A loopback-only load-test server: captcha answers and codes are shown to the client.
    pub load_test: bool,
}

/// What the public channel's checks need from the running service.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub hot: &'a dyn HotState,
    pub store: &'a dyn Store,
    pub secret: &'a Secret,
    pub guard: &'a Guard,
}

#[derive(Debug, thiserror::Error)]
pub enum PublicError {
    #[error("this campaign does not take {} ballots", .0.as_str())]
    WrongMode(PublicMode),
    #[error("bad phone number: {0}")]
    Phone(#[from] PhoneError),
    #[error(transparent)]
    Captcha(CaptchaError),
    #[error(transparent)]
    Otp(OtpError),
    #[error("limit reached")]
    Limited(Limited),
    #[error("the SMS could not be sent")]
    SmsFailed,
    #[error("the respondent has already taken part")]
    AlreadyTaken,
    /// Device mode: a device cookie whose signature does not hold.
    #[error("the device cookie is forged or damaged")]
    ForgedDevice,
    #[error(transparent)]
    Hot(#[from] HotError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<GuardError> for PublicError {
    fn from(e: GuardError) -> Self {
        match e {
            GuardError::Limited(limited) => Self::Limited(limited),
            GuardError::Hot(e) => Self::Hot(e),
        }
    }
}

/// A code was sent (or, to a bot that filled the honeypot, seemed to be).
pub struct CodeSent {
    pub masked: String,
    /// Only on a load-test server with the load-test gateway.
    pub test_code: Option<String>,
}

/// A respondent of the public channel, and when they began (server clock, Unix ms).
pub struct Admitted {
    pub respondent: Respondent,
    pub began_ms: i64,
    /// Device mode: the device, so a new one can be given its cookie.
    pub device: Option<Device>,
}

impl Gate {
    fn ensure_mode(campaign: &Campaign, mode: PublicMode) -> Result<(), PublicError> {
        if campaign.definition.public.mode == mode {
            Ok(())
        } else {
            Err(PublicError::WrongMode(mode))
        }
    }

    pub(crate) async fn check_captcha(
        &self,
        deps: Deps<'_>,
        campaign_id: i64,
        id: &str,
        answer: &str,
    ) -> Result<i64, PublicError> {
        self.captchas.check(deps.hot, id, answer).await.map_err(|e| {
            if !matches!(e, CaptchaError::Hot(_)) {
                deps.guard.signals.record(campaign_id, signals::CAPTCHA_FAILED);
            }
            PublicError::Captcha(e)
        })
    }

    /// `GET /captcha`: a picture whose answer works once, within a rate per address. The
    /// rate is not counted as an abuse signal: a captcha belongs to no campaign yet.
    pub async fn issue_captcha(
        &self,
        deps: Deps<'_>,
        client: Option<IpAddr>,
        size: Size,
    ) -> Result<Issued, PublicError> {
        let key = format!("captcha-addr:{}", address::limit_key(client));
        let per_minute = deps.guard.limits.captchas_per_address_per_minute;
        charge(deps.hot, &key, 60, per_minute, LimitKind::CaptchaRate)
            .await?
            .map_err(PublicError::Limited)?;
        Ok(self.captchas.issue(deps.hot, size).await?)
    }

    /// `POST …/otp`: a captcha stands before every SMS. Answers the same for every valid
    /// number — on the panel or not, voted or not — so nobody learns either by asking.
    pub async fn send_code(
        &self,
        deps: Deps<'_>,
        campaign: &Campaign,
        request: &CodeRequest,
        client: Option<IpAddr>,
    ) -> Result<CodeSent, PublicError> {
        Self::ensure_mode(campaign, PublicMode::Phone)?;
        let (id, limits) = (campaign.id, &deps.guard.limits);
        let address = address::limit_key(client);
        deps.guard
            .charge(
                deps.hot,
                id,
                &format!("otp-addr:{address}"),
                3600,
                limits.otp_per_address_per_hour,
                LimitKind::OtpAddress,
            )
            .await?;
        let number = PhoneNumber::parse(&request.phone)?;
        self.check_captcha(deps, id, &request.captcha_id, &request.captcha_answer).await?;
        if request.homepage.as_deref().is_some_and(|h| !h.trim().is_empty()) {
            // A bot: let it believe it worked, and send nothing.
            deps.guard.signals.record(id, signals::HONEYPOT);
            return Ok(CodeSent { masked: number.masked(), test_code: None });
        }
        let key = NumberKey::new(&number.keyed_hash(deps.secret));
        let cooldown = format!("otp-cool:{id}:{}", key.as_str());
        deps.guard
            .charge(deps.hot, id, &cooldown, limits.otp_cooldown_secs, 1, LimitKind::OtpCooldown)
            .await?;
        let daily = format!("otp-day:{}", key.as_str());
        deps.guard
            .charge(deps.hot, id, &daily, 24 * 3600, limits.otp_per_number_per_day, LimitKind::OtpNumberDaily)
            .await?;
        for budget in limits.sms_budgets(campaign) {
            deps.guard.charge(deps.hot, id, &budget.key, 3600, budget.per_hour, LimitKind::SmsBudget).await?;
        }

        let code = Codes { hot: deps.hot, secret: deps.secret, limits }.issue(id, &key).await?;
        let text = self.sms_settings.text(&code, limits.otp_ttl_secs);
        if let Err(e) = self.sms.send(&number, &text, &code).await {
            tracing::warn!(error = %e, "an SMS code was not sent");
            deps.guard.signals.record(id, signals::SMS_FAILED);
            // Not the person's fault: let them ask again at once.
            let _ = deps.hot.delete(&cooldown).await;
            return Err(PublicError::SmsFailed);
        }
        deps.guard.signals.record(id, signals::SMS_SENT);
        let test_code = (self.load_test && self.sms.kind() == GatewayKind::Loadtest).then_some(code);
        Ok(CodeSent { masked: number.masked(), test_code })
    }

    /// Checks a number's code and says who it belongs to: a panel member's number counts
    /// for the panel (once, with their invitation's key), any other for the public.
    /// Only the number's owner gets this far, so only they learn whether it has voted.
    pub async fn admit_number(
        &self,
        deps: Deps<'_>,
        campaign: &Campaign,
        phone: &str,
        code: &str,
    ) -> Result<Admitted, PublicError> {
        Self::ensure_mode(campaign, PublicMode::Phone)?;
        let number = PhoneNumber::parse(phone)?;
        let hash = number.keyed_hash(deps.secret);
        let key = NumberKey::new(&hash);
        let codes = Codes { hot: deps.hot, secret: deps.secret, limits: &deps.guard.limits };
        let began_ms = codes.verify(campaign.id, &key, code).await.map_err(|e| {
            if !matches!(e, OtpError::Hot(_)) {
                deps.guard.signals.record(campaign.id, signals::OTP_FAILED);
            }
            PublicError::Otp(e)
        })?;
        let respondent = match deps.store.find_invitation(campaign.id, InvitationLookup::Phone(&hash)).await?
        {
            Some(member) => Respondent {
                key: RespondentKey::panel(&member.member_code),
                class: RespondentClass::Panel,
                segment: Some(member.segment),
                district: Some(member.district),
            },
            None => Respondent {
                key: key.respondent_key(),
                class: RespondentClass::Public,
                segment: None,
                district: None,
            },
        };
        Ok(Admitted { respondent, began_ms, device: None })
    }

    /// Device mode: a captcha with every ballot, a signed cookie, and a cap per address.
    pub async fn admit_device(
        &self,
        deps: Deps<'_>,
        campaign: &Campaign,
        cookie: Option<&str>,
        captcha_id: &str,
        captcha_answer: &str,
        client: Option<IpAddr>,
    ) -> Result<Admitted, PublicError> {
        Self::ensure_mode(campaign, PublicMode::Device)?;
        // A cookie that is there must be ours: a forged or altered one is refused (it used
        // to count as a new device), before the captcha is spent.
        let device = match cookie {
            Some(value) => Device::from_cookie(deps.secret, value).ok_or_else(|| {
                deps.guard.signals.record(campaign.id, signals::FORGED_DEVICE);
                PublicError::ForgedDevice
            })?,
            None => Device::new_random(),
        };
        let began_ms = self.check_captcha(deps, campaign.id, captcha_id, captcha_answer).await?;
        let key = format!("dev-addr:{}:{}", campaign.id, address::limit_key(client));
        let max = deps.guard.limits.device_ballots_per_address_per_hour;
        deps.guard.charge(deps.hot, campaign.id, &key, 3600, max, LimitKind::DeviceAddress).await?;
        let respondent = Respondent {
            key: device.respondent_key(deps.secret),
            class: RespondentClass::Device,
            segment: None,
            district: None,
        };
        Ok(Admitted { respondent, began_ms, device: Some(device) })
    }

    /// Whether the respondent's ballot is already counted (the database decides).
    pub async fn ensure_not_taken(
        &self,
        deps: Deps<'_>,
        campaign: &Campaign,
        key: &RespondentKey,
    ) -> Result<(), PublicError> {
        if deps.store.is_claimed(campaign.id, key).await? {
            deps.guard.signals.record(campaign.id, signals::DUPLICATE_REFUSED);
            return Err(PublicError::AlreadyTaken);
        }
        Ok(())
    }
}

/// The body of `POST …/otp`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub captcha_id: String,
    #[serde(default)]
    pub captcha_answer: String,
    /// The honeypot: a field people never see.
    #[serde(default)]
    pub homepage: Option<String>,
}
