//! The flags a unit's result can carry: stable machine strings, explained in docs/SCORING.md.
//! Those with a `:` carry the class or segment they are about.

/// No counted class has a valid ballot for the unit: it has no score.
pub const NO_VALID_BALLOTS: &str = "no_valid_ballots";
/// `class_missing:<class>`: a weighted class has no valid ballot for the unit. Under
/// `renormalise` the other classes' weights are rescaled; under `missing` the unit has no score.
pub fn class_missing(class: &str) -> String {
    format!("class_missing:{class}")
}
/// `class_unweighted:<class>`: ballots of a class not in `class_weights` rated the unit. They
/// are shown in the counts and take no part in any figure.
pub fn class_unweighted(class: &str) -> String {
    format!("class_unweighted:{class}")
}
/// `class_insufficient:<class>`: a weighted class has valid ballots for the unit, but fewer
/// than `min_class_valid`: it takes no part in the score, as if missing (公众有效票不足，未计入).
pub fn class_insufficient(class: &str) -> String {
    format!("class_insufficient:{class}")
}
/// `segment_insufficient:<segment>`: with segment weights, a weighted segment has valid panel
/// ballots for the unit, but fewer than `min_class_valid`; the other segments' weights are
/// rescaled.
pub fn segment_insufficient(segment: &str) -> String {
    format!("segment_insufficient:{}", segment_name(segment))
}
/// `segment_missing:<segment>`: with segment weights, a weighted segment has no valid panel
/// ballot for the unit; the other segments' weights are rescaled.
pub fn segment_missing(segment: &str) -> String {
    format!("segment_missing:{}", segment_name(segment))
}
/// `segment_unweighted:<segment>`: valid panel ballots from a segment not in `segment_weights`
/// (`(none)` for panel ballots without a segment). Left out of the panel's class score; they
/// still count in valid n and the satisfaction rate.
pub fn segment_unweighted(segment: &str) -> String {
    format!("segment_unweighted:{}", segment_name(segment))
}
/// Flagged ballots rated the unit and `count_flagged` is off: they are in `counts_flagged` only.
pub const FLAGGED_EXCLUDED: &str = "flagged_ballots_excluded";
/// Fewer valid ballots than `min_valid`: not ranked.
pub const BELOW_MINIMUM: &str = "below_minimum";
/// Listed in the formula's `not_ranked`: evaluated, not ranked.
pub const NOT_RANKED: &str = "not_ranked";
/// The unit's satisfaction-rate interval overlaps that of a unit at the next rank above or
/// below it in its category.
pub const INDISTINGUISHABLE: &str = "indistinguishable_from_neighbour";

fn segment_name(segment: &str) -> &str {
    if segment.is_empty() {
        "(none)"
    } else {
        segment
    }
}
