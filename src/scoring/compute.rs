//! `compute`: counters in, published figures out. The exact figures are worked out first
//! (`unit_score`), then rounded once, then ranked on what is published.

use std::collections::{BTreeMap, BTreeSet};

use num_bigint::BigInt;
use num_rational::BigRational;

use super::exact::{render_scaled, FractionSum};
use super::flags;
use super::input::{Layout, Tally};
use super::rank::{competition_ranks, indistinguishable};
use super::results::{CategorySummary, Counts, Results, SegmentResult, Summary, UnitResult};
use super::round::{round_scaled, round_to_string};
use super::tally::{sum_tallies, UnitTally};
use super::unit_score::{score_unit, ExactUnit, Scale};
use super::wilson::{self, wilson};
use crate::scoring::formula::{Formula, Rounding};

/// Scores a campaign from its counters. Assumes `formula` was validated against `layout`.
///
/// Panics when a tally names a unit or option outside `layout`: that is a bug upstream, and
/// figures computed around it would silently miss ballots.
pub fn compute(layout: &Layout, formula: &Formula, tallies: &[Tally]) -> Results {
    let scale = Scale::new(layout, formula);
    let tallies = sum_tallies(layout, formula.count_flagged, tallies);
    let exact: Vec<ExactUnit> =
        (0..layout.units.len()).map(|u| score_unit(tallies.unit(u), formula, &scale)).collect();
    let (places, rule) = (formula.decimals, formula.rounding);

    // What is published is what is ranked.
    let published: Vec<Option<BigInt>> =
        exact.iter().map(|e| e.component.as_ref().map(|c| round_scaled(c, places, rule))).collect();
    let intervals: Vec<Option<(u32, u32)>> = exact.iter().map(|e| wilson(e.satisfied_n, e.valid_n)).collect();
    let not_ranked: BTreeSet<&str> = formula.not_ranked.iter().map(String::as_str).collect();
    let rankable: Vec<Option<&BigInt>> = (layout.units.iter().zip(&exact).zip(&published))
        .map(|((unit, e), p)| {
            p.as_ref().filter(|_| !not_ranked.contains(unit.code.as_str()) && e.valid_n >= formula.min_valid)
        })
        .collect();
    let mut ranks = vec![None; layout.units.len()];
    let mut close = vec![false; layout.units.len()];
    for members in category_members(layout) {
        let category_ranks = competition_ranks(&members.iter().map(|&i| rankable[i]).collect::<Vec<_>>());
        let category_intervals: Vec<_> = members.iter().map(|&i| intervals[i]).collect();
        let category_close = indistinguishable(&category_ranks, &category_intervals);
        for (k, &i) in members.iter().enumerate() {
            ranks[i] = category_ranks[k];
            close[i] = category_close[k];
        }
    }

    let units: Vec<UnitResult> = (0..layout.units.len())
        .map(|i| {
            let unit = &layout.units[i];
            let mut result = publish_unit(layout, i, formula, tallies.unit(i), &exact[i], intervals[i]);
            if exact[i].valid_n < formula.min_valid {
                result.flags.push(flags::BELOW_MINIMUM.into());
            }
            if not_ranked.contains(unit.code.as_str()) {
                result.flags.push(flags::NOT_RANKED.into());
            }
            if close[i] {
                result.flags.push(flags::INDISTINGUISHABLE.into());
            }
            result.rank = ranks[i];
            result
        })
        .collect();
    let categories = (layout.categories.iter().zip(category_members(layout)))
        .map(|(category, members)| CategorySummary {
            code: category.code.clone(),
            name: category.name.clone(),
            totals: summarise(&members, &units, &exact, formula),
        })
        .collect();
    let overall = summarise(&(0..units.len()).collect::<Vec<_>>(), &units, &exact, formula);
    Results { units, categories, overall }
}

/// Unit indices of each category, in campaign order.
fn category_members(layout: &Layout) -> Vec<Vec<usize>> {
    let mut members = vec![Vec::new(); layout.categories.len()];
    for (i, unit) in layout.units.iter().enumerate() {
        members[unit.category].push(i);
    }
    members
}

