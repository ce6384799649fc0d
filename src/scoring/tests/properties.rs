//! Properties over random campaigns and formulas.

use std::collections::BTreeMap;

use num_rational::BigRational;
use proptest::prelude::*;

use super::support::{dec, OPTIONS};
use crate::scoring::formula::{Formula, MissingClass, Rounding};
use crate::scoring::tally::sum_tallies;
use crate::scoring::unit_score::{points_range, score_unit, ExactUnit, Scale};
use crate::scoring::{compute, CategoryRef, Dec, Layout, Tally, UnitRef};

const CLASSES: [&str; 3] = ["panel", "public", "staff"];
const SEGMENTS: [&str; 4] = ["", "a", "b", "c"];

#[derive(Debug, Clone)]
struct World {
    layout: Layout,
    formula: Formula,
    tallies: Vec<Tally>,
}

fn weights(pairs: &[(&str, &str)]) -> BTreeMap<String, Dec> {
    pairs.iter().map(|(k, v)| (k.to_string(), dec(v))).collect()
}

fn formula() -> impl Strategy<Value = Formula> {
    let classes = prop_oneof![
        Just(weights(&[("panel", "0.6"), ("public", "0.4")])),
        Just(weights(&[("panel", "1")])),
        Just(weights(&[("public", "0.35"), ("panel", "0.45"), ("staff", "0.2")])),
    ];
    let segments = prop_oneof![Just(None), Just(Some(weights(&[("a", "0.5"), ("b", "0.3"), ("c", "0.2")])))];
    (
        (classes, segments, 0u32..=1000, 1u32..=1000, any::<bool>()),
        (any::<bool>(), any::<bool>(), 0u32..=4, 0u64..12, any::<bool>()),
    )
        .prop_map(
            |(
                (class_weights, segment_weights, basic, top, missing),
                (even, flagged, decimals, min_valid, skip_first),
            )| {
                // Points in tenths: satisfied is the top, basically satisfied anywhere up to it.
                let tenths = |t: u32| dec(&format!("{}.{}", t / 10, t % 10));
                let points = [
                    ("satisfied".to_string(), tenths(top)),
                    ("basically_satisfied".to_string(), tenths(basic.min(top))),
                    ("dissatisfied".to_string(), dec("0")),
                ]
                .into();
                Formula {
                    points,
                    class_weights,
                    segment_weights,
                    missing_class: if missing { MissingClass::Missing } else { MissingClass::Renormalise },
                    rounding: if even { Rounding::HalfEven } else { Rounding::HalfUp },
                    count_flagged: flagged,
                    decimals,
                    min_valid,
                    // The class floor has a property of its own below; the others hold
                    // without it (tallies here are small).
                    min_class_valid: 1,
                    not_ranked: if skip_first { vec!["U0".into()] } else { vec![] },
                    component_points: dec("20"),
                    ..Formula::default()
                }
            },
        )
}

fn tally(units: usize) -> impl Strategy<Value = Tally> {
    (0..units, 0..OPTIONS.len(), 0..CLASSES.len(), 0..SEGMENTS.len(), prop::bool::weighted(0.2), 0u64..40)
        .prop_map(|(unit, option, class, segment, flagged, count)| Tally {
            unit,
            option,
            class: CLASSES[class].into(),
            segment: SEGMENTS[segment].into(),
            flagged,
            count,
        })
}

fn world() -> impl Strategy<Value = World> {
    (1usize..8, 1usize..4).prop_flat_map(|(units, categories)| {
        (
            proptest::collection::vec(0..categories, units),
            formula(),
            proptest::collection::vec(tally(units), 0..60),
        )
            .prop_map(move |(category_of, formula, tallies)| {
                let layout = Layout {
                    categories: (0..categories)
                        .map(|c| CategoryRef { code: format!("C{c}"), name: format!("c{c}") })
                        .collect(),
                    units: (category_of.iter().enumerate())
                        .map(|(i, c)| UnitRef { code: format!("U{i}"), name: format!("u{i}"), category: *c })
                        .collect(),
                    options: OPTIONS.map(String::from).to_vec(),
                };
                World { layout, formula, tallies }
            })
    })
}

fn exact(world: &World) -> Vec<ExactUnit> {
    let scale = Scale::new(&world.layout, &world.formula);
    let sums = sum_tallies(&world.layout, world.formula.count_flagged, &world.tallies);
    (0..world.layout.units.len()).map(|u| score_unit(sums.unit(u), &world.formula, &scale)).collect()
}

fn value(text: &Option<String>) -> Option<BigRational> {
    text.as_ref().map(|t| dec(t).into_ratio())
}

