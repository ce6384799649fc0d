//! Builds the application from settings: store, hot state, writer, HTTP server; the
//! housekeeping task; shutdown that drains the writer.

pub mod config;
pub mod files;
pub mod production;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::campaign::Catalog;
use crate::guard::{address::TrustedProxies, signals::Signals, Guard};
use crate::hot::{self, HotState};
use crate::identity::captcha::Captchas;
use crate::identity::Secret;
use crate::intake::gate::Gate;
use crate::intake::mixer;
use crate::intake::seal::Sealer;
use crate::intake::writer::BallotWriter;
pub use crate::routes::state::AppState;
use crate::server::config::Settings;
use crate::store::{self, Store};

impl AppState {
    /// Opens everything the settings name, running migrations.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        files::lock_down(&settings.data_dir)
            .with_context(|| format!("cannot make {} private", settings.data_dir.display()))?;
        let store = store::open(settings.database_url.as_deref(), &settings.data_dir).await?;
        let hot = hot::open(settings.redis_url.as_deref(), &settings.redis_prefix)
            .await
            .context("cannot connect to Redis")?;
        let secret = load_secret(settings)?;
        Self::new(settings, store, hot, secret)
    }

    pub fn new(
        settings: &Settings,
        store: Arc<dyn Store>,
        hot: Arc<dyn HotState>,
        secret: Secret,
    ) -> anyhow::Result<Self> {
        settings.check()?;
        // Install the metrics recorder before anything records.
        crate::routes::telemetry::metrics_handle();
        let guard =
            Guard::new(settings.limits.clone(), TrustedProxies::new(settings.trusted_proxies.clone()));
        let gate = Gate {
            captchas: Captchas::new(settings.limits.captcha_ttl_secs, secret.clone()),
            sms: crate::sms::open(
                &settings.sms,
                &settings.data_dir,
                settings.load_test,
                settings.production,
            )?,
            sms_settings: settings.sms.clone(),
            load_test: settings.load_test,
        };
        if settings.load_test {
            tracing::warn!("load-test mode: captcha answers and SMS codes are handed to clients");
        }
        let sealer = Sealer::new(&secret);
        Ok(Self {
            factor: crate::staff::totp::SecondFactor::new(&secret),
            require_second_factor: settings.require_second_factor(),
            housekeeping: spawn_housekeeping(store.clone(), guard.signals.clone(), sealer.clone()),
            sealer,
            guard,
            gate,
            writer: BallotWriter::spawn(store.clone(), settings.writer()),
            catalog: Catalog::new(store.clone()),
            store,
            hot,
            secret,
            max_body_bytes: settings.max_body_bytes,
            body_timeout: std::time::Duration::from_secs(settings.body_timeout_secs.max(1)),
            metrics_address: None,
            secure_cookies: settings.public_base().starts_with("https://"),
            progress: Default::default(),
            public_base: settings.public_base(),
        })
    }

    /// Commits every queued ballot and the last abuse signals, then closes the database.
    pub async fn shutdown(&self) {
        self.writer.shutdown().await;
        self.housekeeping.abort();
        self.guard.signals.flush(self.store.as_ref()).await;
        self.store.close().await;
    }
}

/// Every second: writes the abuse signals counted in memory, mixes the sealed ballots of
/// every campaign that has enough waiting (`intake::mixer`), and folds counter increments
/// into the counters. Each may fail for a while (database down); nothing is lost, the next
/// round tries again.
fn spawn_housekeeping(
    store: Arc<dyn Store>,
    signals: Signals,
    sealer: Sealer,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            signals.flush(store.as_ref()).await;
            if let Err(e) = mixer::mix_due(store.as_ref(), &sealer).await {
                tracing::warn!(error = %e, "sealed ballots not mixed yet; they wait, counted once later");
            }
            if let Err(e) = store.fold_tally_deltas().await {
                tracing::warn!(error = %e, "counter increments not folded yet; readers add them up meanwhile");
            }
        }
    })
}

pub fn load_secret(settings: &Settings) -> anyhow::Result<Secret> {
    Ok(match &settings.secret {
        Some(value) => Secret::from_config(value)?,
        None => Secret::load_or_create(&settings.data_dir)?,
    })
}

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

impl Application {
    /// Binds the listener (port 0 picks a free port, for tests) and builds the server.
    pub fn build(settings: &Settings, mut state: AppState) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let address = listener.local_addr()?;
        let port = address.port();
        if settings.public_url.is_none() {
            // Links in invitations need an address people can reach; without `public_url`
            // the listening address is the best guess (right for the demo on one machine).
            state.public_base = format!("http://{address}");
            if address.ip().is_unspecified() {
                tracing::warn!(
                    "listening on {address}: set MINPING_PUBLIC_URL so that invitation links carry a reachable address"
                );
            }
        }
        // Metrics on a listener of their own (one server, so one shutdown): the live ballot
        // count, refusal reasons and sign-in outcomes are for the operator, not the internet.
        let metrics_listener = match &settings.metrics_bind {
            Some(bind) => {
                let listener = TcpListener::bind(bind)
                    .with_context(|| format!("cannot listen for metrics on {bind}"))?;
                state.metrics_address = Some(listener.local_addr()?);
                Some(listener)
            }
            None => None,
        };
        let state = web::Data::new(state);
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(Compress::default())
                .wrap(from_fn(crate::routes::exposure::guard))
                .wrap(from_fn(crate::routes::telemetry::observe))
                .configure(crate::routes::configure(app_state.clone()))
        })
        // Without it, a compressed body written after its headers waits for the client's
        // delayed ACK: ~40 ms on every response over a kilobyte.
        .tcp_nodelay(true)
        .shutdown_timeout(30)
        .listen(listener)?;
        if let Some(listener) = metrics_listener {
            server = server.listen(listener)?;
        }
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Self { port, server: server.run(), state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where metrics are served, if anywhere.
    pub fn metrics_address(&self) -> Option<std::net::SocketAddr> {
        self.state.metrics_address
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (Ctrl-C, SIGTERM, or the handle), then lets in-flight requests
    /// finish and drains the ballot writer, so every acknowledged ballot is on disk.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await;
        self.state.shutdown().await;
        served.context("the HTTP server failed")
    }
}
