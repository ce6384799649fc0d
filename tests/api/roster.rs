//! The panel roster: import (CSV, XLSX), invitations, letters, re-issue — by API and CLI.

use std::process::Command;

use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{spawn_app, Backend, TestApp};

fn minping(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minping"));
    command.args(args).arg("--data-dir").arg(&app.settings.data_dir).env_remove("DATABASE_URL");
    if let Some(url) = &app.settings.database_url {
        command.env("DATABASE_URL", url);
    }
    command.output().unwrap()
}

async fn admin(app: &TestApp) -> (String, String) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_minping"));
    add.args(["user", "add", "zhou", "--role", "admin", "--generate-password", "--data-dir"])
        .arg(&app.settings.data_dir);
    add.env_remove("DATABASE_URL");
    if let Some(url) = &app.settings.database_url {
        add.env("DATABASE_URL", url);
    }
    let out = String::from_utf8(add.output().unwrap().stdout).unwrap();
    let password = out.lines().find_map(|l| l.strip_prefix("password (shown once): ")).unwrap().to_owned();
    let url = format!("{}/api/v1/admin/session", app.address);
    let mut response =
        app.client.post(url).send_json(&json!({ "name": "zhou", "password": password })).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let cookie =
        response.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = response.json::<Value>().await.unwrap()["csrf"].as_str().unwrap().to_owned();
    (cookie, csrf)
}

async fn request(
    app: &TestApp,
    who: &(String, String),
    method: &str,
    path: &str,
    body: Vec<u8>,
) -> (u16, Vec<u8>) {
    let url = format!("{}/api/v1/admin{path}", app.address);
    let request = if method == "GET" { app.client.get(url) } else { app.client.post(url) };
    let mut response = request
        .insert_header(("Cookie", who.0.clone()))
        .insert_header(("X-CSRF-Token", who.1.clone()))
        .send_body(body)
        .await
        .unwrap();
    (response.status().as_u16(), response.body().limit(1 << 24).await.unwrap().to_vec())
}

fn roster_xlsx(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["成员编号", "界别", "区县", "手机号"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (code, segment, district, mobile)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *code).unwrap();
        sheet.write_string(r, 1, *segment).unwrap();
        sheet.write_string(r, 2, *district).unwrap();
        if let Ok(n) = mobile.parse::<f64>() {
            sheet.write_number(r, 3, n).unwrap(); // typed as a number, as Excel users do
        }
    }
    book.save_to_buffer().unwrap()
}

async fn a_roster_becomes_invitations_that_vote_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let who = admin(&app).await;
    ok(minping(
        &app,
        &["campaign", "create", concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml"), "--open"],
    ));

    // A bad file: every fault reported, nothing imported.
    let bad = "成员编号,界别,区县,手机号\nM1,人大代表,城关区,1234\nM1,,城关区,\n";
    let (status, body) = request(&app, &who, "POST", "/campaigns/2026-city/roster", bad.into()).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_rows")), "{body}");
    let faults: Vec<(u64, &str)> = (body["details"]["rows"].as_array().unwrap().iter())
        .map(|r| (r["row"].as_u64().unwrap(), r["column"].as_str().unwrap()))
        .collect();
    assert_eq!(faults, [(2, "手机号"), (3, "成员编号"), (3, "界别")]);

    let xlsx = roster_xlsx(&[
        ("M1", "人大代表", "城关区", "13800138000"),
        ("M2", "企业界", "高新区", ""),
        ("M3", "企业界", "城关区", ""),
    ]);
    let (status, body) = request(&app, &who, "POST", "/campaigns/2026-city/roster", xlsx.clone()).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let (status, _) = request(&app, &who, "POST", "/campaigns/2026-city/roster", xlsx).await;
    assert_eq!(status, 409, "members are invited once");

    // The invitation list: links that work, once per member.
    let (status, csv) = request(&app, &who, "GET", "/campaigns/2026-city/invitations.csv", vec![]).await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 3);
    let campaign: Value = app.get_json("/api/v1/campaigns/2026-city").await.1;
    let ratings: serde_json::Map<String, Value> = (campaign["categories"].as_array().unwrap().iter())
        .flat_map(|c| {
            c["units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| (u["code"].as_str().unwrap().to_owned(), json!("satisfied")))
        })
        .collect();
    let ballot = |invitation: &str| json!({ "invitation": invitation, "ratings": ratings });
    let submit = |b: Value| {
        let app = &app;
        async move { app.post_raw("/api/v1/campaigns/2026-city/ballots", b.to_string()).await.0 }
    };
    assert_eq!(submit(ballot(&lines[0][3])).await, 201);
    assert_eq!(submit(ballot(&lines[0][4])).await, 409, "the short code is the same member");

    // Letters to print.
    let (status, page) = request(&app, &who, "GET", "/campaigns/2026-city/letters", vec![]).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, 200);
    assert_eq!(page.matches("<section class=\"letter\">").count(), 3);
    assert!(page.contains("<svg") && page.contains(&lines[1][4]), "QR code and short code");

    // A lost invitation re-issued: the old one stops working, the new one works.
    let (status, body) =
        request(&app, &who, "POST", "/campaigns/2026-city/invitations/M2/reissue", vec![]).await;
    assert_eq!(status, 200);
    let fresh: Value = serde_json::from_slice(&body).unwrap();
    assert_ne!(fresh["token"].as_str().unwrap(), &lines[1][3]);
    assert_eq!(submit(ballot(&lines[1][3])).await, 404);
    assert_eq!(submit(ballot(fresh["token"].as_str().unwrap())).await, 201);

    // The command line does the same, with the same list.
    let listed = ok(minping(&app, &["roster", "invitations", "2026-city"]));
    assert!(listed.contains(fresh["token"].as_str().unwrap()) && !listed.contains(&lines[1][3]));
    let more = app.settings.data_dir.join("more.csv");
    std::fs::write(&more, "成员编号,界别,区县\nM4,服务对象代表,北山县\n").unwrap();
    ok(minping(&app, &["roster", "import", "2026-city", more.to_str().unwrap()]));
    assert_eq!(ok(minping(&app, &["roster", "invitations", "2026-city"])).lines().count(), 5);
    app.finish().await;
}

fn ok(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

both_backends!(a_roster_becomes_invitations_that_vote_once);
