use futures_util::future::join_all;
use serde_json::json;

use crate::both_backends;
use crate::harness::{database_url_for, spawn_app, Backend};

async fn a_ballot_round_trip(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let invite = &app.invites[0];

    // The campaign as the page sees it.
    assert_eq!(app.campaign["slug"], "demo");
    assert_eq!(app.unit_codes().len(), 60);
    let scale: Vec<_> = app.campaign["scale"].as_array().unwrap().iter().map(|o| o["code"].clone()).collect();
    assert_eq!(
        scale,
        [json!("satisfied"), json!("basically_satisfied"), json!("dissatisfied"), json!("unknown")]
    );
    assert_eq!(app.campaign["scale"][2]["label"], "不满意");

    // Looking at an invitation does not use it up.
    for _ in 0..2 {
        assert_eq!(app.invitation_status(&invite.token).await, (200, json!({ "status": "unused" })));
    }

    // Typed from a letter: lower case, no dash.
    let typed = invite.short_code.replace('-', "").to_lowercase();
    let (status, body) = app.submit(&app.full_ballot(&typed)).await;
    assert_eq!(status, 201, "{body}");
    let receipt = body["receipt"].as_str().unwrap().to_owned();
    assert_eq!(receipt.len(), 19);

    let (status, body) = app.get_json(&format!("/api/v1/receipts/{receipt}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["counted"], true);
    assert_eq!(
        body.as_object().unwrap().len(),
        3,
        "the receipt answer says nothing about the content: {body}"
    );

    // Token and short code are the same member: both are now used.
    assert_eq!(app.invitation_status(&invite.token).await.1, json!({ "status": "used" }));
    let (status, body) = app.submit(&app.full_ballot(&invite.token)).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("already_used")));

    let codes = app.unit_codes();
    assert_eq!(app.tally(&codes[0], "dissatisfied").await, 1);
    assert_eq!(app.tally(&codes[1], "satisfied").await, 1);
    assert_eq!(app.times_rated(&codes[1]).await, 1);
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));

    // A second member counts too.
    let (status, _) = app.submit(&app.full_ballot(&app.invites[1].token)).await;
    assert_eq!(status, 201);
    assert_eq!(app.tally(&codes[1], "satisfied").await, 2);
    app.finish().await;
}

async fn fifty_concurrent_submissions_of_one_invitation_count_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ballot = app.full_ballot(&app.invites[0].token);
    let answers = join_all((0..50).map(|_| app.submit(&ballot))).await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let conflicts = answers.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!((created, conflicts), (1, 49), "{answers:?}");
    for code in app.unit_codes() {
        assert_eq!(app.times_rated(&code).await, 1, "unit {code} counted once");
    }
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    app.finish().await;
}

async fn many_members_at_once_are_all_counted(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let ballots: Vec<_> = app.invites.iter().map(|i| app.full_ballot(&i.token)).collect();
    let answers = join_all(ballots.iter().map(|b| app.submit(b))).await;
    assert!(answers.iter().all(|(s, _)| *s == 201), "{answers:?}");
    let receipts: std::collections::HashSet<_> = answers.iter().map(|(_, b)| b["receipt"].clone()).collect();
    assert_eq!(receipts.len(), app.invites.len(), "every receipt is distinct");
    let n = app.invites.len() as i64;
    assert_eq!(app.ballot_count().await, n);
    assert_eq!(app.tally(&app.unit_codes()[5], "satisfied").await, n);
    app.finish().await;
}

