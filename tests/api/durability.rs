use std::time::Duration;

use futures_util::future::join_all;
use serde_json::Value;

use crate::both_backends;
use crate::harness::{spawn_app, Backend, TestApp};

/// Submits without panicking on a refused connection: the server may be stopping.
async fn try_submit(app: &TestApp, ballot: &Value) -> Option<(u16, Value)> {
    let url = format!("{}/api/v1/campaigns/demo/ballots", app.address);
    let mut response = app.client.post(url).send_json(ballot).await.ok()?;
    let body = response.body().await.ok()?;
    Some((response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

async fn a_restart_keeps_every_acknowledged_ballot(backend: Backend) {
    let Some(mut app) = spawn_app(backend).await else { return };
    let ballots: Vec<_> = app.invites.iter().map(|i| app.full_ballot(&i.token)).collect();
    let handle = app.server_handle();
    // Stop the server while ballots are still arriving.
    let stopping = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        handle.stop(true).await;
    };
    let (answers, ()) = tokio::join!(join_all(ballots.iter().map(|b| try_submit(&app, b))), stopping);
    let receipts: Vec<String> = (answers.iter().flatten())
        .filter(|(status, _)| *status == 201)
        .map(|(_, body)| body["receipt"].as_str().unwrap().to_owned())
        .collect();

    app.restart().await;
    for receipt in &receipts {
        let (status, body) = app.get_json(&format!("/api/v1/receipts/{receipt}")).await;
        assert_eq!((status, body["counted"].clone()), (200, Value::Bool(true)), "receipt {receipt}");
    }
    // Exactly the acknowledged ballots, each counted once (a ballot committed while its
    // answer was lost in the stop may add to them, never subtract).
    let stored = app.ballot_count().await;
    assert!(stored >= receipts.len() as i64, "{stored} stored, {} acknowledged", receipts.len());
    assert_eq!(app.tally(&app.unit_codes()[1], "satisfied").await, stored);
    assert_eq!(app.claim_count().await, stored);

    // Every one of them is still refused a second time after the restart.
    let again = join_all(ballots.iter().map(|b| app.submit(b))).await;
    let counted_again = again.iter().filter(|(s, _)| *s == 201).count() as i64;
    assert_eq!(counted_again + stored, app.invites.len() as i64);
    assert_eq!(app.ballot_count().await, app.invites.len() as i64);
    app.finish().await;
}

async fn losing_hot_state_never_double_counts(backend: Backend) {
    let Some(mut app) = spawn_app(backend).await else { return };
    let ballot = app.full_ballot(&app.invites[0].token);
    assert_eq!(app.submit(&ballot).await.0, 201);
    app.lose_hot_state().await;
    let answers = join_all((0..10).map(|_| app.submit(&ballot))).await;
    // Refused: by the database, or (for the concurrent ones) by the claim the first refusal re-made.
    assert!(answers.iter().all(|(s, _)| *s == 409), "{answers:?}");
    assert_eq!(app.submit(&ballot).await.1["error"], "already_used");
    assert_eq!(app.times_rated(&app.unit_codes()[0]).await, 1);
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    app.finish().await;
}

async fn an_unavailable_store_answers_503_then_recovers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ballot = app.full_ballot(&app.invites[0].token);
    // Warm the campaign cache so the failure happens at the write.
    let _ = app.invitation_status(&app.invites[0].token).await;
    let outage = Outage::begin(&app).await;
    let (status, body, retry_after) =
        app.post_raw("/api/v1/campaigns/demo/ballots", ballot.to_string()).await;
    outage.end(&app).await;
    assert_eq!((status, body["error"].as_str()), (503, Some("unavailable")), "{body}");
    assert!(retry_after.is_some(), "a 503 says when to retry");
    assert!(body["message"].as_str().unwrap().contains("尚未保存"));

    // The store is back: the same invitation now counts, once.
    let (status, body) = app.submit(&ballot).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    app.finish().await;
}

/// Makes the database refuse work: PostgreSQL stops taking connections to the test's
/// database; SQLite is locked by another writer for longer than the busy timeout.
enum Outage {
    Postgres(String),
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

impl Outage {
    async fn begin(app: &TestApp) -> Self {
        match app.database_name() {
            Some(name) => {
                app.pg_admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
                app.pg_admin(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ))
                .await;
                Self::Postgres(name.to_owned())
            }
            None => {
                let path = &app.sqlite_files()[0];
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display())).await.unwrap();
                let mut conn = pool.acquire().await.unwrap();
                sqlx::query("BEGIN EXCLUSIVE").execute(&mut *conn).await.unwrap();
                Self::Sqlite(conn)
            }
        }
    }

    async fn end(self, app: &TestApp) {
        match self {
            Self::Postgres(name) => {
                app.pg_admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await
            }
            Self::Sqlite(mut conn) => {
                sqlx::query("ROLLBACK").execute(&mut *conn).await.unwrap();
            }
        }
    }
}

async fn identities_and_contents_are_stored_apart(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    let ballots = app.columns("ballots").await;
    let claims = app.columns("claims").await;
    let shared: Vec<_> = ballots.iter().filter(|c| claims.contains(c)).cloned().collect();
    assert_eq!(shared, ["campaign_id", "class"], "nothing but the campaign and class is common");
    for column in ["respondent_key", "member_code", "created_at", "id"] {
        assert!(!ballots.iter().any(|c| c == column), "ballots has no `{column}`");
    }
    if backend == Backend::Embedded {
        // Tokens and short codes are only ever stored hashed.
        let mut bytes = Vec::new();
        for file in app.sqlite_files() {
            bytes.extend(std::fs::read(file).unwrap_or_default());
        }
        for invite in &app.invites[..5] {
            let short = invite.short_code.replace('-', "");
            for secret in [&invite.token, &short] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{secret} in the database file"
                );
            }
        }
        assert!(bytes.windows(5).any(|w| w == b"P0001"), "the scan does see stored text");
    }
    app.finish().await;
}

both_backends!(
    a_restart_keeps_every_acknowledged_ballot,
    losing_hot_state_never_double_counts,
    an_unavailable_store_answers_503_then_recovers,
    identities_and_contents_are_stored_apart,
);
