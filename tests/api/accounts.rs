//! Staff accounts that can be governed (issue #12): disabling, removing and re-roling end
//! sessions at once; passwords are long and not guessable; a second factor where required;
//! sign-in that an attacker can slow down for a name but never lock; a bound on concurrent
//! password hashes; the command line names who acted.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{ok, spawn_app, spawn_app_with, Backend};

both_backends!(
    sessions_end_when_an_account_is_disabled_removed_or_re_roled,
    passwords_must_be_long_and_hard_to_guess,
    a_name_under_attack_still_signs_in_with_a_captcha,
    a_second_factor_is_required_and_checked,
    the_command_line_names_who_acted,
);

fn users(body: &[u8]) -> Vec<Value> {
    serde_json::from_slice::<Value>(body).unwrap()["users"].as_array().unwrap().clone()
}

async fn sessions_end_when_an_account_is_disabled_removed_or_re_roled(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    let li = app.signed_in("li", "monitor").await;
    let wang = app.signed_in("wang", "monitor").await;
    let zhao = app.signed_in("zhao", "auditor").await;
    for who in [&li, &wang, &zhao] {
        assert_eq!(app.admin_call(Some(who), "GET", "/campaigns", false).await.0, 200);
    }
    // Only admins govern accounts.
    assert_eq!(app.admin_call(Some(&li), "GET", "/users", false).await.0, 403);
    assert_eq!(app.admin_call(Some(&li), "POST", "/users/wang/disable", true).await.0, 403);
    let (status, body) = app.admin_call(Some(&admin), "GET", "/users", false).await;
    assert_eq!(status, 200);
    let listed = users(&body);
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|u| u.get("password_hash").is_none() && u["disabled"] == false), "{listed:?}");

    // Disabled: the open session ends at the very next request; it cannot sign in again.
    assert_eq!(app.admin_call(Some(&admin), "POST", "/users/li/disable", true).await.0, 204);
    let (status, body) = app.admin_call(Some(&li), "GET", "/campaigns", false).await;
    assert_eq!(status, 401, "a disabled member's session still works: {}", String::from_utf8_lossy(&body));
    let (status, body) = app.sign_in("li", "li-secret-123").await.err().unwrap();
    assert_eq!((status, body["error"].as_str()), (403, Some("account_disabled")));
    assert_eq!(app.admin_call(Some(&admin), "POST", "/users/li/enable", true).await.0, 204);
    assert!(app.sign_in("li", "li-secret-123").await.is_ok(), "enabled again, li signs in");

    // Re-roled: the session that carried the old role ends.
    let (status, _) =
        app.admin_send(&admin, "PUT", "/users/wang/role", json!({ "role": "auditor" }).to_string()).await;
    assert_eq!(status, 204);
    assert_eq!(app.admin_call(Some(&wang), "GET", "/campaigns", false).await.0, 401);
    let wang = app.sign_in("wang", "wang-secret-123").await.unwrap();
    assert_eq!(app.admin_call(Some(&wang), "GET", "/audit", false).await.0, 200, "now an auditor");

    // Removed: the session of a deleted member changes nothing (it did, before).
    assert_eq!(app.admin_call(Some(&admin), "DELETE", "/users/zhao", true).await.0, 204);
    assert_eq!(app.admin_call(Some(&zhao), "GET", "/audit", false).await.0, 401);
    let (status, _) = app.admin_call(Some(&admin), "DELETE", "/users/zhao", true).await;
    assert_eq!(status, 404);

    // From the command line too, while the server runs: the session ends at once.
    let wang_session = app.sign_in("wang", "wang-secret-123").await.unwrap();
    let said = ok(app.minping(&["user", "disable", "wang"]));
    assert!(said.contains("已停用“wang”"), "{said}");
    assert_eq!(app.admin_call(Some(&wang_session), "GET", "/campaigns", false).await.0, 401);
    let listed = ok(app.minping(&["user", "list"]));
    assert!(listed.contains("wang") && listed.contains("已停用"), "{listed}");

    // The last enabled admin cannot be disabled, removed or re-roled.
    for (method, path, body) in [
        ("POST", "/users/zhang/disable", String::new()),
        ("DELETE", "/users/zhang", String::new()),
        ("PUT", "/users/zhang/role", json!({ "role": "monitor" }).to_string()),
    ] {
        let (status, answer) = app.admin_send(&admin, method, path, body).await;
        assert_eq!((status, answer["error"].as_str()), (409, Some("last_admin")), "{method} {path}");
    }
    let (_, body) = app.admin_call(Some(&admin), "GET", "/audit", false).await;
    let log: Value = serde_json::from_slice(&body).unwrap();
    let acts: Vec<(&str, &str)> = (log.as_array().unwrap().iter())
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    for action in ["user.disable", "user.enable", "user.set_role", "user.remove"] {
        assert!(acts.contains(&(action, "staff:zhang")), "{action} in {acts:?}");
    }
    app.finish().await;
}

