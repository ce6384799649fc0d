//! The test harness: one running server per test, on the backend the test names — its own
//! SQLite file, or its own PostgreSQL database and Redis key prefix — so tests run in parallel.
//!
//! - [`app`]: starting, restarting and stopping the server; the backends' services.
//! - [`requests`]: the public API as the survey page uses it (captcha, SMS code, ballots).
//! - [`store`]: what the store holds (counts, tallies, signals, columns).
//! - [`staff`]: staff accounts, sign-in and the staff API.
//! - [`cli`]: the `minping` command line next to the running server.
//! - [`nginx`]: real nginx in front of the server, with the deployment's site file.

use actix_web::web;
use minping::server::config::Settings;
use minping::server::AppState;
use serde_json::Value;

mod app;
mod cli;
pub mod nginx;
mod requests;
mod staff;
mod store;

pub use app::{database_url_for, spawn_app, spawn_app_with};
pub use cli::{minping_alone, ok};
pub use requests::unit_codes_of;
pub use staff::{faulty_rows, urlencode, Staff};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    /// SQLite + in-process hot state.
    Embedded,
    /// PostgreSQL + Redis.
    Scaled,
}

/// A panel invitation from the demo list.
#[derive(Debug, Clone)]
pub struct Invite {
    pub token: String,
    pub short_code: String,
}

pub struct TestApp {
    pub backend: Backend,
    pub address: String,
    pub settings: Settings,
    pub invites: Vec<Invite>,
    pub campaign: Value,
    pub client: awc::Client,
    server: Option<(actix_web::dev::ServerHandle, actix_rt::task::JoinHandle<anyhow::Result<()>>)>,
    pub state: web::Data<AppState>,
    _dir: tempfile::TempDir,
    database: Option<String>,
}

pub const PANEL: usize = 60;

/// Runs each named `async fn name(backend: Backend)` of the calling module once per
/// backend, as `embedded::name` and `scaled::name`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::harness::Backend::Embedded).await
                }
            )*
        }
        mod scaled {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::harness::Backend::Scaled).await
                }
            )*
        }
    };
}
