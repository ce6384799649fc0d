//! The one error type of the HTTP API. Every refusal is JSON that says which field was
//! wrong and why, in Chinese and English, with the status that fits.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::domain::ballot::BallotError;
use crate::domain::receipt::BadReceipt;
use crate::domain::NotOpen;
use crate::guard::limits::Limited;
use crate::guard::GuardError;
use crate::identity::captcha::CaptchaError;
use crate::identity::otp::OtpError;
use crate::identity::PhoneError;
use crate::intake::admit::{AdmitError, Credential};
use crate::intake::gate::PublicError;
use crate::intake::writer::WriteError;
use crate::intake::IntakeError;
use crate::store::StoreError;

#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// A stable machine code, e.g. `already_used`.
    pub error: &'static str,
    pub field: Option<String>,
    pub message: String,
    pub message_en: String,
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// More about the refusal when one field is not enough, e.g. every bad row of an import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<serde_json::Value>>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.error, self.message_en)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        response.insert_header(("Cache-Control", "no-store")).json(self)
    }
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        error: &'static str,
        message: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            field: None,
            message: message.into(),
            message_en: message_en.into(),
            retry_after: None,
            details: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn unknown_campaign() -> Self {
        Self::new(StatusCode::NOT_FOUND, "unknown_campaign", "没有找到这项评议活动", "No such campaign")
    }

    pub fn unknown_invitation() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "unknown_invitation",
            "邀请码无效，请核对短信或邀请函上的链接或邀请码",
            "This invitation does not exist; check the link or code on your SMS or letter",
        )
        .field("invitation")
    }

    pub fn already_used() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "already_used",
            "此邀请已经使用过，您的评议已提交，不能重复提交",
            "This invitation has already been used; your ballot was submitted and cannot be submitted again",
        )
        .field("invitation")
    }

    pub fn in_flight() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "in_progress",
            "此邀请的另一份问卷正在提交，请勿重复提交",
            "Another ballot for this invitation is being submitted right now",
        )
        .field("invitation")
    }

    pub fn closed() -> Self {
        Self::new(
            StatusCode::GONE,
            "closed",
            "本次评议已经结束，不再接受提交",
            "This campaign has closed and no longer takes ballots",
        )
    }

    pub fn bad_receipt() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_receipt",
            "回执号格式不正确",
            "A receipt is 16 characters of 0-9 and A-Z without I, L, O, U",
        )
        .field("receipt")
    }

    pub fn receipt_taken() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "receipt_taken",
            "回执号与其他评议重复，您的评议尚未保存，请重新提交",
            "This receipt belongs to another ballot; yours was not saved. Submit again with a new one",
        )
        .field("receipt")
    }

    /// The store or the writer cannot take the ballot now; nothing was saved.
    pub fn unavailable() -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "系统繁忙，您的评议尚未保存，请稍后重试",
            "The service is busy; your ballot was not saved. Please try again shortly",
        );
        e.retry_after = Some(5);
        e
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "系统出现错误，您的评议尚未保存，请稍后重试",
            "Something went wrong on our side; your ballot was not saved",
        )
    }

    pub fn malformed_json(detail: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("提交的内容不是有效的 JSON：{detail}"),
            format!("The body is not valid JSON: {detail}"),
        )
    }

    pub fn body_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("提交的内容过大（上限 {} KB）", limit / 1024),
            format!("The body is too large (limit {} KB)", limit / 1024),
        )
    }
}

impl From<BallotError> for ApiError {
    fn from(e: BallotError) -> Self {
        let code = match e {
            BallotError::NoRatings | BallotError::MissingUnit { .. } => "missing_rating",
            BallotError::UnknownUnit(_) => "unknown_unit",
            BallotError::UnknownOption { .. } => "unknown_option",
            BallotError::ReasonNotAsked { .. } => "reason_not_asked",
            BallotError::Reason { .. } | BallotError::Suggestion(_) => "invalid_text",
            BallotError::UnknownDistrict(_) => "unknown_district",
            BallotError::DistrictNotAsked => "district_not_asked",
        };
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.message_zh(), e.to_string()).field(e.field())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => {
                tracing::warn!(error = ?e, "database unavailable");
                Self::unavailable()
            }
            other => {
                tracing::error!(error = ?other, "database error");
                Self::internal()
            }
        }
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Busy | WriteError::Stopped => Self::unavailable(),
            WriteError::Store(store) => match store.as_ref() {
                StoreError::Unavailable(_) => Self::unavailable(),
                // A failed batch is already logged by the writer with its cause.
                _ => Self::internal(),
            },
        }
    }
}

impl ApiError {
    /// A limit was reached: 429 with when to try again.
    pub fn limited(limited: Limited) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            limited.what.message_zh(limited.retry_after),
            limited.what.message_en(limited.retry_after),
        );
        e.retry_after = Some(limited.retry_after);
        e
    }

    /// A number (or device) of the public channel has already taken part. Said only to
    /// whoever proved they hold it.
    pub fn already_taken_part(field: &'static str) -> Self {
        let (zh, en) = match field {
            "phone" => (
                "该手机号已参加过本次评议，每个号码只能参加一次。感谢您的参与！",
                "This number has already taken part in this campaign; each number takes part once. Thank you!",
            ),
            _ => (
                "本设备已参加过本次评议，每台设备只能参加一次。感谢您的参与！",
                "This device has already taken part in this campaign. Thank you!",
            ),
        };
        Self::new(StatusCode::CONFLICT, "already_used", zh, en).field(field)
    }
}

