//! The exact figures of one unit, before rounding: valid n, satisfied n, class scores,
//! segment scores, unit score and score component, with the flags that explain them.

use std::collections::{BTreeMap, BTreeSet};

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::One;

use super::exact::Dec;
use super::flags;
use super::input::Layout;
use super::tally::UnitTally;
use super::weights::weighted_mean;
use crate::scoring::formula::{Formula, MissingClass, PANEL_CLASS};

/// The formula's view of the scale, by option index: points (`None`: not valid) and whether the
/// option counts as satisfied.
#[derive(Debug, Clone)]
pub(crate) struct Scale {
    pub points: Vec<Option<BigRational>>,
    pub satisfied: Vec<bool>,
    /// The points as integers over one common denominator, so that a mean takes one gcd.
    scaled: Vec<Option<BigInt>>,
    denominator: BigInt,
}

impl Scale {
    pub fn new(layout: &Layout, formula: &Formula) -> Self {
        let points: Vec<Option<BigRational>> =
            (layout.options.iter()).map(|o| formula.points.get(o).map(|p| p.ratio().clone())).collect();
        let satisfied = (layout.options.iter()).map(|o| formula.satisfied_options.contains(o)).collect();
        let denominator = points.iter().flatten().fold(BigInt::one(), |d, p| d.lcm(p.denom()));
        let scaled =
            (points.iter()).map(|p| p.as_ref().map(|p| p.numer() * (&denominator / p.denom()))).collect();
        Self { points, satisfied, scaled, denominator }
    }

    /// Ballots with a valid option (one that has points).
    pub fn valid_n(&self, counts: &[u64]) -> u64 {
        sum(counts.iter().zip(&self.points).filter(|(_, p)| p.is_some()).map(|(c, _)| *c))
    }

    /// Ballots with a satisfied option (validation makes every satisfied option valid).
    pub fn satisfied_n(&self, counts: &[u64]) -> u64 {
        sum(counts.iter().zip(&self.satisfied).filter(|(_, s)| **s).map(|(c, _)| *c))
    }

    /// Σ(points × count) / valid n; `None` when valid n is below `floor` (and always when 0).
    pub fn mean(&self, counts: &[u64], floor: u64) -> Option<BigRational> {
        let valid = self.valid_n(counts);
        if valid == 0 || valid < floor {
            return None;
        }
        let total: BigInt = (counts.iter().zip(&self.scaled))
            .filter_map(|(c, p)| p.as_ref().map(|p| p * BigInt::from(*c)))
            .sum();
        // Unreduced, like every intermediate figure (see `FractionSum`).
        Some(BigRational::new_raw(total, &self.denominator * BigInt::from(valid)))
    }
}