async fn passwords_must_be_long_and_hard_to_guess(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("zhang", "admin").await;
    // `1234567890` was accepted before; common, short and patterned passwords are refused.
    for weak in ["1234567890", "123456789012", "qwertyuiop123", "password1234"] {
        let body = json!({ "name": "liliana", "role": "monitor", "password": weak });
        let (status, answer) = app.admin_send(&admin, "POST", "/users", body.to_string()).await;
        assert_eq!((status, answer["error"].as_str()), (422, Some("weak_password")), "{weak}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("密码"), "{answer}");
        let refused = app
            .minping_with_input(&["user", "add", "liliana", "--role", "monitor", "--password-stdin"], weak);
        assert!(!refused.status.success(), "{weak} was taken by the command line");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("密码"), "the reason is said in Chinese");
    }
    // A good one, and one made by the server (shown once).
    let body = json!({ "name": "liliana", "role": "monitor", "password": "橙子-Kw7p-漓江-rain" });
    assert_eq!(app.admin_send(&admin, "POST", "/users", body.to_string()).await.0, 201);
    let (status, made) = app
        .admin_send(&admin, "POST", "/users", json!({ "name": "qian", "role": "monitor" }).to_string())
        .await;
    assert_eq!(status, 201);
    let password = made["password"].as_str().unwrap();
    assert!(app.sign_in("qian", password).await.is_ok());
    // A reset ends the sessions of the old password.
    let qian = app.sign_in("qian", password).await.unwrap();
    let (status, _) = app
        .admin_send(&admin, "POST", "/users/qian/password", json!({ "password": "1234567890" }).to_string())
        .await;
    assert_eq!(status, 422);
    let (status, reset) = app.admin_send(&admin, "POST", "/users/qian/password", "{}").await;
    assert_eq!(status, 200);
    assert_eq!(app.admin_call(Some(&qian), "GET", "/campaigns", false).await.0, 401);
    assert!(app.sign_in("qian", reset["password"].as_str().unwrap()).await.is_ok());
    app.finish().await;
}

