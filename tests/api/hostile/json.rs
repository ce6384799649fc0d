//! Strict JSON on every JSON endpoint: trailing content after the document, a key twice in
//! one object (anywhere), and a body not declared `application/json` are refused — before,
//! the first two were stored (last key wins) and the third let a plain HTML form post JSON
//! cross-site (a login CSRF was shown).

use serde_json::Value;

use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app, Backend, TestApp};

/// A POST of `body` as-is, with `content_type` (none when `None`): status and answer.
pub async fn post_as(app: &TestApp, path: &str, content_type: Option<&str>, body: String) -> (u16, Value) {
    let mut request = app.client.post(format!("{}{path}", app.address));
    if let Some(content_type) = content_type {
        request = request.insert_header(("Content-Type", content_type));
    }
    let mut response = request.send_body(body).await.unwrap();
    let bytes = response.body().limit(1 << 20).await.unwrap();
    (response.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn lax_json_is_refused_and_changes_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let token = app.invites[0].token.clone();
    let good = app.full_ballot(&token).to_string();
    let first = &app.unit_codes()[1];
    let ballots = "/api/v1/campaigns/demo/ballots";
    let json = Some("application/json");

    let trailing = [format!("{good} garbage"), format!("{good}{{}}"), format!("{good}\0")];
    for body in trailing {
        let (status, answer) = post_as(&app, ballots, json, body).await;
        assert_eq!((status, answer["error"].as_str()), (400, Some("malformed_json")), "{answer}");
    }
    // The second rating of the same unit used to win, silently.
    let twice = good.replacen("\"ratings\":{", &format!("\"ratings\":{{\"{first}\":\"dissatisfied\","), 1);
    let (status, answer) = post_as(&app, ballots, json, twice).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("duplicate_key")), "{answer}");
    assert_eq!(answer["field"], format!("ratings.{first}"));
    assert!(answer["message"].as_str().unwrap().contains("重复"), "{answer}");
    let top = good.replacen('{', "{\"invitation\":\"AAAAAAAAAAAAAAAAAAAAAA\",", 1);
    let (status, answer) = post_as(&app, ballots, json, top).await;
    assert_eq!((status, answer["field"].as_str()), (400, Some("invitation")), "{answer}");

    // A body not declared JSON: what a cross-site form can send, and nothing at all.
    let form = Some("application/x-www-form-urlencoded");
    let endpoints = [
        (ballots, good.clone()),
        (
            "/api/v1/campaigns/demo/otp",
            r#"{"phone":"13800138000","captcha_id":"x","captcha_answer":"y"}"#.into(),
        ),
        ("/api/v1/campaigns/demo/invitations/status", format!(r#"{{"invitation":"{token}"}}"#)),
        ("/api/v1/admin/session", r#"{"name":"zhang","password":"x"}"#.into()),
    ];
    for (path, body) in endpoints {
        for content_type in [form, Some("text/plain"), Some("multipart/form-data; boundary=x"), None] {
            let (status, answer) = post_as(&app, path, content_type, body.clone()).await;
            assert_eq!((status, answer["error"].as_str()), (415, Some("unsupported_media_type")), "{path}");
            assert_eq!(answer["field"], "Content-Type");
        }
    }
    let (status, _) = post_as(&app, ballots, Some("Application/JSON; charset=UTF-8"), good.clone()).await;
    assert_eq!(status, 201, "the same ballot, declared JSON, is counted: nothing before used the invitation");
    still_serving(&app).await;
    app.finish().await;
}

both_backends!(lax_json_is_refused_and_changes_nothing);
