//! The conversion formula of a campaign: how its tallies become satisfaction rates, scores,
//! the score component and ranks. Stored as JSON in the campaign definition (and written in
//! TOML campaign files); every rule is spelt out in docs/SCORING.md.

use std::collections::{BTreeMap, BTreeSet};

use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::{Deserialize, Serialize};

use super::exact::Dec;

/// The respondent class whose ballots `segment_weights` divides by segment (界别).
pub const PANEL_CLASS: &str = "panel";

/// The most points an option can score: scores are out of 100, the component is
/// `unit score / 100 × component_points`.
const MAX_POINTS: i64 = 100;
const MAX_DECIMALS: u32 = 6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Formula {
    /// Points per option code. An option not listed is not valid (不了解 by default) and is
    /// left out of valid n.
    pub points: BTreeMap<String, Dec>,
    /// Options counted as satisfied in the satisfaction rate (满意 + 基本满意).
    pub satisfied_options: Vec<String>,
    /// Weight of each respondent class in the unit score; a class not listed is excluded.
    /// The weights sum to exactly 1.
    pub class_weights: BTreeMap<String, Dec>,
    /// Optional weights of the panel's segments (界别) inside the panel's class score; they sum
    /// to exactly 1. `None`: the panel's ballots are pooled.
    pub segment_weights: Option<BTreeMap<String, Dec>>,
    /// The component's points in the city's total score.
    pub component_points: Dec,
    /// Units with fewer valid ballots than this (all counted classes together) are flagged
    /// and not ranked.
    pub min_valid: u64,
    /// A class (and, under `segment_weights`, a panel segment) takes part in a unit's score
    /// only with at least this many valid ballots for the unit; with fewer it is treated as
    /// missing (see `missing_class`) and the unit is flagged. A score moved by one or two
    /// people would be unfair, and it would be their ballot. The campaign holds it at or
    /// above its anonymity threshold.
    pub min_class_valid: u64,
    /// What to do when a counted class has no valid ballot for a unit, or too few.
    pub missing_class: MissingClass,
    /// Decimals of the published unit score, class scores and score component.
    pub decimals: u32,
    pub rounding: Rounding,
    /// Units that are evaluated but not ranked (e.g. the offices running the evaluation).
    pub not_ranked: Vec<String>,
    /// Whether ballots flagged as suspicious (by how they arrived, never by content) count.
    pub count_flagged: bool,
    /// The lowest valid option must score 0 unless this is set: a scale on which "all
    /// dissatisfied" still earns points has been a public scandal.
    pub allow_nonzero_lowest: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingClass {
    /// The weights of the classes present are rescaled to sum to 1.
    Renormalise,
    /// The unit gets no score, is flagged and is not ranked.
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Half-way cases away from zero (四舍五入): 18.725 → 18.73.
    HalfUp,
    /// Half-way cases to the even neighbour (banker's rounding): 18.725 → 18.72.
    HalfEven,
}

fn dec(text: &str) -> Dec {
    text.parse().expect("a default is decimal text")
}

impl Default for Formula {
    fn default() -> Self {
        let map = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), dec(v))).collect();
        Self {
            points: map(&[("satisfied", "100"), ("basically_satisfied", "80"), ("dissatisfied", "0")]),
            satisfied_options: vec!["satisfied".into(), "basically_satisfied".into()],
            class_weights: map(&[("panel", "0.6"), ("public", "0.4")]),
            segment_weights: None,
            component_points: dec("20"),
            min_valid: 30,
            min_class_valid: 30,
            missing_class: MissingClass::Renormalise,
            decimals: 2,
            rounding: Rounding::HalfUp,
            not_ranked: Vec::new(),
            count_flagged: true,
            allow_nonzero_lowest: false,
        }
    }
}

/// What is wrong with a formula. Each message names the field and the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormulaError {
    #[error("at least one option must be valid: points names none")]
    NoValidOption,
    #[error("points names `{0}`, which is not an option of the scale")]
    UnknownOption(String),
    #[error("points of `{option}` must be between 0 and {MAX_POINTS}, not {value}")]
    PointsRange { option: String, value: Dec },
    #[error("the lowest valid option `{option}` scores {value}; it must score 0 unless allow_nonzero_lowest is set")]
    LowestNotZero { option: String, value: Dec },
    #[error("at least one valid option must score more than 0")]
    NothingScores,
    #[error("satisfied_options must name at least one option")]
    NoSatisfiedOption,
    #[error("satisfied_options names `{0}`, which is not a valid option (it has no points)")]
    SatisfiedNotValid(String),
    #[error("satisfied_options names `{0}` twice")]
    SatisfiedTwice(String),
    #[error("{field} must name at least one {what}")]
    NoWeights { field: &'static str, what: &'static str },
    #[error("{field} names a {what} with an empty name")]
    EmptyName { field: &'static str, what: &'static str },
    #[error("{field} of `{name}` must be more than 0 and at most 1, not {value} (leave a {what} out to exclude it)")]
    WeightRange { field: &'static str, what: &'static str, name: String, value: Dec },
    #[error("{field} must sum to exactly 1, they sum to {sum}")]
    WeightSum { field: &'static str, sum: Dec },
    #[error("segment_weights is set but class_weights does not count the `{PANEL_CLASS}` class")]
    SegmentsWithoutPanel,
    #[error("component_points must be more than 0 and at most {MAX_POINTS}, not {0}")]
    ComponentPoints(Dec),
    #[error("decimals must be 0 to {MAX_DECIMALS}, not {0}")]
    Decimals(u32),
    #[error("not_ranked names unit `{0}`, which is not in the campaign")]
    UnknownUnit(String),
    #[error("min_class_valid must be at least 1")]
    MinClassValid,
}