fn valid(world: &World) {
    let units: Vec<&str> = world.layout.units.iter().map(|u| u.code.as_str()).collect();
    world.formula.validate(&OPTIONS, &units).expect("the generated formula is valid");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A ballot added to a class that stays below `min_class_valid` for the unit moves no
    /// score: a class that small does not count, whatever it says.
    #[test]
    fn a_class_below_the_floor_never_moves_a_score(
        world in world(),
        floor in 2u64..40,
        unit in 0usize..8,
        class in 0..CLASSES.len(),
        option in 0..OPTIONS.len(),
    ) {
        let mut world = world;
        world.formula.min_class_valid = floor;
        // Pooled panel: with segment weights the floor applies per segment (tested by hand).
        world.formula.segment_weights = None;
        valid(&world);
        let unit = unit % world.layout.units.len();
        let class = CLASSES[class];
        let mut more = world.clone();
        more.tallies.push(Tally { unit, option, class: class.into(), segment: String::new(), flagged: false, count: 1 });
        let after = exact(&more)[unit].clone();
        let scale = Scale::new(&world.layout, &world.formula);
        let sums = sum_tallies(&world.layout, world.formula.count_flagged, &more.tallies);
        let valid_after = sums.unit(unit).counted(class).map_or(0, |c| scale.valid_n(c));
        prop_assume!(valid_after < floor);
        let before = exact(&world)[unit].clone();
        prop_assert_eq!(before.unit_score, after.unit_score);
        prop_assert_eq!(before.class_scores, after.class_scores);
    }

    #[test]
    fn one_more_top_ballot_never_lowers_a_score(
        world in world(),
        unit in 0usize..8,
        class in 0..CLASSES.len(),
        segment in 0..SEGMENTS.len(),
        flagged in prop::bool::weighted(0.2),
    ) {
        valid(&world);
        let unit = unit % world.layout.units.len();
        let before = exact(&world)[unit].clone();
        let mut more = world.clone();
        // "satisfied" scores the most of the generated scales.
        more.tallies.push(Tally { unit, option: 0, class: CLASSES[class].into(), segment: SEGMENTS[segment].into(), flagged, count: 1 });
        let after = exact(&more)[unit].clone();
        if let Some(b) = &before.unit_score {
            let a = after.unit_score.as_ref().expect("a score is never lost by one more ballot");
            prop_assert!(a >= b, "{a} < {b}");
        }
        let published = |w: &World| value(&compute(&w.layout, &w.formula, &w.tallies).units[unit].unit_score);
        if let (Some(b), Some(a)) = (published(&world), published(&more)) {
            prop_assert!(a >= b, "published {a} < {b}");
        }
    }

    #[test]
    fn ranks_are_competition_ranks_of_the_published_components(world in world()) {
        valid(&world);
        let results = compute(&world.layout, &world.formula, &world.tallies);
        for category in 0..world.layout.categories.len() {
            let members: Vec<_> = (world.layout.units.iter().zip(&results.units)).filter(|(u, _)| u.category == category).map(|(_, r)| r).collect();
            let ranked: Vec<_> = members.iter().filter(|r| r.rank.is_some()).collect();
            for r in &members {
                let eligible = r.score_component.is_some() && r.valid_n >= world.formula.min_valid && !world.formula.not_ranked.contains(&r.code);
                prop_assert_eq!(r.rank.is_some(), eligible, "{}", r.code);
                if let Some(rank) = r.rank {
                    let mine = value(&r.score_component);
                    let higher = ranked.iter().filter(|o| value(&o.score_component) > mine).count() as u32;
                    prop_assert_eq!(rank, higher + 1);
                    prop_assert!(rank as usize <= ranked.len());
                }
            }
        }
    }

    #[test]
    fn scores_lie_between_the_lowest_and_highest_points(world in world()) {
        valid(&world);
        let scale = Scale::new(&world.layout, &world.formula);
        let (min, max) = points_range(&scale);
        for unit in exact(&world) {
            let scores = unit.class_scores.values().flatten().chain(unit.segments.values().filter_map(|s| s.score.as_ref()));
            for score in scores.chain(unit.unit_score.as_ref()) {
                prop_assert!(&min <= score && score <= &max, "{score} outside [{min}, {max}]");
            }
        }
    }

    #[test]
    fn the_satisfaction_rate_lies_in_its_wilson_interval(world in world()) {
        valid(&world);
        let results = compute(&world.layout, &world.formula, &world.tallies);
        for r in &results.units {
            prop_assert_eq!(r.satisfaction_rate.is_some(), r.valid_n > 0);
            if let (Some(rate), Some(low), Some(high)) = (value(&r.satisfaction_rate), value(&r.wilson_low), value(&r.wilson_high)) {
                let exact = BigRational::new(r.satisfied_n.into(), r.valid_n.into());
                prop_assert!(low <= exact && exact <= high);
                prop_assert!(low <= rate && rate <= high, "{rate} outside [{low}, {high}]");
            }
        }
    }

    #[test]
    fn counts_add_up_and_results_round_trip(world in world()) {
        valid(&world);
        let results = compute(&world.layout, &world.formula, &world.tallies);
        for r in &results.units {
            let valid_n: u64 = (r.counts.iter())
                .filter(|(class, _)| world.formula.class_weights.contains_key(*class))
                .flat_map(|(_, options)| options.iter())
                .filter(|(option, _)| world.formula.points.contains_key(*option))
                .map(|(_, n)| n)
                .sum();
            prop_assert_eq!(r.valid_n, valid_n);
            prop_assert!(r.counts.values().all(|o| o.len() == OPTIONS.len()));
        }
        let total: u64 = world.tallies.iter().filter(|t| t.flagged).map(|t| t.count).sum();
        prop_assert_eq!(results.overall.flagged_n, total);
        let json = serde_json::to_string(&results).unwrap();
        prop_assert_eq!(serde_json::from_str::<crate::scoring::Results>(&json).unwrap(), results);
    }
}
