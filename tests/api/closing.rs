//! Closing a campaign, its final results, the exports and their independent verification —
//! through the `minping` command line, while the server runs.

use std::path::PathBuf;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{minping_alone, ok, spawn_app, Backend, TestApp};

fn path(app: &TestApp, name: &str) -> PathBuf {
    app.settings.data_dir.join(name)
}

/// Ballots from the first `n` invitations: the first unit dissatisfied (with a reason) for
/// every third member, the second unit basically satisfied for every other one.
fn ballots(app: &TestApp, n: usize) -> Vec<Value> {
    let codes = app.unit_codes();
    (0..n)
        .map(|i| {
            let mut b = app.full_ballot(&app.invites[i].token);
            if i % 3 != 0 {
                b["ratings"][&codes[0]] = json!("satisfied");
                b["reasons"] = json!({});
            } else {
                b["reasons"][&codes[0]] = json!(format!("=HYPERLINK(\"http://x\") 第{i}条"));
            }
            if i % 2 == 1 {
                b["ratings"][&codes[1]] = json!("basically_satisfied");
            }
            b
        })
        .collect()
}

async fn closing_freezes_what_was_acknowledged_and_refuses_the_rest(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ballots = ballots(&app, 40);
    for b in &ballots[..10] {
        assert_eq!(app.submit(b).await.0, 201);
    }
    // Close from the command line while ballots are still arriving.
    let mut close = app.minping_command(&["campaign", "close", "demo"]);
    let closing = actix_web::rt::task::spawn_blocking(move || close.output().unwrap());
    let answers = join_all(ballots[10..].iter().map(|b| app.submit(b))).await;
    let closed = ok(closing.await.unwrap());
    assert!(closed.contains("fingerprint sha256:"), "{closed}");

    let acknowledged = 10 + answers.iter().filter(|(s, _)| *s == 201).count() as u64;
    for (status, body) in &answers {
        assert!(*status == 201 || (*status == 410 && body["error"] == "closed"), "{status} {body}");
    }
    // After the close every ballot is refused, on this instance at once.
    let late = app.full_ballot(&app.invites[50].token);
    let (status, body) = app.submit(&late).await;
    assert_eq!((status, body["error"].as_str()), (410, Some("closed")), "{body}");

    let report: Value =
        serde_json::from_str(&ok(app.minping(&["export", "demo", "--format", "json"]))).unwrap();
    assert_eq!(report["status"], "final");
    assert_eq!(
        report["ballots"], acknowledged,
        "every acknowledged ballot and nothing else is in the final results"
    );
    let first = &report["results"]["units"][0];
    assert_eq!(
        first["counts"]["panel"]["satisfied"].as_u64().unwrap()
            + first["counts"]["panel"]["dissatisfied"].as_u64().unwrap(),
        acknowledged
    );

    // Closing again changes nothing.
    let again = ok(app.minping(&["campaign", "close", "demo"]));
    assert!(again.contains(report["fingerprint"].as_str().unwrap()), "{again}");
    app.finish().await;
}

