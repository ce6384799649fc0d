//! What of the results may be shown: no figure for a group of fewer than k ballots
//! (the campaign's anonymity threshold; docs/ANONYMITY.md), and no hidden group that can be
//! worked out by subtracting what is shown from a total.
//!
//! A unit's figures form rows: its classes add up to its totals, the panel's 界别 add up to
//! the panel, and the units of a category add up to the category. In each row a group
//! (a *cell*) that has ballots but fewer than k valid ones is hidden; if anything is hidden,
//! further cells are hidden, smallest first, until what is hidden holds at least k valid
//! ballots together (complementary suppression) — otherwise the total less the shown cells
//! would be the hidden group. When even the whole row holds fewer than k, its total is
//! hidden too. Zero is shown: a group without ballots says nothing about anyone's ballot.
//!
//! Applied to every result staff or the public see, after [`compute`](super::compute) and
//! never before: scores are computed from everything; only what is shown is cut.

use std::collections::BTreeMap;

use super::compute::rate;
use super::flags;
use super::formula::{Formula, PANEL_CLASS};
use super::results::{Results, Summary, UnitResult};

/// `hidden` entries of a [`UnitResult`]: the unit's own totals (valid n, satisfied n, the
/// rate and its interval), a class's counts, a class's flagged counts, a 界别.
pub const TOTALS: &str = "totals";
pub fn class(class: &str) -> String {
    format!("class:{class}")
}
pub fn flagged(class: &str) -> String {
    format!("flagged:{class}")
}
pub fn segment(segment: &str) -> String {
    format!("segment:{segment}")
}

/// A group in a row: how many ballots it holds and how many of them are valid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub ballots: u64,
    pub valid: u64,
}

/// Which cells of a row to hide, and whether the row's total must be hidden as well.
pub fn hide(cells: &[Cell], k: u64) -> (Vec<bool>, bool) {
    let mut hidden: Vec<bool> = cells.iter().map(|c| c.ballots > 0 && c.valid < k).collect();
    if !hidden.contains(&true) {
        return (hidden, false);
    }
    let held =
        |hidden: &[bool]| cells.iter().zip(hidden).filter(|(_, h)| **h).map(|(c, _)| c.valid).sum::<u64>();
    while held(&hidden) < k {
        let next =
            (0..cells.len()).filter(|&i| !hidden[i] && cells[i].ballots > 0).min_by_key(|&i| cells[i].valid);
        match next {
            Some(i) => hidden[i] = true,
            None => break,
        }
    }
    let total_hidden = held(&hidden) < k;
    (hidden, total_hidden)
}

/// Cuts `results` to what may be shown under anonymity threshold `k`, marking each unit's
/// `hidden` figures; category and overall summaries then pool only the units whose totals
/// are shown.
pub fn disclose(results: &mut Results, formula: &Formula, k: u64) {
    let valid = |counts: &BTreeMap<String, u64>| -> u64 {
        counts.iter().filter(|(o, _)| formula.points.contains_key(*o)).map(|(_, n)| n).sum()
    };
    let cell = |counts: &BTreeMap<String, u64>| Cell { ballots: counts.values().sum(), valid: valid(counts) };
    for unit in &mut results.units {
        disclose_unit(unit, formula, k, &cell);
    }
    if !results.units.iter().any(|u| u.hidden.iter().any(|h| h == TOTALS)) {
        return;
    }
    let shown = |u: &UnitResult| !u.hidden.iter().any(|h| h == TOTALS);
    for category in &mut results.categories {
        let members = results.units.iter().filter(|u| u.category == category.code && shown(u));
        pool(&mut category.totals, members, formula);
    }
    let all = results.units.iter().filter(|u| shown(u));
    pool(&mut results.overall, all, formula);
}

