//! The one error type of the HTTP API, and the one place where what went wrong becomes an
//! answer: each service error maps here to its status, its stable code and the field it
//! names, in words from the catalogue (`messages`). Every refusal is JSON that says which
//! field was wrong and why, in Chinese and English, and is never cached.

mod accounts;
mod approvals;
mod builder;
mod messages;
mod params;
mod phrases;
mod settings;
mod staff;
#[cfg(test)]
mod tests;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::json;

use self::builder::chain;
use self::messages::Message;
use self::params::{Busy, FreeText, NoLonger, NotYet, Nowhere, Unrated, Upload};
use super::body::BodyError;
use crate::campaign::FindError;
use crate::domain::{ballot::BallotError, receipt::BadReceipt, NotOpen};
use crate::guard::{limits::Limited, GuardError};
use crate::identity::{captcha::CaptchaError, otp::OtpError};
use crate::intake::{admit::AdmitError, admit::Credential, gate::PublicError, IntakeError};
use crate::intake::{receipts::ReceiptError, writer::WriteError};
use crate::store::StoreError;

const CONFLICT: StatusCode = StatusCode::CONFLICT;
const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// A stable machine code, e.g. `already_used`.
    error: &'static str,
    field: Option<String>,
    message: String,
    message_en: String,
    #[serde(skip)]
    retry_after: Option<u64>,
    /// Close the connection after this answer.
    #[serde(skip)]
    close: bool,
    /// More about the refusal when one field is not enough, e.g. every bad row of an import.
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Box<serde_json::Value>>,
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
        if self.close {
            response.force_close();
        }
        response.insert_header(("Cache-Control", "no-store")).json(self)
    }
}

impl ApiError {
    /// Something that should not happen: the cause goes to the log, the answer says only
    /// that it failed.
    fn internal(cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %chain(cause), "a request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, Message::Internal)
    }

    /// The store, the writer or hot state cannot serve now; nothing was saved.
    fn unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, Message::Unavailable(Busy::Saving)).retry_after(5)
    }

    fn already_used(by: Credential) -> Self {
        let field = match by {
            Credential::Invitation => "invitation",
            Credential::Phone => "phone",
            Credential::Device => "device",
        };
        Self::new(CONFLICT, Message::AlreadyUsed(by)).field(field)
    }

    fn invalid_rows(upload: Upload, rows: Vec<crate::spreadsheet::RowError>) -> Self {
        let faults = rows.len();
        Self::new(UNPROCESSABLE, Message::InvalidRows { upload, faults }).details(json!({ "rows": rows }))
    }
}

// The survey and its ballots.

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => {
                tracing::warn!(error = ?e, "database unavailable");
                Self::unavailable()
            }
            other => {
                tracing::error!(error = ?other, "database error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, Message::Internal)
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
                _ => Self::new(StatusCode::INTERNAL_SERVER_ERROR, Message::Internal),
            },
        }
    }
}

impl From<FindError> for ApiError {
    fn from(e: FindError) -> Self {
        match e {
            FindError::Unknown(_) => Self::new(StatusCode::NOT_FOUND, Message::UnknownCampaign),
            FindError::Store(e) => e.into(),
        }
    }
}

impl From<NotOpen> for ApiError {
    fn from(e: NotOpen) -> Self {
        match e {
            NotOpen::Closed => Self::new(StatusCode::GONE, Message::Closed(NoLonger::Ballots)),
            NotOpen::Draft => Self::new(CONFLICT, Message::NotOpen(NotYet::Ballots)),
        }
    }
}

impl From<BodyError> for ApiError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge { limit } => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, Message::BodyTooLarge { limit_bytes: limit })
            }
            BodyError::Malformed(detail) => {
                Self::new(StatusCode::BAD_REQUEST, Message::MalformedJson { detail })
            }
            BodyError::InvalidField { path, detail } => {
                let message = Message::InvalidField { path: path.clone(), detail };
                Self::new(StatusCode::BAD_REQUEST, message).field(path)
            }
            BodyError::DuplicateKey { path } => {
                Self::new(StatusCode::BAD_REQUEST, Message::DuplicateKey { path: path.clone() }).field(path)
            }
            // The connection is closed too: what is left of the body is never read.
            BodyError::TooSlow => Self::new(StatusCode::REQUEST_TIMEOUT, Message::BodyTooSlow).closing(),
            BodyError::NotJson => {
                Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, Message::NotJson).field("Content-Type")
            }
        }
    }
}

/// An address no route answers, under `/api/v1` or anywhere else.
#[derive(Debug, thiserror::Error)]
#[error("no such address")]
pub struct NoSuchAddress;

impl From<NoSuchAddress> for ApiError {
    fn from(_: NoSuchAddress) -> Self {
        Self::new(StatusCode::NOT_FOUND, Message::NotFound(Nowhere::Address))
    }
}

