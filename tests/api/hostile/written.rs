//! Tables minping writes (invitations, non-responders, results) hold no formula a
//! spreadsheet would run: roster text that looks like one is neutralised, credentials pass
//! untouched.

use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app, Backend};

async fn roster_text_never_becomes_a_formula_in_a_list(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("wu", "admin").await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml");
    crate::harness::ok(app.minping(&["campaign", "create", example]));
    let hostile = [
        "=HYPERLINK(\"http://evil.example/\",\"点此\")",
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "＝1+1",
        " =1+1",
    ];
    let mut roster = String::from("成员编号,界别,区县,手机号\n");
    for (i, text) in hostile.iter().enumerate() {
        let quoted = text.replace('"', "\"\"");
        roster.push_str(&format!("M{i},\"{quoted}\",\"{quoted}\",\n"));
    }
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns/2026-city/roster", roster).await;
    assert_eq!(status, 201, "{body}");
    // The invitation list comes once, with the import; the non-responder list at any time.
    let list = body["csv"].as_str().unwrap().as_bytes().to_vec();
    let (status, others) =
        app.admin_call(Some(&admin), "GET", "/campaigns/2026-city/non-responders?format=csv", false).await;
    assert_eq!(status, 200);
    for (path, csv) in [("invitations", list), ("non-responders", others)] {
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        let mut rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            for cell in record.iter() {
                assert!(!minping::spreadsheet::cell::is_formula_like(cell), "{path}: {cell:?}");
            }
            assert!(hostile.iter().any(|h| record[1] == format!("'{}", h.trim())), "{path}: {record:?}");
            rows += 1;
        }
        assert_eq!(rows, hostile.len(), "{path}");
    }
    still_serving(&app).await;
    app.finish().await;
}

/// results.csv left full-width `＝`, a leading space and a leading line feed as they were.
async fn unit_names_never_become_formulas_in_results(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("wu", "admin").await;
    let units = "类别代码,类别名称,单位代码,单位名称\n\
                 A,＝1+1,A01,\" =1+1\"\n\
                 A,＝1+1,A02,\"@SUM(A1)\"\n\
                 B,-2,B01,＋3\n";
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns/from-units?slug=f1&title=t", units).await;
    assert_eq!(status, 201, "{body}");
    let (status, csv) = app.admin_call(Some(&admin), "GET", "/campaigns/f1/export/results.csv", false).await;
    assert_eq!(status, 200);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&csv[3..]);
    let mut cells = 0;
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!minping::spreadsheet::cell::is_formula_like(cell), "{cell:?}");
            cells += 1;
        }
    }
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("'＝1+1") && text.contains("'@SUM(A1)") && text.contains("'＋3"), "{text}");
    assert!(cells > 10);
    still_serving(&app).await;
    app.finish().await;
}

both_backends!(roster_text_never_becomes_a_formula_in_a_list, unit_names_never_become_formulas_in_results);
