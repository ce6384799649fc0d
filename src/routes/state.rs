//! What every handler shares: the running service's parts, built by `server` at start.
//! Handlers hand each service only the parts it needs.

use std::sync::Arc;

use crate::campaign::progress::{ProgressCache, Sources};
use crate::campaign::Catalog;
use crate::guard::Guard;
use crate::hot::HotState;
use crate::identity::Secret;
use crate::intake::admit::Admission;
use crate::intake::gate::{Deps, Gate};
use crate::intake::seal::Sealer;
use crate::intake::writer::BallotWriter;
use crate::intake::Intake;
use crate::panel::reminders::Sender;
use crate::staff::accounts::Accounts;
use crate::staff::sign_in::SignInDeps;
use crate::staff::totp::SecondFactor;
use crate::store::Store;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub hot: Arc<dyn HotState>,
    pub writer: BallotWriter,
    pub catalog: Catalog,
    pub secret: Secret,
    /// Seals ballots at commit and opens them in the mixer (a key derived from `secret`).
    pub sealer: Sealer,
    pub max_body_bytes: usize,
    /// How long a request body may take to arrive (`408` past it).
    pub body_timeout: std::time::Duration,
    /// The metrics listener's address, when there is one: the only place `/metrics` answers.
    pub metrics_address: Option<std::net::SocketAddr>,
    /// Staff cookies carry `Secure` when the service is reached over HTTPS.
    pub secure_cookies: bool,
    pub progress: ProgressCache,
    /// The address people reach the service at, for invitation links.
    pub public_base: String,
    /// Limits, abuse signals, trusted proxies.
    pub guard: Guard,
    /// The public channel: captchas and SMS codes.
    pub gate: Gate,
    /// Seals and checks staff second factors (a key derived from `secret`).
    pub factor: SecondFactor,
    /// Whether admins and auditors must sign in with a second factor.
    pub require_second_factor: bool,
    /// The background task `server` started; stopped at shutdown.
    pub(crate) housekeeping: tokio::task::JoinHandle<()>,
}

impl AppState {
    /// Where the live figures are read from.
    pub fn sources(&self) -> Sources<'_> {
        Sources { store: self.store.as_ref(), hot: self.hot.as_ref(), guard: &self.guard }
    }

    /// What the public channel's checks need.
    pub fn deps(&self) -> Deps<'_> {
        Deps { hot: self.hot.as_ref(), store: self.store.as_ref(), secret: &self.secret, guard: &self.guard }
    }

    /// What turns a credential into a respondent.
    pub fn admission(&self) -> Admission<'_> {
        Admission { deps: self.deps(), gate: &self.gate }
    }

    /// What sends reminder SMS: the gateway, and the budgets and signals it counts against.
    pub fn reminder_sender(&self) -> Sender<'_> {
        Sender {
            store: self.store.as_ref(),
            secret: &self.secret,
            base_url: &self.public_base,
            hot: self.hot.as_ref(),
            sms: self.gate.sms.as_ref(),
            signals: &self.guard.signals,
            limits: &self.guard.limits,
        }
    }

    /// The way from an admitted ballot to a committed one.
    pub fn intake(&self) -> Intake<'_> {
        Intake {
            store: self.store.as_ref(),
            hot: self.hot.as_ref(),
            writer: &self.writer,
            signals: &self.guard.signals,
            sealer: &self.sealer,
        }
    }

    /// What signing a staff member in needs.
    pub fn sign_in_deps(&self) -> SignInDeps<'_> {
        SignInDeps {
            store: self.store.as_ref(),
            hot: self.hot.as_ref(),
            captchas: &self.gate.captchas,
            factor: &self.factor,
            require_second_factor: self.require_second_factor,
            limits: &self.guard.limits,
        }
    }

    /// Staff accounts, changed in the name of `actor`.
    pub fn accounts<'a>(&'a self, actor: &'a str) -> Accounts<'a> {
        Accounts { store: self.store.as_ref(), factor: &self.factor, actor }
    }
}
