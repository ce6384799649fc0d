//! Uploads staff send (rosters, unit lists, reminder lists, campaign files) stay within fixed
//! limits, measured before anything is allocated: refused with `422` and the reason in Chinese,
//! never a crash, on the HTTP API and the command line alike.

use std::io::Write;

use serde_json::Value;

use super::still_serving;
use crate::both_backends;
use crate::harness::{spawn_app, Backend};

/// A small workbook whose one data cell sits at the sheet's far corner, so that it declares
/// the dimension A1:XFD1048576: the whole-range reader allocated 512 GiB for it and aborted.
pub fn far_corner_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["单位代码", "单位名称", "类别"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

/// An XLSX-looking zip (it starts `PK`) with 20 MB of spaces as its shared strings: 20 KB.
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..20 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn reason(body: &Value) -> &str {
    body["details"]["rows"][0]["reason"].as_str().unwrap_or_default()
}

async fn oversized_uploads_are_refused_before_they_are_read(backend: Backend) {
    // Made first: a connection idle while they are made could be closed under the client.
    let bomb = zip_bomb();
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let wide = format!("单位代码,单位名称,类别{}\nA01,x,1\n", ",x".repeat(100));
    let long_cell = format!("单位代码,单位名称,类别\nA01,{},1\n", "长".repeat(1001));
    let Some(app) = spawn_app(backend).await else { return };
    let admin = app.signed_in("wu", "admin").await;
    // (what, path, body, the reason's words)
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        ("far-corner unit list", "/campaigns/from-units?slug=x1&title=t", far_corner_xlsx(), "行数过多"),
        ("far-corner roster", "/campaigns/demo/roster", far_corner_xlsx(), "行数过多"),
        ("far-corner reminder list", "/campaigns/demo/reminders?dry_run=true", far_corner_xlsx(), "行数过多"),
        ("zip bomb unit list", "/campaigns/from-units?slug=x2&title=t", bomb.clone(), "压缩炸弹"),
        ("zip bomb roster", "/campaigns/demo/roster", bomb, "压缩炸弹"),
        ("101 columns", "/campaigns/from-units?slug=x3&title=t", wide.into_bytes(), "列数过多"),
        ("a 1,001-character cell", "/campaigns/from-units?slug=x4&title=t", long_cell.into_bytes(), "过长"),
    ];
    for (what, path, body, words) in cases {
        let (status, answer) = app.admin_send(&admin, "POST", path, body).await;
        assert_eq!((status, answer["error"].as_str()), (422, Some("invalid_rows")), "{what}: {answer}");
        assert!(reason(&answer).contains(words), "{what}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("未作任何改动"), "{what}: {answer}");
    }
    still_serving(&app).await;
    let (status, _) = app.admin_call(Some(&admin), "GET", "/campaigns/x1", false).await;
    assert_eq!(status, 404, "no campaign was created");

    // The command line reads the same way, and a file past the size limit is not read whole.
    let dir = tempfile::tempdir().unwrap();
    let far = dir.path().join("far.xlsx");
    std::fs::write(&far, far_corner_xlsx()).unwrap();
    let list = dir.path().join("list.csv");
    let out =
        app.minping(&["roster", "import", "demo", far.to_str().unwrap(), "--out", list.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("行数过多"), "{out:?}");
    let huge = dir.path().join("huge.toml");
    std::fs::File::create(&huge).unwrap().set_len(2 * 1024 * 1024).unwrap();
    let out = app.minping(&["campaign", "create", huge.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than 1 MB"), "{out:?}");
    still_serving(&app).await;
    app.finish().await;
}

both_backends!(oversized_uploads_are_refused_before_they_are_read);
