//! Scoring works on counters: a million ballots are scored like a hundred. (How fast is
//! measured by `cargo bench --bench scoring`; these tests check the results at that size.)

use super::support::{dec, OPTIONS};
use crate::scoring::formula::Formula;
use crate::scoring::{compute, CategoryRef, Layout, Results, Tally, UnitRef};

/// 60 units in 4 categories; every key of `keys` (class, segment) rated, flagged and not,
/// with tens of thousands of ballots per counter.
fn score(formula: &Formula, keys: &[(&str, &str)]) -> (Results, u64) {
    let layout = Layout {
        categories: (0..4).map(|c| CategoryRef { code: format!("C{c}"), name: format!("c{c}") }).collect(),
        units: (0..60)
            .map(|u| UnitRef { code: format!("U{u}"), name: format!("u{u}"), category: u % 4 })
            .collect(),
        options: OPTIONS.map(String::from).to_vec(),
    };
    let mut tallies = Vec::new();
    for unit in 0..60 {
        for option in 0..OPTIONS.len() {
            for (class, segment) in keys {
                for flagged in [false, true] {
                    let count = 40_000 + (unit * 7919 + option * 104_729) as u64 % 9_000;
                    tallies.push(Tally {
                        unit,
                        option,
                        class: class.to_string(),
                        segment: segment.to_string(),
                        flagged,
                        count,
                    });
                }
            }
        }
    }
    let ballots = tallies.iter().filter(|t| t.unit == 0).map(|t| t.count).sum();
    (compute(&layout, formula, &tallies), ballots)
}

#[test]
fn sixty_units_in_two_classes_from_a_million_ballots() {
    let (results, ballots) = score(&Formula::default(), &[("panel", ""), ("public", "")]);
    assert!(ballots > 500_000, "{ballots} ballots");
    assert_eq!(results.overall.ranked_units, 60);
}

#[test]
fn sixty_units_with_five_weighted_segments() {
    let segments = ["基层群众", "企业代表", "人大代表", "政协委员", "服务对象"];
    let weights = segments.iter().map(|s| (s.to_string(), dec("0.2"))).collect();
    let formula = Formula { segment_weights: Some(weights), ..Formula::default() };
    let keys: Vec<(&str, &str)> = segments.iter().map(|s| ("panel", *s)).chain([("public", "")]).collect();
    let (results, ballots) = score(&formula, &keys);
    assert!(ballots > 1_000_000, "{ballots} ballots");
    assert_eq!(results.overall.ranked_units, 60);
}
