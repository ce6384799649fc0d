//! Small groups (issue #11): no figure shown for a group of fewer than k ballots, nor one it
//! could be worked out from; in the published ballots every combination of attributes has
//! at least k lines, and `minping verify` still recomputes the published results exactly.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{minping_alone, ok, spawn_app, Backend};

both_backends!(small_jiebie_are_cut_from_the_figures_and_merged_in_the_published_ballots);

/// k for this test: the smallest allowed, so that the demo's 60 members make groups on
/// both sides of it.
const K: u64 = 5;

async fn small_jiebie_are_cut_from_the_figures_and_merged_in_the_published_ballots(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    // Members by 界别, largest first.
    let mut by_segment: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, row) in app.demo_members() {
        by_segment.entry(row[0].clone()).or_default().push(row[2].clone());
    }
    let mut segments: Vec<(String, Vec<String>)> = by_segment.into_iter().collect();
    segments.sort_by_key(|(_, tokens)| std::cmp::Reverse(tokens.len()));
    let (big, small) = (&segments[0], [&segments[segments.len() - 1], &segments[segments.len() - 2]]);
    assert!(big.1.len() >= 2 * K as usize, "the demo's largest 界别 has {}", big.1.len());

    // Weigh the largest 界别 and the smallest; k = 5, and a 界别 counts from 5 valid ballots.
    let id = app.campaign_id().await;
    let mut definition = app.state.store.campaign("demo").await.unwrap().unwrap().definition.clone();
    definition.anonymity_threshold = K;
    definition.formula.min_class_valid = K;
    let weights = [(big.0.clone(), "0.5".parse().unwrap()), (small[0].0.clone(), "0.5".parse().unwrap())];
    definition.formula.segment_weights = Some(weights.into());
    app.state.store.update_definition(id, &definition).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    // The largest 界别 votes in full; two members of each of the two smallest: 4 together,
    // fewer than k, so a fifth comes from the third smallest.
    let mut voters: Vec<&String> = big.1.iter().collect();
    voters.extend(small.iter().flat_map(|(_, tokens)| tokens.iter().take(2)));
    let third = &segments[segments.len() - 3];
    voters.push(&third.1[0]);
    for token in &voters {
        assert_eq!(app.submit(&app.full_ballot(token)).await.0, 201);
    }
    app.mix_all().await;

    // While open: the small 界别's figures are not shown, nor the panel's or the largest 界别's
    // that would give them away (complementary); the unit's own totals are (≥ k).
    let admin = app.signed_in("zhang", "admin").await;
    let (_, body) = app.admin_call(Some(&admin), "GET", "/campaigns/demo/results", false).await;
    let report: Value = serde_json::from_slice(&body).unwrap();
    let unit = &report["results"]["units"][1];
    let hidden: Vec<&str> = unit["hidden"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    assert!(hidden.contains(&format!("segment:{}", small[0].0).as_str()), "{unit}");
    assert!(!hidden.contains(&"totals"), "{unit}");
    assert_eq!(unit["valid_n"], voters.len(), "{unit}");
    assert_eq!(unit["segments"][&small[0].0]["valid_n"], 0, "no figure for two ballots: {unit}");
    let shown = unit["segments"].as_object().unwrap();
    let visible: u64 = shown.values().map(|s| s["valid_n"].as_u64().unwrap()).sum();
    assert!(
        voters.len() as u64 - visible >= K,
        "what is hidden holds at least k together, so no subtraction gives a small 界别: {unit}"
    );

    // Closed and published: the small 界别 are merged, every combination has ≥ k lines, and
    // the file recomputes the published results exactly.
    ok(app.minping(&["campaign", "close", "demo"]));
    let path = app.settings.data_dir.join("ballots.jsonl");
    ok(app.minping(&["export", "demo", "--ballots", "--out", path.to_str().unwrap()]));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut combinations: BTreeMap<String, u64> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let line: Value = serde_json::from_str(line).unwrap();
        *combinations
            .entry(format!("{} {} {}", line["class"], line["segment"], line["flagged"]))
            .or_default() += 1;
    }
    assert!(combinations.values().all(|n| *n >= K), "{combinations:?}");
    assert!(combinations.keys().any(|c| c.contains("其他界别（合并）")), "{combinations:?}");
    for (name, _) in small {
        assert!(!text.lines().skip(1).any(|l| l.contains(name.as_str())), "{name} is in no ballot line");
    }
    let verified = ok(minping_alone(&["verify", path.to_str().unwrap()]));
    assert!(verified.contains("every figure and the fingerprint match"), "{verified}");
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["anonymity_threshold"], K);
    // The merged 界别 could never count (fewer than k ≤ min_class_valid): scores are those
    // of the open campaign's counters.
    let final_unit = &header["results"]["units"][1];
    assert_eq!(final_unit["unit_score"], unit["unit_score"], "{final_unit}");
    assert_eq!(final_unit["class_scores"], unit["class_scores"], "{final_unit}");
    assert_eq!(json!(final_unit["valid_n"]), json!(voters.len()));
    app.finish().await;
}
