//! Sending SMS codes, pluggable: an outbox file for development and tests, an HTTP
//! webhook that any provider can be reached through by configuration alone, and a
//! load-test gateway that sends nothing (it only exists on a loopback load-test server).

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::identity::PhoneNumber;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayKind {
    /// Messages go to `sms-outbox.jsonl` in the data directory (and the staff console).
    #[default]
    Outbox,
    /// An HTTP request per message, to the provider's API.
    Webhook,
    /// Nothing is sent; codes come back in a response header. Load-test servers only.
    Loadtest,
    /// `serve` without `sms.gateway`: every message is refused. Not a setting.
    #[serde(skip)]
    Unconfigured,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// Placeholders are filled with JSON string escapes (the template supplies the quotes).
    #[default]
    Json,
    /// Placeholders are filled percent-encoded, for `application/x-www-form-urlencoded`.
    Form,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// Unset: the outbox for `demo`, the command line and tests; `serve` refuses to start
    /// while a campaign takes the public channel by phone, and sends nothing.
    pub gateway: Option<GatewayKind>,
    /// The message; `{code}` and `{minutes}` are filled in.
    pub template: String,
    pub webhook_url: Option<String>,
    pub webhook_method: String,
    /// Extra headers, e.g. an API key or the content type.
    pub webhook_headers: BTreeMap<String, String>,
    /// The request body; `{phone}`, `{text}` and `{code}` are filled in.
    pub webhook_body: String,
    pub webhook_encoding: BodyEncoding,
    pub webhook_timeout_ms: u64,
    /// Further attempts after a failure that may pass (no answer, 429 or 5xx).
    pub webhook_retries: u32,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self {
            gateway: None,
            template: "【民评】您的验证码为 {code}，{minutes} 分钟内有效，仅用于本次评议，请勿告诉他人。"
                .into(),
            webhook_url: None,
            webhook_method: "POST".into(),
            webhook_headers: BTreeMap::from([("Content-Type".into(), "application/json".into())]),
            webhook_body: r#"{"phone": "{phone}", "text": "{text}"}"#.into(),
            webhook_encoding: BodyEncoding::Json,
            webhook_timeout_ms: 5000,
            webhook_retries: 2,
        }
    }
}

