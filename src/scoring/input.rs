//! What `compute` is given: the campaign's shape and its counters. Defined here rather than
//! borrowed from the store, so that the scoring can be rerun by anyone from an export.

use serde::{Deserialize, Serialize};

/// The campaign as scoring sees it: categories, units (in campaign order) and scale options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub categories: Vec<CategoryRef>,
    pub units: Vec<UnitRef>,
    /// Scale option codes, in scale order; a `Tally`'s `option` indexes this.
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    /// Index into `Layout::categories`.
    pub category: usize,
}

/// One counter: how many ballots of a class (and panel segment, "" when none) rated a unit
/// with an option. Several rows with the same key are summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Index into `Layout::units`.
    pub unit: usize,
    /// Index into `Layout::options`.
    pub option: usize,
    pub class: String,
    pub segment: String,
    /// The ballot was flagged as suspicious by how it arrived (never by what it says).
    pub flagged: bool,
    pub count: u64,
}
