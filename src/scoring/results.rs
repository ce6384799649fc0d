//! What `compute` returns. Machine keys are stable snake_case; every decimal figure is a
//! string with a fixed number of decimals, so that what is serialised is what was published.
//! Independent of time and campaign slug: the caller wraps it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// In campaign order.
    pub units: Vec<UnitResult>,
    /// In campaign order.
    pub categories: Vec<CategorySummary>,
    pub overall: Summary,
}

/// `counts[class][option]`: every option of the scale, zero included.
pub type Counts = BTreeMap<String, BTreeMap<String, u64>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    pub code: String,
    pub name: String,
    /// The category's code.
    pub category: String,
    /// Ballots that count, by class and option: flagged ballots are included only when the
    /// formula counts them. Every weighted class is listed, and any other class that rated the
    /// unit (shown, but taking no part in any figure).
    pub counts: Counts,
    /// Flagged ballots only, counted or not; same classes as `counts`.
    pub counts_flagged: Counts,
    /// Valid ballots (options with points) of the weighted classes together.
    pub valid_n: u64,
    /// Of those, ballots with a satisfied option.
    pub satisfied_n: u64,
    /// satisfied_n / valid_n, 4 decimals; `None` without valid ballots.
    pub satisfaction_rate: Option<String>,
    /// 95% Wilson score interval of the satisfaction rate, widened outward to 4 decimals.
    pub wilson_low: Option<String>,
    pub wilson_high: Option<String>,
    /// Every weighted class; `None` when the class has no valid ballot for the unit.
    pub class_scores: BTreeMap<String, Option<String>>,
    /// With segment weights only (empty otherwise): the panel's segments that are weighted or
    /// rated the unit.
    pub segments: BTreeMap<String, SegmentResult>,
    pub unit_score: Option<String>,
    pub score_component: Option<String>,
    /// Competition rank within the category ("1224"); `None` when not ranked.
    pub rank: Option<u32>,
    /// See `scoring::flags`; in a fixed order.
    pub flags: Vec<String>,
    /// Figures left out because they would show a group of fewer than k ballots (see
    /// `scoring::disclose`); empty, and absent from the JSON, when everything is shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
}

/// One panel segment's part in a unit's panel class score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentResult {
    /// Counted panel ballots of the segment, by option.
    pub counts: BTreeMap<String, u64>,
    pub valid_n: u64,
    /// The segment's own score; `None` without valid ballots.
    pub score: Option<String>,
    /// The weight the formula gives the segment, before rescaling; `None` when unweighted.
    pub weight: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategorySummary {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub totals: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub units: u64,
    /// Units with a unit score.
    pub scored_units: u64,
    pub ranked_units: u64,
    /// Sum of the units' valid n (ratings: one ballot counts once in every unit it rated).
    pub valid_n: u64,
    pub satisfied_n: u64,
    /// satisfied_n / valid_n, pooled over the units, 4 decimals.
    pub satisfaction_rate: Option<String>,
    /// Mean of the exact score components of the scored units, rounded once.
    pub mean_score_component: Option<String>,
    /// Flagged ratings, counted or not.
    pub flagged_n: u64,
}
