//! Building an answer: the code and both languages from the catalogue, then what the
//! mapping in `mod.rs` adds (the field, when to retry, details). Statuses and fields are
//! chosen there, not here.

use actix_web::http::StatusCode;

use super::messages::Message;
use super::ApiError;

impl ApiError {
    pub(super) fn new(status: StatusCode, message: Message) -> Self {
        Self {
            status,
            error: message.code(),
            field: None,
            message: message.zh(),
            message_en: message.en(),
            retry_after: None,
            close: false,
            details: None,
        }
    }

    /// An answer whose words come from a part of the catalogue of its own (`accounts.rs`).
    pub(super) fn with_words(status: StatusCode, code: &'static str, zh: String, en: String) -> Self {
        Self {
            status,
            error: code,
            field: None,
            message: zh,
            message_en: en,
            retry_after: None,
            close: false,
            details: None,
        }
    }

    pub(super) fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub(super) fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub(super) fn closing(mut self) -> Self {
        self.close = true;
        self
    }

    pub(super) fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }
}

/// An error and its causes on one line, as `anyhow` shows them with `{:#}`.
pub(super) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(&format!(": {next}"));
        cause = next.source();
    }
    text
}
