//! The panel roster: import (CSV, XLSX), invitations, letters, re-issue — by API and CLI.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{faulty_rows, ok, spawn_app, unit_codes_of, Backend, Staff, TestApp};

/// An admin added with `minping user add --generate-password`, signed in with the password it printed.
async fn admin(app: &TestApp) -> Staff {
    let out = ok(app.minping(&["user", "add", "zhou", "--role", "admin", "--generate-password"]));
    let shown = out.lines().find(|l| l.contains("只显示这一次")).expect("the password is shown once");
    let password = shown.rsplit('：').next().unwrap();
    app.sign_in("zhou", password).await.unwrap()
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
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml");
    ok(app.minping(&["campaign", "create", example, "--open"]));

    // A bad file: every fault reported, nothing imported.
    let bad = "成员编号,界别,区县,手机号\nM1,人大代表,城关区,1234\nM1,,城关区,\n";
    let (status, body) = app.admin_send(&who, "POST", "/campaigns/2026-city/roster", bad).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_rows")), "{body}");
    assert_eq!(faulty_rows(&body), [(2, "手机号"), (3, "成员编号"), (3, "界别")]);

    let xlsx = roster_xlsx(&[
        ("M1", "人大代表", "城关区", "13800138000"),
        ("M2", "企业界", "高新区", ""),
        ("M3", "企业界", "城关区", ""),
    ]);
    let (status, body) = app.admin_send(&who, "POST", "/campaigns/2026-city/roster", xlsx.clone()).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = app.admin_send(&who, "POST", "/campaigns/2026-city/roster", xlsx).await;
    assert_eq!(status, 409, "members are invited once");

    // The invitation list: links that work, once per member.
    let (status, csv) =
        app.admin_call(Some(&who), "GET", "/campaigns/2026-city/invitations.csv", false).await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 3);
    let campaign: Value = app.get_json("/api/v1/campaigns/2026-city").await.1;
    let ratings: serde_json::Map<String, Value> =
        unit_codes_of(&campaign).into_iter().map(|code| (code, json!("satisfied"))).collect();
    let ballot = |invitation: &str| json!({ "invitation": invitation, "ratings": ratings });
    let submit = |b: Value| {
        let app = &app;
        async move { app.post_raw("/api/v1/campaigns/2026-city/ballots", b.to_string()).await.0 }
    };
    assert_eq!(submit(ballot(&lines[0][3])).await, 201);
    assert_eq!(submit(ballot(&lines[0][4])).await, 409, "the short code is the same member");

    // Letters to print.
    let (status, page) = app.admin_call(Some(&who), "GET", "/campaigns/2026-city/letters", false).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, 200);
    assert_eq!(page.matches("<section class=\"letter\">").count(), 3);
    assert!(page.contains("<svg") && page.contains(&lines[1][4]), "QR code and short code");

    // A lost invitation re-issued: the old one stops working, the new one works.
    let (status, fresh) =
        app.admin_send(&who, "POST", "/campaigns/2026-city/invitations/M2/reissue", Vec::new()).await;
    assert_eq!(status, 200);
    assert_ne!(fresh["token"].as_str().unwrap(), &lines[1][3]);
    assert_eq!(submit(ballot(&lines[1][3])).await, 404);
    assert_eq!(submit(ballot(fresh["token"].as_str().unwrap())).await, 201);

    // The command line does the same, with the same list.
    let listed = ok(app.minping(&["roster", "invitations", "2026-city"]));
    assert!(listed.contains(fresh["token"].as_str().unwrap()) && !listed.contains(&lines[1][3]));
    let more = app.settings.data_dir.join("more.csv");
    std::fs::write(&more, "成员编号,界别,区县\nM4,服务对象代表,北山县\n").unwrap();
    ok(app.minping(&["roster", "import", "2026-city", more.to_str().unwrap()]));
    assert_eq!(ok(app.minping(&["roster", "invitations", "2026-city"])).lines().count(), 5);
    app.finish().await;
}

both_backends!(a_roster_becomes_invitations_that_vote_once);