impl FormulaError {
    /// The path of the offending field, e.g. `points.dissatisfied` or `class_weights`.
    pub fn field(&self) -> String {
        match self {
            Self::NoValidOption | Self::NothingScores => "points".into(),
            Self::UnknownOption(option) => format!("points.{option}"),
            Self::PointsRange { option, .. } | Self::LowestNotZero { option, .. } => {
                format!("points.{option}")
            }
            Self::NoSatisfiedOption | Self::SatisfiedNotValid(_) | Self::SatisfiedTwice(_) => {
                "satisfied_options".into()
            }
            Self::NoWeights { field, .. } | Self::EmptyName { field, .. } | Self::WeightSum { field, .. } => {
                (*field).into()
            }
            Self::WeightRange { field, name, .. } => format!("{field}.{name}"),
            Self::SegmentsWithoutPanel => "segment_weights".into(),
            Self::ComponentPoints(_) => "component_points".into(),
            Self::Decimals(_) => "decimals".into(),
            Self::UnknownUnit(_) => "not_ranked".into(),
            Self::MinClassValid => "min_class_valid".into(),
        }
    }
}

impl Formula {
    /// Checks the formula against the campaign's scale (option codes in scale order) and units.
    /// Reports the first fault found, in the order the fields are listed.
    pub fn validate(&self, option_codes: &[&str], unit_codes: &[&str]) -> Result<(), FormulaError> {
        self.check_points(option_codes)?;
        self.check_satisfied()?;
        check_weights(&self.class_weights, "class_weights", "class")?;
        if let Some(segments) = &self.segment_weights {
            if !self.class_weights.contains_key(PANEL_CLASS) {
                return Err(FormulaError::SegmentsWithoutPanel);
            }
            check_weights(segments, "segment_weights", "segment")?;
        }
        let zero = BigRational::zero();
        let max = BigRational::from_integer(MAX_POINTS.into());
        let component = self.component_points.ratio();
        if *component <= zero || *component > max {
            return Err(FormulaError::ComponentPoints(self.component_points.clone()));
        }
        if self.decimals > MAX_DECIMALS {
            return Err(FormulaError::Decimals(self.decimals));
        }
        if let Some(unit) = self.not_ranked.iter().find(|u| !unit_codes.contains(&u.as_str())) {
            return Err(FormulaError::UnknownUnit(unit.clone()));
        }
        if self.min_class_valid == 0 {
            return Err(FormulaError::MinClassValid);
        }
        Ok(())
    }

    fn check_points(&self, option_codes: &[&str]) -> Result<(), FormulaError> {
        if self.points.is_empty() {
            return Err(FormulaError::NoValidOption);
        }
        if let Some(option) = self.points.keys().find(|o| !option_codes.contains(&o.as_str())) {
            return Err(FormulaError::UnknownOption(option.clone()));
        }
        let (zero, max) = (BigRational::zero(), BigRational::from_integer(MAX_POINTS.into()));
        // In scale order, so that the option named is the one the reader sees first.
        let valid: Vec<(&str, &Dec)> =
            option_codes.iter().filter_map(|o| self.points.get(*o).map(|p| (*o, p))).collect();
        if let Some((option, value)) = valid.iter().find(|(_, p)| *p.ratio() < zero || *p.ratio() > max) {
            return Err(FormulaError::PointsRange { option: option.to_string(), value: (*value).clone() });
        }
        let (lowest, lowest_points) = valid.iter().min_by(|a, b| a.1.cmp(b.1)).expect("points is not empty");
        if !lowest_points.is_zero() && !self.allow_nonzero_lowest {
            return Err(FormulaError::LowestNotZero {
                option: lowest.to_string(),
                value: (*lowest_points).clone(),
            });
        }
        if valid.iter().all(|(_, p)| p.is_zero()) {
            return Err(FormulaError::NothingScores);
        }
        Ok(())
    }

    fn check_satisfied(&self) -> Result<(), FormulaError> {
        if self.satisfied_options.is_empty() {
            return Err(FormulaError::NoSatisfiedOption);
        }
        let mut seen = BTreeSet::new();
        for option in &self.satisfied_options {
            if !self.points.contains_key(option) {
                return Err(FormulaError::SatisfiedNotValid(option.clone()));
            }
            if !seen.insert(option) {
                return Err(FormulaError::SatisfiedTwice(option.clone()));
            }
        }
        Ok(())
    }
}

/// Class or segment weights: at least one, each in (0, 1], summing to exactly 1. A weight of
/// 0 is refused rather than given a meaning: "counted but weightless" would put ballots in
/// valid n and the satisfaction rate that move no score, which no one reading the formula
/// would expect. Leaving the class out says what is meant.
fn check_weights(
    weights: &BTreeMap<String, Dec>,
    field: &'static str,
    what: &'static str,
) -> Result<(), FormulaError> {
    if weights.is_empty() {
        return Err(FormulaError::NoWeights { field, what });
    }
    if weights.contains_key("") {
        return Err(FormulaError::EmptyName { field, what });
    }
    let (zero, one) = (BigRational::zero(), BigRational::one());
    if let Some((name, value)) = weights.iter().find(|(_, w)| *w.ratio() <= zero || *w.ratio() > one) {
        return Err(FormulaError::WeightRange { field, what, name: name.clone(), value: value.clone() });
    }
    let sum: BigRational = weights.values().map(|w| w.ratio().clone()).sum();
    if sum != one {
        let sum = Dec::from_terminating(sum).expect("a sum of decimals is a decimal");
        return Err(FormulaError::WeightSum { field, sum });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