impl From<BallotError> for ApiError {
    fn from(e: BallotError) -> Self {
        let field = e.field();
        let message = match e {
            BallotError::NoRatings => Message::MissingRating(Unrated::All),
            BallotError::MissingUnit { unit, name } => {
                Message::MissingRating(Unrated::Unit { code: unit, name })
            }
            BallotError::UnknownUnit(unit) => Message::UnknownUnit(unit),
            BallotError::UnknownOption { option, .. } => Message::UnknownOption(option),
            BallotError::ReasonNotAsked { .. } => Message::ReasonNotAsked,
            BallotError::Reason { error, .. } => Message::InvalidText { what: FreeText::Reason, error },
            BallotError::Suggestion(error) => Message::InvalidText { what: FreeText::Suggestion, error },
            BallotError::UnknownDistrict(name) => Message::UnknownDistrict(name),
            BallotError::DistrictNotAsked => Message::DistrictNotAsked,
        };
        Self::new(UNPROCESSABLE, message).field(field)
    }
}

impl From<BadReceipt> for ApiError {
    fn from(_: BadReceipt) -> Self {
        Self::new(UNPROCESSABLE, Message::InvalidReceipt).field("receipt")
    }
}

impl From<ReceiptError> for ApiError {
    fn from(e: ReceiptError) -> Self {
        match e {
            ReceiptError::NotCounted => {
                Self::new(StatusCode::NOT_FOUND, Message::UnknownReceipt).field("receipt")
            }
            ReceiptError::Store(e) => e.into(),
        }
    }
}

// Credentials and the public channel.

impl From<Limited> for ApiError {
    fn from(limited: Limited) -> Self {
        let Limited { what, retry_after } = limited;
        Self::new(StatusCode::TOO_MANY_REQUESTS, Message::RateLimited { what, retry_after })
            .retry_after(retry_after)
    }
}

impl From<PublicError> for ApiError {
    fn from(e: PublicError) -> Self {
        let unprocessable = |message, field: &str| Self::new(UNPROCESSABLE, message).field(field);
        match e {
            PublicError::WrongMode(mode) => Self::new(StatusCode::FORBIDDEN, Message::PublicClosed(mode)),
            PublicError::Phone(why) => unprocessable(Message::BadPhone(why), "phone"),
            PublicError::Captcha(CaptchaError::Wrong) => unprocessable(Message::BadCaptcha, "captcha_answer"),
            PublicError::Captcha(CaptchaError::Expired) => {
                unprocessable(Message::CaptchaExpired, "captcha_id")
            }
            PublicError::Otp(OtpError::Wrong { tries_left }) => {
                unprocessable(Message::BadOtp { tries_left }, "otp")
                    .details(json!({ "tries_left": tries_left }))
            }
            PublicError::Otp(OtpError::Expired) => unprocessable(Message::OtpExpired, "otp"),
            PublicError::Limited(limited) => limited.into(),
            PublicError::SmsFailed => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, Message::SmsFailed).retry_after(10)
            }
            PublicError::AlreadyTaken => Self::already_used(Credential::Phone),
            PublicError::ForgedDevice => {
                Self::new(StatusCode::FORBIDDEN, Message::ForgedDevice).field("device")
            }
            PublicError::Captcha(CaptchaError::Hot(e))
            | PublicError::Otp(OtpError::Hot(e))
            | PublicError::Hot(e) => {
                // Without hot state there are no codes or captchas: say so, and that it will pass.
                tracing::warn!(error = %e, "public channel without hot state");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, Message::Unavailable(Busy::Verifying))
                    .retry_after(5)
            }
            PublicError::Store(e) => e.into(),
        }
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
            AdmitError::Mixed => Self::new(UNPROCESSABLE, Message::MixedCredentials).field("invitation"),
            AdmitError::Missing => Self::new(UNPROCESSABLE, Message::MissingInvitation).field("invitation"),
            AdmitError::UnknownInvitation => {
                Self::new(StatusCode::NOT_FOUND, Message::UnknownInvitation).field("invitation")
            }
            AdmitError::CaptchaRequired => {
                Self::new(StatusCode::FORBIDDEN, Message::CaptchaRequired).field("captcha_answer")
            }
            AdmitError::Public(e) => e.into(),
            AdmitError::Store(e) => e.into(),
        }
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::AlreadyTaken(credential) => Self::already_used(credential),
            IntakeError::InFlight => Self::new(CONFLICT, Message::InProgress).field("invitation"),
            IntakeError::ReceiptTaken => Self::new(CONFLICT, Message::ReceiptTaken).field("receipt"),
            IntakeError::Closed => Self::new(StatusCode::GONE, Message::Closed(NoLonger::Ballots)),
            IntakeError::Write(e) => e.into(),
            IntakeError::Store(e) => e.into(),
        }
    }
}

// Staff.
