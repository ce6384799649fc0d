//! Phone numbers: the ways people type one are one number; a panel member's number counts
//! for the panel; a number that has voted is told nothing a fresh one is not.

use serde_json::{json, Value};

use super::{app, code_for, lift_cooldown};
use crate::both_backends;
use crate::harness::Backend;

async fn the_ways_people_type_a_number_are_one_number(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "＋８６ １３５－００１３－５０００", "135****5000").await;
    for (typed, status) in [("135 0013 5000", 200), ("008613500135000", 200), ("+8613500135000", 200)] {
        assert_eq!(app.verify(typed, &code).await.0, status, "{typed}");
    }
    for bad in ["12500135000", "1350013500", "+1 415 555 0100", "13500l35000", ""] {
        let (status, body, _) = app.request_code(bad).await;
        assert_eq!((status, body["error"].as_str()), (422, Some("bad_phone")), "{bad}: {body}");
        let (status, body) = app.verify(bad, "123456").await;
        assert_eq!((status, body["error"].as_str()), (422, Some("bad_phone")), "{bad}: {body}");
    }
    app.finish().await;
}

async fn a_panel_members_number_counts_for_the_panel_once(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    // Demo member P0001's number is 199 0000 0001; P0002's is 199 0000 0002.
    let code = code_for(&app, "19900000001", "199****0001").await;
    let (status, body) = app.verify("19900000001", &code).await;
    assert_eq!((status, &body["class"]), (200, &json!("panel")), "{body}");
    assert_eq!(app.submit(&app.phone_ballot("19900000001", &code)).await.0, 201);
    // Their invitation is now used, in every form.
    let (status, body) = app.submit(&app.full_ballot(&app.invites[0].token)).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")));

    // The other way round: P0002 answers by invitation, then tries by phone.
    assert_eq!(app.submit(&app.full_ballot(&app.invites[1].token)).await.0, 201);
    let code = code_for(&app, "19900000002", "199****0002").await;
    let (status, body) = app.verify("19900000002", &code).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")), "{body}");
    assert_eq!(app.submit(&app.phone_ballot("19900000002", &code)).await.0, 409);

    assert_eq!((app.ballot_count().await, app.claim_count().await), (2, 2));
    let tallies = app.state.store.tallies(app.campaign_id().await).await.unwrap();
    assert!(tallies.iter().all(|t| t.class == "panel"), "{tallies:?}");
    app.finish().await;
}

async fn voted_and_fresh_numbers_get_the_same_answer(backend: Backend) {
    let Some(app) = app(backend, |_| {}).await else { return };
    let code = code_for(&app, "13300133000", "133****3000").await;
    assert_eq!(app.submit(&app.phone_ballot("13300133000", &code)).await.0, 201);
    let shape = |body: &Value| {
        let mut body = body.clone();
        body.as_object_mut().unwrap().remove("masked");
        body
    };
    lift_cooldown(&app, "13300133000").await;
    let (voted_status, voted, _) = app.request_code("13300133000").await;
    let (panel_status, panel, _) = app.request_code("19900000003").await;
    let (fresh_status, fresh, _) = app.request_code("13300133001").await;
    assert_eq!((voted_status, panel_status, fresh_status), (202, 202, 202));
    assert_eq!(shape(&voted), shape(&fresh));
    assert_eq!(shape(&panel), shape(&fresh));
    app.finish().await;
}

both_backends!(
    the_ways_people_type_a_number_are_one_number,
    a_panel_members_number_counts_for_the_panel_once,
    voted_and_fresh_numbers_get_the_same_answer,
);