impl From<PublicError> for ApiError {
    fn from(e: PublicError) -> Self {
        let unprocessable = |code, zh: &str, en: &str, field: &str| {
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en).field(field)
        };
        match e {
            PublicError::WrongMode(mode) => {
                let (zh, en) = match mode {
                    "phone" => {
                        ("本次评议不接受手机号验证参与", "This campaign does not take part by phone number")
                    }
                    _ => ("本次评议不接受此方式参与", "This campaign does not take part this way"),
                };
                Self::new(StatusCode::FORBIDDEN, "public_closed", zh, en)
            }
            PublicError::Phone(PhoneError::Empty) => {
                unprocessable("bad_phone", "请输入手机号", "Enter a mobile number", "phone")
            }
            PublicError::Phone(PhoneError::Invalid) => unprocessable(
                "bad_phone",
                "请输入正确的大陆手机号（11 位，以 1 开头）",
                "Enter a mainland mobile number: 11 digits starting with 1",
                "phone",
            ),
            PublicError::Captcha(CaptchaError::Wrong) => unprocessable(
                "bad_captcha",
                "图片验证码不正确，请看新图片重新输入",
                "The captcha answer is wrong; try the new picture",
                "captcha_answer",
            ),
            PublicError::Captcha(CaptchaError::Expired) => unprocessable(
                "captcha_expired",
                "图片验证码已失效，请看新图片重新输入",
                "The captcha has expired or was used; try the new picture",
                "captcha_id",
            ),
            PublicError::Otp(OtpError::Wrong { tries_left }) => {
                let mut e = unprocessable(
                    "bad_otp",
                    &format!("短信验证码不正确，还可以再试 {tries_left} 次"),
                    &format!("Wrong code; {tries_left} tries left"),
                    "otp",
                );
                e.details = Some(Box::new(serde_json::json!({ "tries_left": tries_left })));
                e
            }
            PublicError::Otp(OtpError::Expired) => unprocessable(
                "otp_expired",
                "短信验证码已失效，请重新获取",
                "The code has expired or was voided; ask for a new one",
                "otp",
            ),
            PublicError::Limited(limited) => Self::limited(limited),
            PublicError::SmsFailed => {
                let mut e = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "sms_failed",
                    "短信发送失败，请稍后重新获取验证码",
                    "The SMS could not be sent; ask for a code again shortly",
                );
                e.retry_after = Some(10);
                e
            }
            PublicError::AlreadyTaken => Self::already_taken_part("phone"),
            PublicError::Captcha(CaptchaError::Hot(e))
            | PublicError::Otp(OtpError::Hot(e))
            | PublicError::Hot(e) => {
                // Without hot state there are no codes or captchas: say so, and that it will pass.
                tracing::warn!(error = %e, "public channel without hot state");
                let mut e = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "验证服务暂时不可用，请稍后重试",
                    "Verification is unavailable for a moment; please try again shortly",
                );
                e.retry_after = Some(5);
                e
            }
            PublicError::Store(e) => e.into(),
        }
    }
}

impl From<NotOpen> for ApiError {
    fn from(e: NotOpen) -> Self {
        match e {
            NotOpen::Closed => Self::closed(),
            NotOpen::Draft => Self::new(
                StatusCode::CONFLICT,
                "not_open",
                "本次评议尚未开始",
                "This campaign has not opened yet",
            ),
        }
    }
}

impl From<BadReceipt> for ApiError {
    fn from(_: BadReceipt) -> Self {
        Self::bad_receipt()
    }
}

impl From<GuardError> for ApiError {
    fn from(e: GuardError) -> Self {
        PublicError::from(e).into()
    }
}

impl From<AdmitError> for ApiError {
    fn from(e: AdmitError) -> Self {
        match e {
            AdmitError::Mixed => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "mixed_credentials",
                "一份评价只能使用一种参与方式（邀请码、手机号或设备验证）",
                "A ballot carries one credential: an invitation, a phone number, or a device captcha",
            )
            .field("invitation"),
            AdmitError::Missing => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing_invitation",
                "请提供邀请链接或邀请码",
                "An invitation token or short code is required",
            )
            .field("invitation"),
            AdmitError::UnknownInvitation => Self::unknown_invitation(),
            AdmitError::Public(e) => e.into(),
            AdmitError::Store(e) => e.into(),
        }
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::AlreadyTaken(Credential::Invitation) => Self::already_used(),
            IntakeError::AlreadyTaken(Credential::Phone) => Self::already_taken_part("phone"),
            IntakeError::AlreadyTaken(Credential::Device) => Self::already_taken_part("device"),
            IntakeError::InFlight => Self::in_flight(),
            IntakeError::ReceiptTaken => Self::receipt_taken(),
            IntakeError::Closed => Self::closed(),
            IntakeError::Write(e) => e.into(),
            IntakeError::Store(e) => e.into(),
        }
    }
}