// Header values are often API keys: name them, never show them.
impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings")
            .field("gateway", &self.gateway)
            .field("webhook_url", &self.webhook_url.as_ref().map(|_| ".."))
            .field("webhook_headers", &self.webhook_headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl SmsSettings {
    /// The gateway in use where nothing stricter applies: the one named, else the outbox.
    pub fn kind(&self) -> GatewayKind {
        self.gateway.unwrap_or_default()
    }

    pub fn text(&self, code: &str, ttl_secs: u64) -> String {
        self.template.replace("{code}", code).replace("{minutes}", &ttl_secs.div_ceil(60).to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS gateway did not answer in time or could not be reached: {0}")]
    Unreachable(String),
    #[error("the SMS gateway refused the message with status {0}")]
    Refused(u16),
    #[error("the outbox could not be written: {0}")]
    Outbox(#[from] std::io::Error),
    #[error("no SMS gateway is configured (sms.gateway)")]
    Unconfigured,
}

/// Why the configured gateway cannot be used: found at start, before any message.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("sms.gateway = \"loadtest\" needs a server started with --load-test")]
    LoadtestWithoutFlag,
    #[error("sms.gateway = \"webhook\" needs sms.webhook_url")]
    NoUrl,
    #[error("sms.webhook_url is not a URL")]
    BadUrl(#[source] <reqwest::Url as std::str::FromStr>::Err),
    #[error("sms.webhook_method is not an HTTP method")]
    BadMethod(#[source] <reqwest::Method as std::str::FromStr>::Err),
    #[error("sms.webhook_headers: `{0}` is not a header name")]
    BadHeaderName(String, #[source] reqwest::header::InvalidHeaderName),
    #[error("sms.webhook_headers: the value of `{0}` is not valid")]
    BadHeaderValue(String, #[source] reqwest::header::InvalidHeaderValue),
    #[error("cannot build the SMS HTTP client")]
    Client(#[source] reqwest::Error),
}

#[async_trait]
pub trait SmsGateway: Send + Sync + 'static {
    fn kind(&self) -> GatewayKind;
    async fn send(&self, to: &PhoneNumber, text: &str, code: &str) -> Result<(), SmsError>;
    /// The latest messages, masked, for the staff console; only the outbox keeps any.
    fn recent(&self) -> Vec<OutboxEntry> {
        Vec::new()
    }
}

/// The gateway the settings name. In `production` (`serve`) an unnamed gateway sends nothing,
/// and an outbox named on purpose never shows a message's text to the console.
pub fn open(
    settings: &SmsSettings,
    data_dir: &Path,
    load_test: bool,
    production: bool,
) -> Result<Box<dyn SmsGateway>, GatewayError> {
    let outbox = || Outbox::new(data_dir.join(OUTBOX_NAME)).showing_text(!production);
    Ok(match settings.gateway {
        None if production => Box::new(Unconfigured),
        None | Some(GatewayKind::Outbox) => Box::new(outbox()),
        Some(GatewayKind::Webhook) => Box::new(Webhook::new(settings)?),
        Some(GatewayKind::Loadtest) if load_test => Box::new(Loadtest),
        Some(GatewayKind::Loadtest) => return Err(GatewayError::LoadtestWithoutFlag),
        Some(GatewayKind::Unconfigured) => Box::new(Unconfigured),
    })
}

pub const OUTBOX_NAME: &str = "sms-outbox.jsonl";
const OUTBOX_KEPT: usize = 50;

#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub at: String,
    /// Masked: 138****8000.
    pub to: String,
    pub text: String,
}

/// Development and tests: each message is a JSON line in a file of the data directory.
pub struct Outbox {
    path: PathBuf,
    recent: Mutex<VecDeque<OutboxEntry>>,
    /// Whether the console sees the messages' text (codes, links): in the demo only.
    show_text: bool,
}

/// What the console shows for a message's text outside the demo.
pub const TEXT_WITHHELD: &str = "（非演示环境：短信内容含验证码或邀请码，不在控制台显示）";

impl Outbox {
    pub fn new(path: PathBuf) -> Self {
        Self { path, recent: Mutex::default(), show_text: true }
    }

    pub fn showing_text(self, show_text: bool) -> Self {
        Self { show_text, ..self }
    }
}

#[async_trait]
impl SmsGateway for Outbox {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Outbox
    }

    async fn send(&self, to: &PhoneNumber, text: &str, _code: &str) -> Result<(), SmsError> {
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut entry = OutboxEntry { at, to: to.masked(), text: text.to_owned() };
        let mut line = serde_json::to_vec(&entry).expect("an outbox entry serialises");
        if !self.show_text {
            entry.text = TEXT_WITHHELD.into();
        }
        line.push(b'\n');
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
            file.write_all(&line)
        })
        .await
        .map_err(|e| SmsError::Outbox(std::io::Error::other(e)))??;
        let mut recent = self.recent.lock().expect("outbox lock");
        if recent.len() == OUTBOX_KEPT {
            recent.pop_front();
        }
        recent.push_back(entry);
        Ok(())
    }

    fn recent(&self) -> Vec<OutboxEntry> {
        self.recent.lock().expect("outbox lock").iter().rev().cloned().collect()
    }
}

/// A provider's HTTP API, described by configuration: URL, method, headers, body template.
pub struct Webhook {
    client: reqwest::Client,
    url: reqwest::Url,
    method: reqwest::Method,
    headers: reqwest::header::HeaderMap,
    body: String,
    encoding: BodyEncoding,
    retries: u32,
}

impl Webhook {
    pub fn new(settings: &SmsSettings) -> Result<Self, GatewayError> {
        let url = settings.webhook_url.as_deref().ok_or(GatewayError::NoUrl)?;
        let url = reqwest::Url::parse(url).map_err(GatewayError::BadUrl)?;
        let method = reqwest::Method::from_bytes(settings.webhook_method.to_uppercase().as_bytes())
            .map_err(GatewayError::BadMethod)?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &settings.webhook_headers {
            headers.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|e| GatewayError::BadHeaderName(name.clone(), e))?,
                reqwest::header::HeaderValue::from_str(value)
                    .map_err(|e| GatewayError::BadHeaderValue(name.clone(), e))?,
            );
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.webhook_timeout_ms.max(1)))
            .build()
            .map_err(GatewayError::Client)?;
        Ok(Self {
            client,
            url,
            method,
            headers,
            body: settings.webhook_body.clone(),
            encoding: settings.webhook_encoding,
            retries: settings.webhook_retries,
        })
    }

    fn body(&self, to: &PhoneNumber, text: &str, code: &str) -> String {
        let fill = |value: &str| match self.encoding {
            BodyEncoding::Json => {
                let quoted = serde_json::to_string(value).expect("a string serialises");
                quoted[1..quoted.len() - 1].to_owned()
            }
            BodyEncoding::Form => form_encode(value),
        };
        // One pass, so a placeholder inside the filled text is never filled again.
        let mut out = String::with_capacity(self.body.len() + text.len());
        let mut rest = self.body.as_str();
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let (value, len) = match () {
                _ if after.starts_with("{phone}") => (Some(fill(to.digits())), 7),
                _ if after.starts_with("{text}") => (Some(fill(text)), 6),
                _ if after.starts_with("{code}") => (Some(fill(code)), 6),
                _ => (None, 1),
            };
            out.push_str(value.as_deref().unwrap_or("{"));
            rest = &after[len..];
        }
        out.push_str(rest);
        out
    }
}

fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[async_trait]
impl SmsGateway for Webhook {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Webhook
    }

    async fn send(&self, to: &PhoneNumber, text: &str, code: &str) -> Result<(), SmsError> {
        let body = self.body(to, text, code);
        let mut attempt = 0;
        loop {
            let sent = self
                .client
                .request(self.method.clone(), self.url.clone())
                .headers(self.headers.clone())
                .body(body.clone())
                .send()
                .await;
            let error = match sent {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) => {
                    let status = response.status();
                    let error = SmsError::Refused(status.as_u16());
                    // A plain refusal will not pass on a second try.
                    if !(status.is_server_error() || status.as_u16() == 429) {
                        return Err(error);
                    }
                    error
                }
                // Never the URL's query or the body: they may carry keys and the number.
                Err(e) => SmsError::Unreachable(if e.is_timeout() {
                    "timed out".into()
                } else {
                    "no connection".into()
                }),
            };
            if attempt >= self.retries {
                return Err(error);
            }
            attempt += 1;
            tokio::time::sleep(Duration::from_millis(200 << attempt.min(5))).await;
        }
    }
}

/// `serve` with no gateway named: every message is refused, never silently written down.
pub struct Unconfigured;

#[async_trait]
impl SmsGateway for Unconfigured {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Unconfigured
    }

    async fn send(&self, _to: &PhoneNumber, _text: &str, _code: &str) -> Result<(), SmsError> {
        Err(SmsError::Unconfigured)
    }
}

/// Load tests: nothing is sent; the handler shows the code in a header instead.
pub struct Loadtest;

#[async_trait]
impl SmsGateway for Loadtest {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Loadtest
    }

    async fn send(&self, _to: &PhoneNumber, _text: &str, _code: &str) -> Result<(), SmsError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number() -> PhoneNumber {
        PhoneNumber::parse("13800138000").unwrap()
    }

    #[test]
    fn the_body_template_is_filled_once_and_escaped() {
        let settings = SmsSettings {
            gateway: Some(GatewayKind::Webhook),
            webhook_url: Some("http://127.0.0.1:9/send".into()),
            ..SmsSettings::default()
        };
        let hook = Webhook::new(&settings).unwrap();
        let body = hook.body(&number(), "say \"{code}\"\n", "123456");
        assert_eq!(body, r#"{"phone": "13800138000", "text": "say \"{code}\"\n"}"#);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["text"], "say \"{code}\"\n");

        let form = Webhook::new(&SmsSettings {
            webhook_body: "to={phone}&msg={text}&c={code}&{other}".into(),
            webhook_encoding: BodyEncoding::Form,
            ..settings
        })
        .unwrap();
        assert_eq!(
            form.body(&number(), "验证码 1", "000111"),
            "to=13800138000&msg=%E9%AA%8C%E8%AF%81%E7%A0%81+1&c=000111&{other}"
        );
    }

    #[test]
    fn the_message_says_the_code_and_how_long_it_lives() {
        let text = SmsSettings::default().text("042517", 300);
        assert!(text.contains("042517") && text.contains("5 分钟"), "{text}");
    }

    #[test]
    fn a_webhook_needs_a_url_and_load_tests_need_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let webhook = SmsSettings { gateway: Some(GatewayKind::Webhook), ..SmsSettings::default() };
        assert!(open(&webhook, dir.path(), false, false).is_err());
        let loadtest = SmsSettings { gateway: Some(GatewayKind::Loadtest), ..SmsSettings::default() };
        assert!(open(&loadtest, dir.path(), false, false).is_err());
        assert!(open(&loadtest, dir.path(), true, false).is_ok());
        let unset = open(&SmsSettings::default(), dir.path(), false, true).unwrap();
        assert_eq!(unset.kind(), GatewayKind::Unconfigured);
        assert_eq!(
            open(&SmsSettings::default(), dir.path(), false, false).unwrap().kind(),
            GatewayKind::Outbox
        );
    }

    #[tokio::test]
    async fn the_outbox_keeps_masked_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path().join(OUTBOX_NAME));
        outbox.send(&number(), "code 123456", "123456").await.unwrap();
        let written = std::fs::read_to_string(dir.path().join(OUTBOX_NAME)).unwrap();
        assert!(written.contains("138****8000") && !written.contains("13800138000"), "{written}");
        assert_eq!(outbox.recent()[0].text, "code 123456");
        // Outside the demo the console never sees a live code.
        let quiet = Outbox::new(dir.path().join("quiet.jsonl")).showing_text(false);
        quiet.send(&number(), "code 654321", "654321").await.unwrap();
        assert_eq!(quiet.recent()[0].text, TEXT_WITHHELD);
    }
}
