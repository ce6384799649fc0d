//! Scoring from counters: a campaign of 60 units and about a million ballots.
//! `cargo bench --bench scoring`

use std::collections::BTreeMap;

use criterion::{criterion_group, criterion_main, Criterion};
use minping::scoring::formula::Formula;
use minping::scoring::{compute, CategoryRef, Dec, Layout, Tally, UnitRef};

const OPTIONS: [&str; 4] = ["satisfied", "basically_satisfied", "dissatisfied", "unknown"];

fn campaign(keys: &[(&str, &str)]) -> (Layout, Vec<Tally>) {
    let layout = Layout {
        categories: (0..4).map(|c| CategoryRef { code: format!("C{c}"), name: format!("c{c}") }).collect(),
        units: (0..60)
            .map(|u| UnitRef { code: format!("U{u:02}"), name: format!("u{u}"), category: u % 4 })
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
    (layout, tallies)
}

fn scoring(c: &mut Criterion) {
    let (layout, tallies) = campaign(&[("panel", ""), ("public", "")]);
    c.bench_function("60 units, 2 classes, ~700k ballots", |b| {
        b.iter(|| compute(&layout, &Formula::default(), &tallies))
    });

    let segments = ["基层群众", "企业代表", "人大代表", "政协委员", "服务对象"];
    let weights: BTreeMap<String, Dec> =
        segments.iter().map(|s| (s.to_string(), "0.2".parse().unwrap())).collect();
    let formula = Formula { segment_weights: Some(weights), ..Formula::default() };
    let keys: Vec<(&str, &str)> = segments.iter().map(|s| ("panel", *s)).chain([("public", "")]).collect();
    let (layout, tallies) = campaign(&keys);
    c.bench_function("60 units, 5 weighted segments, ~1.4M ballots", |b| {
        b.iter(|| compute(&layout, &formula, &tallies))
    });
}

criterion_group!(benches, scoring);
criterion_main!(benches);
