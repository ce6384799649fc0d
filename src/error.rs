//! The one error type of the HTTP API. Every refusal is JSON that says which field was
//! wrong and why, in Chinese and English, with the status that fits.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::domain::ballot::BallotError;
use crate::store::{StoreError, WriteError};

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
    pub details: Option<serde_json::Value>,
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
