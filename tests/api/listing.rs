//! `minping campaign list`: every campaign with its status and ballots, in Chinese.

use crate::both_backends;
use crate::harness::{ok, spawn_app, Backend};

async fn campaigns_are_listed_with_status_and_ballots(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    for invite in &app.invites[..3] {
        assert_eq!(app.submit(&app.full_ballot(&invite.token)).await.0, 201);
    }
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml");
    ok(app.minping(&["campaign", "create", example]));

    let listed = ok(app.minping(&["campaign", "list"]));
    let lines: Vec<Vec<&str>> = listed.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(lines[0], ["代码", "状态", "选票", "名称"], "{listed}");
    let row = |slug: &str| {
        lines.iter().find(|l| l[0] == slug).unwrap_or_else(|| panic!("{slug}: {listed}")).clone()
    };
    assert_eq!(row("demo")[1..3], ["进行中", "3"], "{listed}");
    assert!(listed.contains("2026 年度市级机关社会评议（演示）"), "{listed}");
    assert_eq!(row("2026-city")[1..3], ["草稿", "0"], "{listed}");

    ok(app.minping(&["campaign", "close", "demo"]));
    let listed = ok(app.minping(&["campaign", "list"]));
    assert!(listed.lines().any(|l| l.starts_with("demo ") && l.contains("已结束")), "{listed}");
    app.finish().await;
}

both_backends!(campaigns_are_listed_with_status_and_ballots);
