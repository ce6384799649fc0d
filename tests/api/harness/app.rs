//! Starting a test's server on its backend, and restarting, stopping and finishing it.

use std::path::Path;
use std::time::Duration;

use actix_web::web;
use minping::server::config::Settings;
use minping::server::{AppState, Application};
use serde_json::Value;

use super::{Backend, Invite, TestApp, PANEL};

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

pub fn admin_database_url() -> String {
    env_or("MINPING_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
}

pub fn redis_url() -> String {
    env_or("MINPING_TEST_REDIS_URL", "redis://127.0.0.1:6379")
}

/// Whether PostgreSQL and Redis answer; says why not, once per test, when they don't.
/// With `MINPING_REQUIRE_SCALED=1` (as in CI) a missing service fails the test instead.
async fn scaled_services_available() -> bool {
    let pg = tokio::time::timeout(Duration::from_secs(3), sqlx::PgPool::connect(&admin_database_url())).await;
    let redis = async {
        let client = redis::Client::open(redis_url())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    let redis = tokio::time::timeout(Duration::from_secs(3), redis).await;
    let problem = match (&pg, &redis) {
        (Ok(Ok(_)), Ok(Ok(_))) => return true,
        (Err(_), _) => "PostgreSQL did not answer within 3 s".to_owned(),
        (Ok(Err(e)), _) => format!("PostgreSQL: {e}"),
        (_, Err(_)) => "Redis did not answer within 3 s".to_owned(),
        (_, Ok(Err(e))) => format!("Redis: {e}"),
    };
    if std::env::var("MINPING_REQUIRE_SCALED").is_ok_and(|v| v == "1") {
        panic!("scaled-profile test cannot run: {problem} (MINPING_REQUIRE_SCALED=1)");
    }
    eprintln!(
        "SKIPPED scaled-profile test: {problem}. Set MINPING_TEST_DATABASE_URL / MINPING_TEST_REDIS_URL \
         or start PostgreSQL and Redis on 127.0.0.1."
    );
    false
}

fn random_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12).map(|_| (b'a' + rng.random_range(0..26)) as char).collect()
}

/// Starts an app with the demo campaign and a panel of [`PANEL`]; `None` when the backend's
/// services are not there (the test then returns early, having said why).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// [`spawn_app`] with settings of the test's own (limits, gateways, proxies).
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        workers: Some(2),
        ..Settings::default()
    };
    configure(&mut settings);
    let mut database = None;
    if backend == Backend::Scaled {
        if !scaled_services_available().await {
            return None;
        }
        let name = format!("minping_test_{}", random_suffix());
        let admin = sqlx::PgPool::connect(&admin_database_url()).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
        admin.close().await;
        settings.database_url = Some(database_url_for(&name));
        settings.redis_url = Some(redis_url());
        settings.redis_prefix = format!("mpt:{}:", random_suffix());
        database = Some(name);
    }
    let state = AppState::open(&settings).await.expect("the app opens its store");
    minping::cli::demo::ensure(state.store.as_ref(), &state.secret, &settings.data_dir, "http://test", PANEL)
        .await
        .expect("the demo campaign is created");
    let invites = (demo_rows(&settings.data_dir).iter())
        .map(|r| Invite { token: r[3].to_owned(), short_code: r[4].to_owned() })
        .collect();
    let mut app = TestApp {
        backend,
        address: String::new(),
        settings,
        invites,
        campaign: Value::Null,
        client: awc::Client::builder().timeout(Duration::from_secs(30)).finish(),
        server: None,
        state: web::Data::new(state),
        _dir: dir,
        database,
    };
    app.start_with(None).await;
    app.campaign = app.get_json("/api/v1/campaigns/demo").await.1;
    Some(app)
}

pub fn database_url_for(name: &str) -> String {
    let admin = admin_database_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{name}")
}

/// The rows of the demo's invitation list in `data_dir`: member code, segment, district,
/// token, short code, link.
fn demo_rows(data_dir: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(data_dir.join(minping::cli::demo::CSV_NAME)).unwrap();
    reader.records().map(Result::unwrap).collect()
}

impl TestApp {
    /// The demo panel's invitation list by member code: segment, district, token, short code, link.
    pub fn demo_members(&self) -> std::collections::HashMap<String, Vec<String>> {
        (demo_rows(&self.settings.data_dir).iter())
            .map(|r| (r[0].to_owned(), r.iter().skip(1).map(str::to_owned).collect()))
            .collect()
    }

    async fn start_with(&mut self, state: Option<AppState>) {
        let mut state = match state {
            Some(s) => s,
            None => AppState::open(&self.settings).await.unwrap(),
        };
        // Captcha answers are kept hashed: test servers hand them out, as load-test servers do.
        state.gate.load_test = true;
        let app = Application::build(&self.settings, state).unwrap();
        self.address = format!("http://127.0.0.1:{}", app.port());
        self.state = app.state();
        let handle = app.handle();
        let join = actix_rt::spawn(app.run_until_stopped());
        self.server = Some((handle, join));
    }

    /// Another instance on the same database and hot state (scaled profile): its address,
    /// and a handle to stop it.
    pub async fn second_instance(&self) -> (String, actix_web::dev::ServerHandle) {
        let mut state = AppState::open(&self.settings).await.unwrap();
        state.gate.load_test = true;
        let app = Application::build(&self.settings, state).unwrap();
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        actix_rt::spawn(app.run_until_stopped());
        (address, handle)
    }

    /// Stops the server gracefully (draining the writer) and starts a fresh one on the same
    /// data: in-process hot state is lost, as in a real restart.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start_with(None).await;
    }

    pub async fn stop(&mut self) {
        if let Some((handle, join)) = self.server.take() {
            handle.stop(true).await;
            join.await.unwrap().unwrap();
        }
    }

    /// Forgets all hot state: flushes this test's Redis keys, or restarts the embedded app.
    pub async fn lose_hot_state(&mut self) {
        match self.backend {
            Backend::Scaled => {
                let client = redis::Client::open(redis_url()).unwrap();
                let mut conn = client.get_multiplexed_async_connection().await.unwrap();
                let pattern = format!("{}*", self.settings.redis_prefix);
                let keys: Vec<String> =
                    redis::cmd("KEYS").arg(&pattern).query_async(&mut conn).await.unwrap();
                assert!(!keys.is_empty(), "the test expected hot-state keys to flush");
                redis::cmd("DEL").arg(&keys).query_async::<()>(&mut conn).await.unwrap();
            }
            Backend::Embedded => self.restart().await,
        }
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.as_ref().expect("the server is running").0.clone()
    }

    pub fn database_name(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// Runs one statement on this test's PostgreSQL database as the admin user.
    pub async fn pg_admin(&self, sql: &str) {
        let admin = sqlx::PgPool::connect(&admin_database_url()).await.unwrap();
        sqlx::query(sql).execute(&admin).await.unwrap();
        admin.close().await;
    }

    /// Stops the server and drops this test's database.
    pub async fn finish(mut self) {
        self.stop().await;
        if let Some(name) = self.database.take() {
            self.pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}
