//! Districts on public ballots: self-reported from the campaign's list, counted per district
//! in the live view; a panel member's district comes from the roster.

use serde_json::json;

use super::{app, code_for};
use crate::both_backends;
use crate::harness::{Backend, TestApp};

/// The live view's public ballots per district, as staff see them once every ballot is
/// mixed (a district is content: it moves in steps of k, tested apart, and a district
/// under k shows no figure).
async fn public_by_district(app: &TestApp) -> Vec<(String, Option<i64>)> {
    app.mix_all().await;
    let campaign = app.state.store.campaign("demo").await.unwrap().unwrap();
    let progress = minping::campaign::progress::read(app.state.sources(), &campaign).await.unwrap();
    progress.public.by_district.into_iter().map(|d| (d.name, d.ballots)).collect()
}

async fn the_public_say_their_district_and_staff_see_ballots_per_district(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let districts: Vec<String> = serde_json::from_value(app.campaign["districts"].clone()).unwrap();
    assert_eq!(districts[..2], ["城关区", "东湖区"], "the demo offers the panel's districts");
    let listed = |counts: &[Option<i64>]| -> Vec<(String, Option<i64>)> {
        districts
            .iter()
            .zip(counts.iter().chain(std::iter::repeat(&Some(0))))
            .map(|(d, n)| (d.clone(), *n))
            .collect()
    };
    assert_eq!(public_by_district(&app).await, listed(&[]), "every district at 0, no 未填写 yet");

    let code = code_for(&app, "13800138000", "138****8000").await;
    let mut ballot = app.phone_ballot("13800138000", &code);
    ballot["district"] = json!("东湖区");
    assert_eq!(app.submit(&ballot).await.0, 201);
    let code = code_for(&app, "13800138001", "138****8001").await;
    let mut ballot = app.phone_ballot("13800138001", &code);
    ballot["district"] = json!(" ");
    assert_eq!(app.submit(&ballot).await.0, 201, "blank is no district");
    // A panel member on the phone path keeps the roster's district; what they chose is ignored.
    let code = code_for(&app, "19900000001", "199****0001").await;
    let mut ballot = app.phone_ballot("19900000001", &code);
    ballot["district"] = json!("城关区");
    assert_eq!(app.submit(&ballot).await.0, 201);

    // One ballot each in 东湖区 and 未填写: both under k, so neither figure is shown (the
    // counters hold them: the store's own rows say so).
    let mut expected = listed(&[Some(0), None]);
    expected.push(("未填写".into(), None));
    assert_eq!(public_by_district(&app).await, expected);
    let mut counted = app.state.store.public_by_district(app.campaign_id().await).await.unwrap();
    counted.sort();
    assert_eq!(
        counted,
        [("public".to_string(), String::new(), 1), ("public".to_string(), "东湖区".to_string(), 1)]
    );
    // The districts are counted, never kept on a ballot: a district beside a panel
    // member's 界别 would point at a handful of named members (docs/ANONYMITY.md).
    let id = app.campaign_id().await;
    let mut stored = Vec::new();
    app.state
        .store
        .for_each_ballot(id, &mut |b| {
            stored.push((b.class, b.district));
            Ok(())
        })
        .await
        .unwrap();
    stored.sort();
    assert_eq!(
        stored,
        [("panel".to_string(), None), ("public".to_string(), None), ("public".to_string(), None)]
    );
    app.finish().await;
}

async fn a_wrong_district_uses_nothing_up_and_the_panel_is_not_asked(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "13800138000", "138****8000").await;
    let mut ballot = app.phone_ballot("13800138000", &code);
    ballot["district"] = json!("月球区");
    let (status, body) = app.submit(&ballot).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("unknown_district"), Some("district")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("月球区"), "{body}");
    // The code was not used up: the same ballot with a listed district counts.
    ballot["district"] = json!("高新区");
    assert_eq!(app.submit(&ballot).await.0, 201);

    // The panel's district comes from the roster: an invitation ballot may not name one.
    let mut ballot = app.full_ballot(&app.invites[0].token);
    ballot["district"] = json!("城关区");
    let (status, body) = app.submit(&ballot).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("district_not_asked"), Some("district")),
        "{body}"
    );
    let (_, body) = app.invitation_status(&app.invites[0].token).await;
    assert_eq!(body["status"], "unused");
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    app.mix_all().await;
    let counted = app.state.store.public_by_district(app.campaign_id().await).await.unwrap();
    assert_eq!(counted, [("public".to_string(), "高新区".to_string(), 1)]);
    app.finish().await;
}

both_backends!(
    the_public_say_their_district_and_staff_see_ballots_per_district,
    a_wrong_district_uses_nothing_up_and_the_panel_is_not_asked,
);
