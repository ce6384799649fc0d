//! One running server per test, on the backend the test names: its own SQLite file, or its
//! own PostgreSQL database and Redis key prefix, so tests run in parallel.

use std::path::PathBuf;
use std::time::Duration;

use actix_web::web;
use minping::server::config::Settings;
use minping::server::{AppState, Application};
use serde_json::{json, Value};

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
    let invites = read_invites(&settings.data_dir.join(minping::cli::demo::CSV_NAME));
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

fn read_invites(path: &std::path::Path) -> Vec<Invite> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Invite { token: r[3].to_owned(), short_code: r[4].to_owned() }
        })
        .collect()
}

impl TestApp {
    async fn start_with(&mut self, state: Option<AppState>) {
        let state = match state {
            Some(s) => s,
            None => AppState::open(&self.settings).await.unwrap(),
        };
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
        let state = AppState::open(&self.settings).await.unwrap();
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

    pub fn unit_codes(&self) -> Vec<String> {
        (self.campaign["categories"].as_array().unwrap().iter())
            .flat_map(|c| {
                c["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_owned())
            })
            .collect()
    }

    /// A complete ballot: every unit `satisfied` except the first, `dissatisfied` with a reason.
    pub fn full_ballot(&self, invitation: &str) -> Value {
        let codes = self.unit_codes();
        let mut ratings = serde_json::Map::new();
        for code in &codes {
            ratings.insert(code.clone(), json!("satisfied"));
        }
        ratings.insert(codes[0].clone(), json!("dissatisfied"));
        json!({
            "invitation": invitation,
            "ratings": ratings,
            "reasons": { codes[0].clone(): "窗口排队时间太长" },
            "suggestion": "希望增加网上办理事项",
        })
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let mut response = self.client.get(format!("{}{path}", self.address)).send().await.unwrap();
        let body = response.body().limit(1 << 20).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<actix_web::web::Bytes>,
    ) -> (u16, Value, Option<String>) {
        let mut response = (self.client.post(format!("{}{path}", self.address)))
            .insert_header(("Content-Type", "application/json"))
            .send_body(body.into())
            .await
            .unwrap();
        let retry_after = response.headers().get("Retry-After").map(|v| v.to_str().unwrap().to_owned());
        let body = response.body().limit(1 << 20).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null), retry_after)
    }