async fn a_resent_ballot_whose_answer_was_lost_gets_the_same_receipt(backend: Backend) {
    let Some(mut app) = spawn_app(backend).await else { return };
    let mut ballot = app.full_ballot(&app.invites[0].token);
    ballot["receipt"] = json!("ab12-cd34-ef56-gh78");
    let (status, body) = app.submit(&ballot).await;
    assert_eq!((status, body["receipt"].as_str()), (201, Some("AB12-CD34-EF56-GH78")), "{body}");

    // The answer was lost; the page sends the same ballot again, also after hot state is gone.
    assert_eq!(app.submit(&ballot).await, (201, json!({ "receipt": "AB12-CD34-EF56-GH78" })));
    app.lose_hot_state().await;
    assert_eq!(app.submit(&ballot).await, (201, json!({ "receipt": "AB12-CD34-EF56-GH78" })));
    assert_eq!((app.ballot_count().await, app.times_rated(&app.unit_codes()[0]).await), (1, 1));

    // The same invitation with any other receipt, or none, is a duplicate.
    ballot["receipt"] = json!("0000-0000-0000-0000");
    assert_eq!(app.submit(&ballot).await.1["error"], "already_used");
    ballot.as_object_mut().unwrap().remove("receipt");
    assert_eq!(app.submit(&ballot).await.1["error"], "already_used");

    // Someone else proposing a receipt that is taken: refused, nothing stored, invitation intact.
    let mut other = app.full_ballot(&app.invites[1].token);
    other["receipt"] = json!("AB12-CD34-EF56-GH78");
    let (status, body) = app.submit(&other).await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (409, Some("receipt_taken"), Some("receipt"))
    );
    assert_eq!(app.invitation_status(&app.invites[1].token).await.1, json!({ "status": "unused" }));
    assert_eq!((app.ballot_count().await, app.claim_count().await), (1, 1));
    other["receipt"] = json!("ZZZZ-ZZZZ-ZZZZ-ZZZZ");
    assert_eq!(app.submit(&other).await.0, 201);
    assert_eq!((app.ballot_count().await, app.claim_count().await), (2, 2));
    app.finish().await;
}

#[actix_rt::test]
async fn two_instances_sharing_postgres_and_redis_count_each_member_once() {
    let Some(app) = spawn_app(Backend::Scaled).await else { return };
    let (second, handle) = app.second_instance().await;
    let ballots: Vec<_> = app.invites[..20].iter().map(|i| app.full_ballot(&i.token)).collect();
    let mut requests = Vec::new();
    for ballot in &ballots {
        for address in [&app.address, &second, &app.address, &second] {
            requests.push(app.post_with(address, "/api/v1/campaigns/demo/ballots", ballot, &[], ""));
        }
    }
    let statuses: Vec<u16> = join_all(requests).await.into_iter().map(|(status, _, _)| status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 60, "{statuses:?}");
    assert_eq!((app.ballot_count().await, app.claim_count().await), (20, 20));
    assert_eq!(app.times_rated(&app.unit_codes()[7]).await, 20);
    handle.stop(true).await;
    app.finish().await;
}

both_backends!(
    a_ballot_round_trip,
    fifty_concurrent_submissions_of_one_invitation_count_once,
    many_members_at_once_are_all_counted,
    a_resent_ballot_whose_answer_was_lost_gets_the_same_receipt,
);

/// PostgreSQL: batches append counter increments; the fold moves them into the counters
/// without changing any total, whenever it runs.
#[actix_rt::test]
async fn counter_increments_fold_into_the_counters_without_changing_totals() {
    let Some(app) = spawn_app(Backend::Scaled).await else { return };
    for invite in &app.invites[..3] {
        assert_eq!(app.submit(&app.full_ballot(&invite.token)).await.0, 201);
    }
    app.mix_all().await;
    let campaign = app.campaign_id().await;
    let before = app.state.store.tallies(campaign).await.unwrap();
    app.state.store.fold_tally_deltas().await.unwrap();
    let after = app.state.store.tallies(campaign).await.unwrap();
    assert_eq!(before, after);
    let codes = app.unit_codes();
    assert_eq!(app.tally(&codes[1], "satisfied").await, 3);
    let pool = sqlx::PgPool::connect(&database_url_for(app.database_name().unwrap())).await.unwrap();
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tally_deltas").fetch_one(&pool).await.unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tallies").fetch_one(&pool).await.unwrap();
    pool.close().await;
    assert_eq!((left, rows as usize), (0, after.len()));
    app.finish().await;
}