fn publish_unit(
    layout: &Layout,
    index: usize,
    formula: &Formula,
    tally: UnitTally,
    exact: &ExactUnit,
    interval: Option<(u32, u32)>,
) -> UnitResult {
    let (places, rule) = (formula.decimals, formula.rounding);
    let figure = |x: &Option<BigRational>| x.as_ref().map(|x| round_to_string(x, places, rule));
    let classes: BTreeSet<&str> = (formula.class_weights.keys().map(String::as_str))
        .chain(tally.counted_classes().map(|(c, _)| c))
        .chain(tally.flagged_classes().map(|(c, _)| c))
        .collect();
    let segments = (exact.segments.iter())
        .map(|(name, s)| {
            let result = SegmentResult {
                counts: by_option(layout, Some(&s.counts)),
                valid_n: s.valid_n,
                score: figure(&s.score),
                weight: s.weight.as_ref().map(|w| w.to_string()),
            };
            (name.clone(), result)
        })
        .collect();
    let unit = &layout.units[index];
    UnitResult {
        code: unit.code.clone(),
        name: unit.name.clone(),
        category: layout.categories[unit.category].code.clone(),
        counts: by_class(layout, &classes, |c| tally.counted(c)),
        counts_flagged: by_class(layout, &classes, |c| tally.flagged(c)),
        valid_n: exact.valid_n,
        satisfied_n: exact.satisfied_n,
        satisfaction_rate: rate(exact.satisfied_n, exact.valid_n, rule),
        wilson_low: interval.map(|(low, _)| render_scaled(&low.into(), wilson::PLACES)),
        wilson_high: interval.map(|(_, high)| render_scaled(&high.into(), wilson::PLACES)),
        class_scores: (exact.class_scores.iter()).map(|(c, s)| (c.clone(), figure(s))).collect(),
        segments,
        unit_score: figure(&exact.unit_score),
        score_component: figure(&exact.component),
        rank: None,
        flags: exact.flags.clone(),
        hidden: Vec::new(),
    }
}

fn by_class<'s>(
    layout: &Layout,
    classes: &BTreeSet<&str>,
    counts: impl Fn(&str) -> Option<&'s [u64]>,
) -> Counts {
    classes.iter().map(|c| (c.to_string(), by_option(layout, counts(c)))).collect()
}

/// Every option of the scale, by code, zero when not rated.
fn by_option(layout: &Layout, counts: Option<&[u64]>) -> BTreeMap<String, u64> {
    (layout.options.iter().enumerate()).map(|(o, code)| (code.clone(), counts.map_or(0, |c| c[o]))).collect()
}

/// A proportion with 4 decimals, rounded by the formula's rule.
pub(super) fn rate(satisfied: u64, valid: u64, rule: Rounding) -> Option<String> {
    (valid > 0).then(|| {
        // Unreduced: rounding needs no gcd.
        let rate = BigRational::new_raw(satisfied.into(), valid.into());
        round_to_string(&rate, wilson::PLACES, rule)
    })
}

fn summarise(members: &[usize], units: &[UnitResult], exact: &[ExactUnit], formula: &Formula) -> Summary {
    let count = |keep: &dyn Fn(usize) -> bool| members.iter().filter(|&&i| keep(i)).count() as u64;
    let total = |of: &dyn Fn(usize) -> u64| {
        (members.iter()).fold(0u64, |sum, &i| sum.checked_add(of(i)).expect("a total overflows u64"))
    };
    let valid_n = total(&|i| exact[i].valid_n);
    let satisfied_n = total(&|i| exact[i].satisfied_n);
    let components: Vec<&BigRational> = members.iter().filter_map(|&i| exact[i].component.as_ref()).collect();
    let mean_score_component = (!components.is_empty()).then(|| {
        let mut sum = FractionSum::new();
        for c in &components {
            sum.add(c.numer().clone(), c.denom().clone());
        }
        let sum = sum.finish();
        let mean = BigRational::new_raw(sum.numer().clone(), sum.denom() * BigInt::from(components.len()));
        round_to_string(&mean, formula.decimals, formula.rounding)
    });
    Summary {
        units: members.len() as u64,
        scored_units: count(&|i| exact[i].unit_score.is_some()),
        ranked_units: count(&|i| units[i].rank.is_some()),
        valid_n,
        satisfied_n,
        satisfaction_rate: rate(satisfied_n, valid_n, formula.rounding),
        mean_score_component,
        flagged_n: total(&|i| units[i].counts_flagged.values().flat_map(|o| o.values()).sum()),
    }
}