fn disclose_unit(
    unit: &mut UnitResult,
    formula: &Formula,
    k: u64,
    cell: &dyn Fn(&BTreeMap<String, u64>) -> Cell,
) {
    let classes: Vec<String> = unit.counts.keys().cloned().collect();
    let cells: Vec<Cell> = classes.iter().map(|c| cell(&unit.counts[c])).collect();
    let (hidden, totals_hidden) = hide(&cells, k);
    for (name, _) in classes.iter().zip(&hidden).filter(|(_, h)| **h) {
        unit.counts.remove(name);
        unit.hidden.push(class(name));
        // "No valid ballot" would say what a hidden group answered: say "too few" instead.
        for flag in &mut unit.flags {
            if *flag == flags::class_missing(name) {
                *flag = flags::class_insufficient(name);
            }
        }
    }
    if totals_hidden {
        unit.valid_n = 0;
        unit.satisfied_n = 0;
        (unit.satisfaction_rate, unit.wilson_low, unit.wilson_high) = (None, None, None);
        unit.hidden.push(TOTALS.into());
    }

    // Flagged counts stand alone, unless counted: then the unflagged rest is shown by
    // subtraction, and must hold k as well.
    let flagged_classes: Vec<String> = unit.counts_flagged.keys().cloned().collect();
    for name in flagged_classes {
        let ballots = cell(&unit.counts_flagged[&name]).ballots;
        let counted = unit.counts.get(&name).map(|c| cell(c).ballots);
        let counted_hidden = formula.count_flagged && ballots > 0 && counted.is_none();
        let rest_small = formula.count_flagged && counted.is_some_and(|n| n > ballots && n - ballots < k);
        if (ballots > 0 && ballots < k) || counted_hidden || rest_small {
            unit.counts_flagged.remove(&name);
            unit.hidden.push(flagged(&name));
        }
    }

    if unit.segments.is_empty() {
        return;
    }
    let names: Vec<String> = unit.segments.keys().cloned().collect();
    let panel_hidden = !unit.counts.contains_key(PANEL_CLASS);
    let cells: Vec<Cell> = names.iter().map(|s| cell(&unit.segments[s].counts)).collect();
    let (hidden, _) = hide(&cells, k);
    for (i, name) in names.iter().enumerate() {
        if !(hidden[i] || panel_hidden && cells[i].ballots > 0) {
            continue;
        }
        let segment_result = unit.segments.get_mut(name).expect("listed above");
        segment_result.counts.clear();
        segment_result.valid_n = 0;
        segment_result.score = None;
        unit.hidden.push(segment(name));
        for flag in &mut unit.flags {
            if *flag == flags::segment_missing(name) {
                *flag = flags::segment_insufficient(name);
            }
        }
    }
}

/// A summary's pooled figures again, over the given units only.
fn pool<'a>(summary: &mut Summary, units: impl Iterator<Item = &'a UnitResult>, formula: &Formula) {
    let (mut valid_n, mut satisfied_n) = (0u64, 0u64);
    for unit in units {
        valid_n += unit.valid_n;
        satisfied_n += unit.satisfied_n;
    }
    summary.valid_n = valid_n;
    summary.satisfied_n = satisfied_n;
    summary.satisfaction_rate = rate(satisfied_n, valid_n, formula.rounding);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(list: &[(u64, u64)]) -> Vec<Cell> {
        list.iter().map(|&(ballots, valid)| Cell { ballots, valid }).collect()
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        assert_eq!(hide(&cells(&[(40, 38), (0, 0), (10, 10)]), 10), (vec![false, false, false], false));
    }

    #[test]
    fn a_small_group_takes_the_next_smallest_with_it() {
        // Public 2 of 40 + 2: hiding the public alone would leave it as total − panel.
        let (hidden, total) = hide(&cells(&[(40, 40), (2, 2), (15, 12)]), 10);
        assert_eq!(hidden, vec![false, true, true], "the device's 12 join the public's 2");
        assert!(!total);
    }

    #[test]
    fn hidden_groups_together_hold_k() {
        // 3 + 4 < 10: a third cell must go too, smallest valid first.
        let (hidden, total) = hide(&cells(&[(3, 3), (4, 4), (50, 50), (20, 20)]), 10);
        assert_eq!(hidden, vec![true, true, false, true]);
        assert!(!total);
    }

    #[test]
    fn all_dont_know_is_small_too() {
        // Five who all chose 不了解 have no valid rating, which is itself an answer.
        let (hidden, _) = hide(&cells(&[(5, 0), (30, 30)]), 10);
        assert_eq!(hidden, vec![true, true]);
    }

    #[test]
    fn a_row_under_k_hides_its_total() {
        assert_eq!(hide(&cells(&[(3, 3), (2, 1)]), 10), (vec![true, true], true));
        assert_eq!(hide(&cells(&[(3, 3), (0, 0)]), 10), (vec![true, false], true));
    }

    #[test]
    fn a_zero_is_not_a_group() {
        assert_eq!(hide(&cells(&[(0, 0), (0, 0)]), 10), (vec![false, false], false));
    }
}
