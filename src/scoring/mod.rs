//! Scoring: a campaign's [`formula`], and by it tallies → satisfaction rates, scores, the
//! score component and ranks. Pure: no I/O, no clock, and no floating point in any
//! published figure; it depends on nothing else in the crate. The rules, with a worked
//! example an auditor can redo by hand, are in docs/SCORING.md.

mod compute;
pub mod disclose;
mod exact;
pub mod flags;
pub mod formula;
mod input;
mod rank;
mod results;
mod round;
mod tally;
mod unit_score;
mod weights;
mod wilson;

#[cfg(test)]
mod tests;

pub use compute::compute;
pub use disclose::disclose;
pub use exact::{Dec, DecError};
pub use input::{CategoryRef, Layout, Tally, UnitRef};
pub use results::{CategorySummary, Counts, Results, SegmentResult, Summary, UnitResult};
pub use round::{round_scaled, round_to_string};