    /// A POST with extra headers; answers status, body, and the named response header.
    pub async fn post_with(
        &self,
        base: &str,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
        want_header: &str,
    ) -> (u16, Value, Option<String>) {
        let mut request =
            self.client.post(format!("{base}{path}")).insert_header(("Content-Type", "application/json"));
        for header in headers {
            request = request.insert_header(*header);
        }
        let mut response = request.send_body(body.to_string()).await.unwrap();
        let header = response.headers().get(want_header).map(|v| v.to_str().unwrap().to_owned());
        let body = response.body().limit(1 << 20).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null), header)
    }

    /// A captcha from `base`, and its answer read from the server's hot state (as a person
    /// would read the picture).
    pub async fn captcha_at(&self, base: &str) -> (String, String) {
        let mut response = self.client.get(format!("{base}/api/v1/captcha")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = serde_json::from_slice(&response.body().await.unwrap()).unwrap();
        let id = body["id"].as_str().unwrap().to_owned();
        assert!(body["image"].as_str().unwrap().starts_with("data:image/png;base64,"));
        let stored = self.state.hot.get(&format!("captcha:{id}")).await.unwrap().expect("the answer is kept");
        (id, stored.split_once('.').unwrap().0.to_owned())
    }

    pub async fn captcha(&self) -> (String, String) {
        self.captcha_at(&self.address).await
    }

    /// Asks `base` for an SMS code for `phone`, solving a fresh captcha; status, body, Retry-After.
    pub async fn request_code_at(&self, base: &str, slug: &str, phone: &str) -> (u16, Value, Option<String>) {
        let (id, answer) = self.captcha_at(base).await;
        let body = json!({ "phone": phone, "captcha_id": id, "captcha_answer": answer });
        self.post_with(base, &format!("/api/v1/campaigns/{slug}/otp"), &body, &[], "Retry-After").await
    }

    pub async fn request_code(&self, phone: &str) -> (u16, Value, Option<String>) {
        self.request_code_at(&self.address, "demo", phone).await
    }

    /// The SMS codes the outbox gateway sent to a masked number, oldest first.
    pub fn codes_sent_to(&self, masked: &str) -> Vec<String> {
        let path = self.settings.data_dir.join(minping::sms::OUTBOX_NAME);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        (text.lines())
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|entry| entry["to"] == masked)
            .map(|entry| {
                let text = entry["text"].as_str().unwrap();
                let start = text.find(|c: char| c.is_ascii_digit()).unwrap();
                text[start..start + 6].to_owned()
            })
            .collect()
    }

    pub async fn verify_at(&self, base: &str, slug: &str, phone: &str, otp: &str) -> (u16, Value) {
        let body = json!({ "phone": phone, "otp": otp });
        let (status, body, _) = self
            .post_with(base, &format!("/api/v1/campaigns/{slug}/otp/verify"), &body, &[], "Retry-After")
            .await;
        (status, body)
    }

    pub async fn verify(&self, phone: &str, otp: &str) -> (u16, Value) {
        self.verify_at(&self.address, "demo", phone, otp).await
    }

    /// A full ballot on the public channel, by phone number and code.
    pub fn phone_ballot(&self, phone: &str, otp: &str) -> Value {
        let mut ballot = self.full_ballot("");
        let object = ballot.as_object_mut().unwrap();
        object.remove("invitation");
        object.insert("phone".into(), json!(phone));
        object.insert("otp".into(), json!(otp));
        ballot
    }

    /// Flushes the abuse signals and reads them back for the demo campaign.
    pub async fn signals(&self) -> std::collections::HashMap<String, i64> {
        self.state.guard.signals.flush(self.state.store.as_ref()).await;
        self.state.store.signals(self.campaign_id().await).await.unwrap().into_iter().collect()
    }

    pub async fn submit(&self, ballot: &Value) -> (u16, Value) {
        let (status, body, _) = self.post_raw("/api/v1/campaigns/demo/ballots", ballot.to_string()).await;
        (status, body)
    }

    pub async fn invitation_status(&self, invitation: &str) -> (u16, Value) {
        let body = json!({ "invitation": invitation }).to_string();
        let (status, body, _) = self.post_raw("/api/v1/campaigns/demo/invitations/status", body).await;
        (status, body)
    }

    pub async fn campaign_id(&self) -> i64 {
        self.state.store.campaign("demo").await.unwrap().unwrap().id
    }

    pub async fn ballot_count(&self) -> i64 {
        self.state.store.ballot_count(self.campaign_id().await).await.unwrap()
    }

    pub async fn claim_count(&self) -> i64 {
        self.state.store.claim_count(self.campaign_id().await).await.unwrap()
    }

    /// Sum of all tally counters for one unit: the number of ballots that rated it.
    pub async fn times_rated(&self, unit: &str) -> i64 {
        let tallies = self.state.store.tallies(self.campaign_id().await).await.unwrap();
        tallies.iter().filter(|t| t.unit_code == unit).map(|t| t.count).sum()
    }

    pub async fn tally(&self, unit: &str, option: &str) -> i64 {
        let tallies = self.state.store.tallies(self.campaign_id().await).await.unwrap();
        tallies.iter().filter(|t| t.unit_code == unit && t.option_code == option).map(|t| t.count).sum()
    }

    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        ["minping.sqlite3", "minping.sqlite3-wal"].iter().map(|f| self.settings.data_dir.join(f)).collect()
    }

    /// Runs one statement on this test's PostgreSQL database as the admin user.
    pub async fn pg_admin(&self, sql: &str) {
        let admin = sqlx::PgPool::connect(&admin_database_url()).await.unwrap();
        sqlx::query(sql).execute(&admin).await.unwrap();
        admin.close().await;
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.as_ref().expect("the server is running").0.clone()
    }

    /// The column names of a table, from the database's own catalogue.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        let rows: Vec<(String,)> = match &self.database {
            Some(name) => {
                let pool = sqlx::PgPool::connect(&database_url_for(name)).await.unwrap();
                let sql = "SELECT column_name::text FROM information_schema.columns \
                           WHERE table_name = $1 ORDER BY ordinal_position";
                let rows = sqlx::query_as(sql).bind(table).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows
            }
            None => {
                let url = format!("sqlite:{}", self.sqlite_files()[0].display());
                let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                let sql = "SELECT name FROM pragma_table_info($1) ORDER BY cid";
                let rows = sqlx::query_as(sql).bind(table).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows
            }
        };
        rows.into_iter().map(|(c,)| c).collect()
    }

    pub fn database_name(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// Stops the server and drops this test's database.
    pub async fn finish(mut self) {
        self.stop().await;
        if let Some(name) = self.database.take() {
            self.pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// Runs each named `async fn name(backend: Backend)` of the calling module once per
/// backend, as `embedded::name` and `scaled::name`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Embedded).await
                }
            )*
        }
        mod scaled {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Scaled).await
                }
            )*
        }
    };
}