/// Anyone could lock a staff name for 15 minutes with 10 wrong passwords, the right one then
/// answered 429 too. Now a name under attack asks its owner for a captcha; only an address
/// that tries too often is refused.
async fn a_name_under_attack_still_signs_in_with_a_captcha(backend: Backend) {
    let trust_loopback = |s: &mut minping::server::config::Settings| {
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    };
    let Some(app) = spawn_app_with(backend, trust_loopback).await else { return };
    app.add_staff("zhao", "monitor", "zhao-secret-12");
    let attempt = |password: &str| json!({ "name": "zhao", "password": password });
    let mut refused = Vec::new();
    for i in 0..12 {
        let from = format!("203.0.113.{}", i + 1);
        let (status, body, _) = app.sign_in_as(attempt("not-the-password"), Some(&from)).await;
        refused.push((status, body["error"].as_str().unwrap().to_owned()));
    }
    let checked = refused.iter().filter(|(_, e)| e == "bad_credentials").count();
    assert_eq!(checked, 5, "past five tries a name needs a captcha: {refused:?}");
    assert!(refused.iter().all(|(s, _)| *s == 401), "{refused:?}");

    // The owner, from their own address: the right password alone is not enough now …
    let owner = Some("198.51.100.7");
    let (status, body, _) = app.sign_in_as(attempt("zhao-secret-12"), owner).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("captcha_required")), "{body}");
    // … a wrong captcha answer is refused and used up …
    let (id, answer) = app.captcha().await;
    let wrong =
        json!({ "name": "zhao", "password": "zhao-secret-12", "captcha_id": id, "captcha_answer": "ZZZZZ" });
    assert_eq!(app.sign_in_as(wrong, owner).await.0, 422);
    let retry =
        json!({ "name": "zhao", "password": "zhao-secret-12", "captcha_id": id, "captcha_answer": answer });
    assert_eq!(app.sign_in_as(retry, owner).await.0, 422, "a captcha works once");
    // … and with a fresh one, the owner is in.
    let (id, answer) = app.captcha().await;
    let good =
        json!({ "name": "zhao", "password": "zhao-secret-12", "captcha_id": id, "captcha_answer": answer });
    let (status, body, staff) = app.sign_in_as(good, owner).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.admin_call(staff.as_ref(), "GET", "/campaigns", false).await.0, 200);
    // Signing in clears the name's count: the next sign-in needs no captcha.
    assert_eq!(app.sign_in_as(attempt("zhao-secret-12"), owner).await.0, 200);

    // Per-address limits stay: one address trying many names is refused for a while.
    let noisy = Some("192.0.2.50");
    let mut statuses = Vec::new();
    for i in 0..52 {
        let body = json!({ "name": format!("guess{i}"), "password": "not-the-password" });
        statuses.push(app.sign_in_as(body, noisy).await.0);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 50, "{statuses:?}");
    let (status, body, _) = app.sign_in_as(attempt("zhao-secret-12"), noisy).await;
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")));
    assert_eq!(app.sign_in_as(attempt("zhao-secret-12"), owner).await.0, 200, "other addresses are not");
    app.finish().await;
}

/// The otpauth URI a `minping user … --totp` or `user totp` printed.
fn uri_in(output: &str) -> String {
    let start = output.find("otpauth://").expect("the output shows the otpauth link");
    output[start..].split_whitespace().next().unwrap().to_owned()
}

fn code(uri: &str, offset_secs: i64) -> String {
    let now = (minping::clock::now_unix() + offset_secs) as u64;
    minping::staff::totp::code_for(uri, now).unwrap()
}

