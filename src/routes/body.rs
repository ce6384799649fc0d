//! Reading a JSON body: bounded in size, and with the path of the offending field in the
//! error (`ratings.A01: invalid type…`), which actix's `Json` extractor does not give.

use actix_web::http::StatusCode;
use actix_web::web;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub async fn read_json<T: DeserializeOwned>(
    req: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    parse_json(&read_bytes(req, payload, limit).await?)
}

/// The whole body, refused with `413` past `limit` bytes (before reading, when the client
/// declares its length).
pub async fn read_bytes(
    req: &actix_web::HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let declared = (req.headers().get(actix_web::http::header::CONTENT_LENGTH))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::body_too_large(limit));
    }
    let mut bytes = web::BytesMut::with_capacity(declared.unwrap_or(4096).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::malformed_json(&e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::body_too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                format!("字段“{path}”的内容不正确：{inner}"),
                format!("`{path}` is not valid: {inner}"),
            )
            .field(path),
            _ => ApiError::malformed_json(&inner.to_string()),
        }
    })
}