async fn exports_open_in_their_readers_and_the_ballots_verify(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for b in &ballots(&app, 31) {
        assert_eq!(app.submit(b).await.0, 201);
    }
    // Provisional results while open.
    let provisional: Value =
        serde_json::from_str(&ok(app.minping(&["export", "demo", "--format", "json"]))).unwrap();
    assert_eq!(
        (provisional["status"].as_str(), provisional["fingerprint"].clone()),
        (Some("provisional"), Value::Null)
    );
    let refused = app.minping(&["export", "demo", "--ballots"]);
    assert!(!refused.status.success(), "ballots are published only after the close");

    ok(app.minping(&["campaign", "close", "demo"]));
    let json_path = path(&app, "results.json");
    ok(app.minping(&["export", "demo", "--format", "json", "--out", json_path.to_str().unwrap()]));
    let report: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let units = report["results"]["units"].as_array().unwrap();
    assert_eq!(units.len(), 60);
    // 31 panel ballots: the first unit has 11 dissatisfied (members 0, 3, …, 30) and 20 satisfied.
    assert_eq!(units[0]["counts"]["panel"]["dissatisfied"], 11);
    assert_eq!(units[0]["valid_n"], 31);

    check_csv(&app, &report);
    check_xlsx(&app, &report);

    // The anonymised ballots: recount everything, also against the published fingerprint.
    let ballots_path = path(&app, "ballots.jsonl");
    ok(app.minping(&["export", "demo", "--ballots", "--out", ballots_path.to_str().unwrap()]));
    let text = std::fs::read_to_string(&ballots_path).unwrap();
    assert_eq!(text.lines().count(), 32, "a header and 31 ballots");
    assert!(
        !text.contains(&app.invites[0].token) && !text.contains("receipt\""),
        "no credential, no receipt"
    );
    let fingerprint = report["fingerprint"].as_str().unwrap();
    let verified =
        ok(minping_alone(&["verify", ballots_path.to_str().unwrap(), "--fingerprint", fingerprint]));
    assert!(verified.contains("every figure and the fingerprint match"), "{verified}");

    // One changed rating is caught.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let line = &lines[5];
    let at = line.find("\"ratings\":\"").unwrap() + 11;
    let changed = if &line[at..at + 1] == "0" { "2" } else { "0" };
    lines[5] = format!("{}{changed}{}", &line[..at], &line[at + 1..]);
    let tampered = path(&app, "tampered.jsonl");
    std::fs::write(&tampered, lines.join("\n") + "\n").unwrap();
    let output = minping_alone(&["verify", tampered.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success() && said.contains("MISMATCH"), "{said}");

    // The header's other checked figures are fingerprinted too: a file that claims no ballot
    // came through a late credential, or another audit head, is caught.
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let id = app.campaign_id().await;
    let log = app.state.store.audit_log(Some(id)).await.unwrap();
    let closed = log.iter().rev().find(|e| e.action == "campaign.close").unwrap();
    assert_eq!(header["audit_head"].as_str(), closed.hash.as_deref(), "the chain's head at the close");
    assert_eq!(header["late_credential_ballots"], 0);
    for (key, forged) in [("late_credential_ballots", json!(7)), ("audit_head", json!("00"))] {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut first = header.clone();
        first[key] = forged;
        lines[0] = first.to_string();
        std::fs::write(&tampered, lines.join("\n") + "\n").unwrap();
        let output = minping_alone(&["verify", tampered.to_str().unwrap(), "--fingerprint", fingerprint]);
        assert!(!output.status.success(), "a forged {key} passes");
    }

    // The receipts: as many as ballots, sorted, each of them counted.
    let receipts = String::from_utf8(app.minping(&["export", "demo", "--receipts"]).stdout).unwrap();
    let receipts: Vec<&str> = receipts.lines().collect();
    assert_eq!(receipts.len(), 31);
    assert!(receipts.windows(2).all(|w| w[0] < w[1]));
    app.finish().await;
}

fn check_csv(app: &TestApp, report: &Value) {
    let csv_path = path(app, "results.csv");
    ok(app.minping(&["export", "demo", "--format", "csv", "--out", csv_path.to_str().unwrap()]));
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    let column =
        |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 60);
    for (row, unit) in rows.iter().zip(report["results"]["units"].as_array().unwrap()) {
        assert_eq!(row[column("单位代码")], unit["code"]);
        assert_eq!(row[column("有效票数")], unit["valid_n"].to_string());
        assert_eq!(&row[column("折算分值")], unit["score_component"].as_str().unwrap_or(""));
    }
}