async fn a_second_factor_is_required_and_checked(backend: Backend) {
    let required = |s: &mut minping::server::config::Settings| s.staff.require_second_factor = Some(true);
    let Some(app) = spawn_app_with(backend, required).await else { return };
    app.add_staff("zhang", "admin", "zhang-secret-1");
    app.add_staff("li", "monitor", "li-secret-123");
    // An admin without a second factor cannot sign in where one is required; a monitor can.
    let (status, body) = app.sign_in("zhang", "zhang-secret-1").await.err().unwrap();
    assert_eq!((status, body["error"].as_str()), (403, Some("second_factor_not_set")));
    assert!(app.sign_in("li", "li-secret-123").await.is_ok());

    let enrolled = ok(app.minping(&["user", "totp", "zhang"]));
    assert!(enrolled.contains("二维码"), "{enrolled}");
    let uri = uri_in(&enrolled);
    assert!(uri.starts_with("otpauth://totp/minping:zhang?secret="), "{uri}");
    let sign_in = |otp: Option<String>| json!({ "name": "zhang", "password": "zhang-secret-1", "otp": otp });
    let (status, body, _) = app.sign_in_as(sign_in(None), None).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (401, Some("otp_required"), Some("otp"))
    );
    let wrong = if code(&uri, 0) == "123456" { "654321" } else { "123456" };
    let (status, body, _) = app.sign_in_as(sign_in(Some(wrong.into())), None).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("otp_wrong")));
    let (status, body, admin) = app.sign_in_as(sign_in(Some(code(&uri, 0))), None).await;
    assert_eq!(status, 200, "{body}");
    // A code is taken once.
    let (status, body, _) = app.sign_in_as(sign_in(Some(code(&uri, 0))), None).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("otp_wrong")), "a replayed code");

    // The console enrols a second factor too (shown once), and a new one ends old sessions.
    let admin = admin.unwrap();
    let (status, made) = app
        .admin_send(
            &admin,
            "POST",
            "/users",
            json!({ "name": "wang", "role": "auditor", "totp": true }).to_string(),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let wang_uri = made["totp"]["uri"].as_str().unwrap().to_owned();
    assert!(made["totp"]["qr_svg"].as_str().unwrap().contains("<svg"));
    let wang = json!({ "name": "wang", "password": made["password"], "otp": code(&wang_uri, 0) });
    let (status, body, wang_session) = app.sign_in_as(wang, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.admin_call(Some(&admin), "POST", "/users/wang/totp", true).await.0, 200);
    assert_eq!(app.admin_call(wang_session.as_ref(), "GET", "/audit", false).await.0, 401);
    // The sealed secret is not in the database in clear.
    let row = app.state.store.staff_user("wang").await.unwrap().unwrap();
    let secret = wang_uri.split("secret=").nth(1).unwrap().split('&').next().unwrap();
    assert!(!row.totp_sealed.unwrap().contains(secret));
    app.finish().await;
}

async fn the_command_line_names_who_acted(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let added = ok(app.minping_with_input(
        &["user", "add", "zhang", "--role", "admin", "--totp", "--password-stdin"],
        "zhang-secret-1",
    ));
    let uri = uri_in(&added);
    app.add_staff("li", "monitor", "li-secret-123");
    // Without --as: the operating-system user and host, never `cli:unknown`.
    ok(app.minping(&["campaign", "settings", "demo", "--response-target", "80"]));
    // With --as: the member's password and code, on standard input.
    let run_as = |who: &str, input: &str| {
        app.minping_with_input(
            &["--as", who, "--password-stdin", "campaign", "settings", "demo", "--response-target", "85"],
            input,
        )
    };
    let refused = run_as(
        "zhang",
        &format!("zhang-secret-1\n{}", if code(&uri, 30) == "000000" { "111111" } else { "000000" }),
    );
    assert!(!refused.status.success(), "a wrong code is refused");
    let refused = run_as("zhang", &format!("wrong-password-1\n{}", code(&uri, 30)));
    assert!(!refused.status.success(), "a wrong password is refused");
    let refused = run_as("li", "li-secret-123");
    assert!(!refused.status.success(), "a monitor may not change settings");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("只有管理员"));
    ok(run_as("zhang", &format!("zhang-secret-1\n{}", code(&uri, 30))));

    let id = app.campaign_id().await;
    let log = app.state.store.audit_log(Some(id)).await.unwrap();
    let actors: Vec<&str> =
        log.iter().filter(|e| e.action == "campaign.settings").map(|e| e.actor.as_str()).collect();
    assert_eq!(actors.len(), 2, "{actors:?}");
    assert!(actors[0].starts_with("os:") && actors[0].contains('@'), "{actors:?}");
    assert!(actors[1].starts_with("staff:zhang (cli, "), "{actors:?}");
    assert!(!actors.iter().any(|a| a.contains("unknown")), "{actors:?}");
    app.finish().await;
}