fn sum(counts: impl Iterator<Item = u64>) -> u64 {
    counts.fold(0u64, |a, c| a.checked_add(c).expect("a unit's ballot count overflows u64"))
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExactSegment {
    pub counts: Vec<u64>,
    pub valid_n: u64,
    pub score: Option<BigRational>,
    pub weight: Option<Dec>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExactUnit {
    pub valid_n: u64,
    pub satisfied_n: u64,
    /// Every weighted class.
    pub class_scores: BTreeMap<String, Option<BigRational>>,
    /// Empty without segment weights.
    pub segments: BTreeMap<String, ExactSegment>,
    pub unit_score: Option<BigRational>,
    pub component: Option<BigRational>,
    /// The flags that come from the unit's own ballots, in their fixed order.
    pub flags: Vec<String>,
}

pub(crate) fn score_unit(tally: UnitTally, formula: &Formula, scale: &Scale) -> ExactUnit {
    let zeros = vec![0; scale.points.len()];
    let counts = |class: &str| tally.counted(class).unwrap_or(&zeros);
    let weighted = &formula.class_weights;
    let valid_n = sum(weighted.keys().map(|c| scale.valid_n(counts(c))));
    let satisfied_n = sum(weighted.keys().map(|c| scale.satisfied_n(counts(c))));

    let floor = formula.min_class_valid;
    let segments = match &formula.segment_weights {
        Some(weights) if weighted.contains_key(PANEL_CLASS) => score_segments(tally, weights, scale, floor),
        _ => BTreeMap::new(),
    };
    let class_scores: BTreeMap<String, Option<BigRational>> = (weighted.keys())
        .map(|class| {
            let score = match &formula.segment_weights {
                Some(weights) if class == PANEL_CLASS => {
                    weighted_mean(weights, |s| segments[s].score.as_ref())
                }
                _ => scale.mean(counts(class), floor),
            };
            (class.clone(), score)
        })
        .collect();

    let mut flags = Vec::new();
    let missing: Vec<&String> = class_scores.iter().filter(|(_, s)| s.is_none()).map(|(c, _)| c).collect();
    // A class without a score either has no valid ballot, or too few to count
    // (`min_class_valid`); the flag says which. Under segment weights the panel is short
    // when a weighted segment has some valid ballots but too few.
    let short = |valid: u64| valid > 0 && valid < floor;
    let class_flag = |class: &&String| {
        let insufficient = if class.as_str() == PANEL_CLASS && !segments.is_empty() {
            segments.values().any(|s| s.weight.is_some() && short(s.valid_n))
        } else {
            short(scale.valid_n(counts(class)))
        };
        if insufficient {
            flags::class_insufficient(class)
        } else {
            flags::class_missing(class)
        }
    };
    let unit_score = if missing.len() == class_scores.len() {
        // Nothing to weigh. Say "no valid ballots" only when it is true: panel ballots from
        // unweighted segments are valid yet leave the panel without a score.
        if valid_n == 0 {
            flags.push(flags::NO_VALID_BALLOTS.to_string());
        } else {
            flags.extend(missing.iter().map(class_flag));
        }
        None
    } else {
        flags.extend(missing.iter().map(class_flag));
        match formula.missing_class {
            MissingClass::Missing if !missing.is_empty() => None,
            _ => weighted_mean(weighted, |c| class_scores[c].as_ref()),
        }
    };
    let rated = |counts: &[u64]| counts.iter().any(|c| *c > 0);
    for (class, counts) in tally.counted_classes() {
        if !weighted.contains_key(class) && rated(counts) {
            flags.push(flags::class_unweighted(class));
        }
    }
    if let (Some(weights), Some(Some(_))) = (&formula.segment_weights, class_scores.get(PANEL_CLASS)) {
        let absent = weights.keys().filter(|s| segments[*s].score.is_none());
        flags.extend(absent.map(|s| match segments[s].valid_n {
            0 => flags::segment_missing(s),
            _ => flags::segment_insufficient(s),
        }));
    }
    for (segment, result) in &segments {
        if result.weight.is_none() && result.valid_n > 0 {
            flags.push(flags::segment_unweighted(segment));
        }
    }
    if !formula.count_flagged && tally.flagged_classes().any(|(_, counts)| rated(counts)) {
        flags.push(flags::FLAGGED_EXCLUDED.to_string());
    }

    // score × component_points / 100, unreduced.
    let points = formula.component_points.ratio();
    let component = (unit_score.as_ref()).map(|s| {
        BigRational::new_raw(s.numer() * points.numer(), s.denom() * points.denom() * BigInt::from(100))
    });
    ExactUnit { valid_n, satisfied_n, class_scores, segments, unit_score, component, flags }
}

/// Each weighted segment, and each other segment whose panel ballots rated the unit.
fn score_segments(
    tally: UnitTally,
    weights: &BTreeMap<String, Dec>,
    scale: &Scale,
    floor: u64,
) -> BTreeMap<String, ExactSegment> {
    let names: BTreeSet<&str> =
        weights.keys().map(String::as_str).chain(tally.panel_segments().map(|(s, _)| s)).collect();
    (names.into_iter())
        .map(|name| {
            let counts = (tally.panel_segment(name).map(<[u64]>::to_vec))
                .unwrap_or_else(|| vec![0; scale.points.len()]);
            let segment = ExactSegment {
                valid_n: scale.valid_n(&counts),
                score: scale.mean(&counts, floor),
                weight: weights.get(name).cloned(),
                counts,
            };
            (name.to_string(), segment)
        })
        .collect()
}

/// Lowest and highest points of the valid options: every class and unit score lies between.
#[cfg(test)]
pub(crate) fn points_range(scale: &Scale) -> (BigRational, BigRational) {
    let valid = || scale.points.iter().flatten();
    let min = valid().min().cloned().expect("a validated formula has a valid option");
    let max = valid().max().cloned().expect("a validated formula has a valid option");
    (min, max)
}