fn check_xlsx(app: &TestApp, report: &Value) {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let xlsx_path = path(app, "results.xlsx");
    ok(app.minping(&["export", "demo", "--format", "xlsx", "--out", xlsx_path.to_str().unwrap()]));
    let mut book: Xlsx<_> = open_workbook(&xlsx_path).unwrap();
    let names = book.sheet_names();
    assert!(names.iter().any(|n| n == "结果-党政综合服务"), "{names:?}");
    for required in ["计票明细", "计分规则", "意见建议"] {
        assert!(names.iter().any(|n| n == required), "{required} in {names:?}");
    }
    // Every unit row of every category sheet against the JSON, cell by cell.
    let units = report["results"]["units"].as_array().unwrap();
    let mut seen = 0;
    for category in report["results"]["categories"].as_array().unwrap() {
        let sheet = book.worksheet_range(&format!("结果-{}", category["name"].as_str().unwrap())).unwrap();
        let headers: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        for row in sheet.rows().skip(1) {
            let unit = units
                .iter()
                .find(|u| u["code"].as_str() == Some(&row[column("单位代码")].to_string()))
                .unwrap();
            assert_eq!(row[column("单位名称")].to_string(), unit["name"].as_str().unwrap());
            assert_eq!(row[column("有效票数")], Data::Float(unit["valid_n"].as_f64().unwrap()));
            match unit["score_component"].as_str() {
                Some(s) => assert_eq!(row[column("折算分值")], Data::Float(s.parse().unwrap())),
                None => assert_eq!(row[column("折算分值")].to_string(), ""),
            }
            match unit["rank"].as_u64() {
                Some(r) => assert_eq!(row[column("类内排名")], Data::Float(r as f64)),
                None => assert_eq!(row[column("类内排名")].to_string(), ""),
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 60);
    let rules = book.worksheet_range("计分规则").unwrap();
    assert!(
        rules.rows().any(|r| r[1] == report["fingerprint"].as_str().unwrap()),
        "the fingerprint is stated"
    );
    // Free text that looks like a formula stays text.
    let feedback = book.worksheet_range("意见建议").unwrap();
    let texts: Vec<String> = feedback.rows().skip(1).map(|r| r[3].to_string()).collect();
    assert!(texts.iter().any(|t| t.starts_with("=HYPERLINK")), "{texts:?}");
    let formulas = book.worksheet_formula("意见建议").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the feedback sheet");
}

async fn a_campaign_file_goes_from_draft_to_closed_and_its_formula_is_guarded(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml");
    ok(app.minping(&["campaign", "create", example]));
    let (status, body) = app.get_json("/api/v1/campaigns/2026-city").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("draft")));

    // A draft's formula changes freely; a bad one is refused with its field.
    let formula = path(&app, "formula.toml");
    std::fs::write(&formula, "[formula]\nclass_weights = { panel = \"0.7\", public = \"0.3\" }\n").unwrap();
    ok(app.minping(&["campaign", "formula", "2026-city", formula.to_str().unwrap()]));
    let bad = path(&app, "bad.toml");
    std::fs::write(&bad, "[formula]\nclass_weights = { panel = \"0.7\", public = \"0.2\" }\n").unwrap();
    let refused = app.minping(&["campaign", "formula", "2026-city", bad.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && said.contains("class_weights"), "{said}");

    ok(app.minping(&["campaign", "open", "2026-city"]));
    // Open: only with an explicit, logged override.
    let refused = app.minping(&["campaign", "formula", "2026-city", formula.to_str().unwrap()]);
    assert!(!refused.status.success());
    ok(app.minping(&[
        "campaign",
        "formula",
        "2026-city",
        formula.to_str().unwrap(),
        "--override",
        "考评委决定",
    ]));
    let id = app.state.store.campaign("2026-city").await.unwrap().unwrap().id;
    let log = app.state.store.audit_log(Some(id)).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    // Open: the change waits for a second person (tests/api/approvals.rs).
    assert_eq!(actions, ["campaign.create", "campaign.formula", "campaign.open", "approval.request"]);
    assert!(log[3].detail.contains("考评委决定"));

    ok(app.minping(&["campaign", "close", "2026-city"]));
    let refused =
        app.minping(&["campaign", "formula", "2026-city", formula.to_str().unwrap(), "--override", "x"]);
    assert!(!refused.status.success(), "frozen results never change");
    app.finish().await;
}

both_backends!(
    closing_freezes_what_was_acknowledged_and_refuses_the_rest,
    exports_open_in_their_readers_and_the_ballots_verify,
    a_campaign_file_goes_from_draft_to_closed_and_its_formula_is_guarded,
);
