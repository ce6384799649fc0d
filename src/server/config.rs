//! Settings: defaults → an optional TOML file (`--config` / `MINPING_CONFIG`) → `MINPING_*`
//! environment variables → `DATABASE_URL` / `REDIS_URL` → command-line flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use ipnet::IpNet;

use crate::guard::limits::Limits;
use crate::intake::writer::WriterConfig;
use crate::sms::{GatewayKind, SmsSettings};

#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// Where the embedded profile keeps its database, the server secret and demo files.
    pub data_dir: PathBuf,
    /// `postgres://…` for the scaled profile; unset for the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// `redis://…` for the scaled profile; unset for in-process hot state.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so that several deployments (or tests) can share a Redis.
    pub redis_prefix: String,
    /// The key of every keyed hash (tokens, phone numbers); 32+ characters. When unset, a
    /// random one is kept in `data_dir/secret.key`. Instances sharing a database must share it.
    pub secret: Option<String>,
    /// The address people reach the service at, for the links in invitations.
    pub public_url: Option<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A request body that has not arrived whole this many seconds after the handler began
    /// reading it is answered `408` and its connection closed (slow-body clients).
    pub body_timeout_secs: u64,
    /// Where Prometheus metrics are served (e.g. `127.0.0.1:9464`), on their own listener:
    /// never on the public port. Unset: no metrics listener.
    pub metrics_bind: Option<String>,
    pub writer_max_batch: usize,
    pub writer_max_wait_ms: u64,
    pub writer_queue: usize,
    /// HTTP worker threads; the number of cores when unset.
    pub workers: Option<usize>,
    /// Networks of the reverse proxies in front of the service. Only a request from one of
    /// them has its `X-Forwarded-For` believed; otherwise the socket's peer is the client.
    pub trusted_proxies: Vec<IpNet>,
    /// The public channel's limits (`[limits]`, or `MINPING_LIMITS__OTP_TTL_SECS` …).
    pub limits: Limits,
    /// How SMS codes are sent (`[sms]`, or `MINPING_SMS__GATEWAY` …).
    pub sms: SmsSettings,
    /// A load-test server: captcha answers and SMS codes are handed to the client. Refused
    /// unless the server listens on loopback only.
    pub load_test: bool,
    /// Staff accounts (`[staff]`, or `MINPING_STAFF__REQUIRE_SECOND_FACTOR`).
    pub staff: StaffSettings,
    /// Set by `minping serve`, never by configuration: a production instance (see
    /// `server::production`). `demo`, the other commands and tests leave it off.
    #[serde(skip)]
    pub production: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffSettings {
    /// Whether admins and auditors must sign in with a second factor (TOTP). Unset: yes for
    /// `serve`, no for `demo`.
    pub require_second_factor: Option<bool>,
}

/// Every setting's name, for picking `MINPING_*` variables out of the environment.
const FIELDS: &[&str] = &[
    "bind",
    "data_dir",
    "database_url",
    "redis_url",
    "redis_prefix",
    "secret",
    "public_url",
    "max_body_bytes",
    "body_timeout_secs",
    "metrics_bind",
    "writer_max_batch",
    "writer_max_wait_ms",
    "writer_queue",
    "workers",
    "trusted_proxies",
    "limits",
    "sms",
    "load_test",
    "staff",
];

impl Default for Settings {
    fn default() -> Self {
        let writer = WriterConfig::default();
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("minping-data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "mp:".into(),
            secret: None,
            public_url: None,
            max_body_bytes: 256 * 1024,
            body_timeout_secs: 10,
            metrics_bind: None,
            writer_max_batch: writer.max_batch,
            writer_max_wait_ms: writer.max_wait.as_millis() as u64,
            writer_queue: writer.queue,
            workers: None,
            trusted_proxies: Vec::new(),
            limits: Limits::default(),
            sms: SmsSettings::default(),
            load_test: false,
            staff: StaffSettings::default(),
            production: false,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // URLs may carry passwords and the secret is a secret: name the profile, not them.
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("metrics_bind", &self.metrics_bind)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_url.as_ref().map(|u| scheme(u)))
            .field("redis", &self.redis_url.as_ref().map(|u| scheme(u)))
            .field("secret", &self.secret.as_ref().map(|_| ".."))
            .field("sms", &self.sms)
            .field("load_test", &self.load_test)
            .finish_non_exhaustive()
    }
}

fn scheme(url: &str) -> &str {
    url.split(':').next().unwrap_or_default()
}

