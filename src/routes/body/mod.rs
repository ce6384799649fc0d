//! Reading a JSON body: bounded in size, and with the path of the offending field in the
//! error (`ratings.A01: invalid type…`), which actix's `Json` extractor does not give.
//! Strict: only `Content-Type: application/json` (a plain HTML form cannot send it
//! cross-site, so no form can post JSON to us from another site), nothing after the
//! document, and no key twice in one object.

mod unique_keys;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::web;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

/// Why a body was not read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the body is not valid JSON: {0}")]
    Malformed(String),
    /// Valid JSON, but a field does not fit: `path` names it.
    #[error("`{path}` is not valid: {detail}")]
    InvalidField { path: String, detail: String },
    #[error("`{path}` appears twice")]
    DuplicateKey { path: String },
    #[error("the body is not declared as JSON")]
    NotJson,
    #[error("the body did not arrive in time")]
    TooSlow,
}

/// The service's setting, or its default where there is no service (unit tests).
fn body_timeout(req: &actix_web::HttpRequest) -> std::time::Duration {
    (req.app_data::<web::Data<super::state::AppState>>())
        .map_or(std::time::Duration::from_secs(10), |state| state.body_timeout)
}

pub async fn read_json<T: DeserializeOwned>(
    req: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, BodyError> {
    if !declares_json(req) {
        return Err(BodyError::NotJson);
    }
    parse_json(&read_bytes(req, payload, limit).await?)
}

/// `application/json`, with or without parameters (`; charset=utf-8`), in any case.
fn declares_json(req: &actix_web::HttpRequest) -> bool {
    (req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()))
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// The whole body, refused with `413` past `limit` bytes (before reading, when the client
/// declares its length).
pub async fn read_bytes(
    req: &actix_web::HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, BodyError> {
    let declared = (req.headers().get(actix_web::http::header::CONTENT_LENGTH))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut bytes = web::BytesMut::with_capacity(declared.unwrap_or(4096).min(limit));
    // Headers are timed by the server (5 s); the body is timed here, as a whole, so that a
    // client trickling a byte a second cannot hold a worker's connection for ever.
    let deadline = tokio::time::Instant::now() + body_timeout(req);
    loop {
        let next = tokio::time::timeout_at(deadline, payload.next()).await.map_err(|_| BodyError::TooSlow)?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|e| BodyError::Malformed(e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A body read strictly: its duplicate keys first (which the walk finds only in a document
/// that parses), then the document into its type, then nothing but whitespace after it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    if let Ok(Some(path)) = unique_keys::first_duplicate(bytes) {
        return Err(BodyError::DuplicateKey { path });
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => BodyError::InvalidField { path, detail: inner.to_string() },
            _ => BodyError::Malformed(inner.to_string()),
        }
    })?;
    de.end().map_err(|e| BodyError::Malformed(e.to_string()))?;
    Ok(value)
}