impl Settings {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut builder = config::Config::builder();
        if let Some(file) = file {
            builder =
                builder.add_source(config::File::from(file).format(config::FileFormat::Toml).required(true));
        }
        // Only the variables that name a setting: others share the prefix (MINPING_CONFIG,
        // the test suite's MINPING_TEST_*) and must not trip the check for unknown keys.
        let known: std::collections::HashMap<String, String> = std::env::vars()
            .filter_map(|(name, value)| {
                let key = name.strip_prefix("MINPING_")?.to_ascii_lowercase();
                // `MINPING_SMS__GATEWAY` sets `gateway` in `[sms]`.
                let top = key.split("__").next().unwrap_or_default();
                FIELDS.contains(&top).then_some((name, value))
            })
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("MINPING")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("trusted_proxies")
                .source(Some(known)),
        );
        for (var, key) in [("DATABASE_URL", "database_url"), ("REDIS_URL", "redis_url")] {
            if let Ok(value) = std::env::var(var) {
                if !value.is_empty() {
                    builder = builder.set_override(key, value)?;
                }
            }
        }
        let settings: Settings = builder
            .build()
            .context("cannot read the configuration")?
            .try_deserialize()
            .context("the configuration is not valid")?;
        settings.check()?;
        Ok(settings)
    }

    /// What the types alone cannot say.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.load_test {
            let loopback = (self.bind.parse::<std::net::SocketAddr>()).is_ok_and(|a| a.ip().is_loopback());
            anyhow::ensure!(
                loopback,
                "load_test hands captcha answers and SMS codes to clients: it needs a loopback `bind` (127.0.0.1:…), not {}",
                self.bind
            );
        }
        if self.sms.gateway == Some(GatewayKind::Loadtest) {
            anyhow::ensure!(self.load_test, "sms.gateway = \"loadtest\" needs load_test (serve --load-test)");
        }
        Ok(())
    }

    /// The base of the links handed out, without a trailing slash.
    pub fn public_base(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Whether admins and auditors need a second factor: as configured, else in production.
    pub fn require_second_factor(&self) -> bool {
        self.staff.require_second_factor.unwrap_or(self.production)
    }

    pub fn writer(&self) -> WriterConfig {
        WriterConfig {
            max_batch: self.writer_max_batch.max(1),
            max_wait: Duration::from_millis(self.writer_max_wait_ms),
            queue: self.writer_queue.max(1),
        }
    }

    pub fn profile(&self) -> &'static str {
        match self.database_url.as_deref() {
            Some(url) if url.starts_with("postgres") => "scaled",
            _ => "embedded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_can_come_from_the_environment() {
        let value = serde_json::to_value(Settings::default()).unwrap();
        let mut names: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        let mut fields = FIELDS.to_vec();
        names.sort();
        fields.sort();
        assert_eq!(names, fields);
    }

    #[test]
    fn a_file_with_an_unknown_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.toml");
        std::fs::write(&good, "bind = \"0.0.0.0:9000\"\nwriter_max_batch = 64\n").unwrap();
        let settings = Settings::load(Some(&good)).unwrap();
        assert_eq!((settings.bind.as_str(), settings.writer_max_batch), ("0.0.0.0:9000", 64));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "bnid = \"0.0.0.0:9000\"\n").unwrap();
        let error = format!("{:#}", Settings::load(Some(&bad)).unwrap_err());
        assert!(error.contains("bnid"), "{error}");
    }

    #[test]
    fn sections_come_from_a_file_and_load_tests_need_loopback() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("public.toml");
        std::fs::write(
            &file,
            "trusted_proxies = [\"10.0.0.0/8\"]\n[limits]\notp_max_tries = 3\n[sms]\ngateway = \"webhook\"\nwebhook_url = \"https://sms.example/send\"\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.limits.otp_max_tries, 3);
        assert_eq!(settings.limits.otp_ttl_secs, Limits::default().otp_ttl_secs);
        assert_eq!(settings.sms.gateway, Some(GatewayKind::Webhook));
        assert_eq!(settings.trusted_proxies, vec!["10.0.0.0/8".parse::<IpNet>().unwrap()]);

        let open = Settings { bind: "0.0.0.0:8080".into(), load_test: true, ..Settings::default() };
        assert!(open.check().is_err());
        let loopback = Settings { bind: "127.0.0.1:0".into(), load_test: true, ..Settings::default() };
        assert!(loopback.check().is_ok());
        let gateway = SmsSettings { gateway: Some(GatewayKind::Loadtest), ..SmsSettings::default() };
        assert!(Settings { sms: gateway, ..Settings::default() }.check().is_err());
    }
}
