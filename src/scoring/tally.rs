//! Summing the counters of each unit. Rows with the same key are added up; nothing is
//! dropped: a counter naming a unit or option outside the layout is a bug upstream, and
//! scoring around it would publish figures that silently miss ballots.

use super::input::{Layout, Tally};
use crate::scoring::formula::PANEL_CLASS;

/// Every unit's ballots: counts per unit, class (or panel segment) and option, in flat
/// arrays. Class and segment names are few and repeat in every counter, so they are
/// numbered once; scoring a million ballots costs what scoring a hundred does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tallies<'a> {
    /// Class names of the counters, sorted.
    classes: Vec<&'a str>,
    /// Panel segment names of the counted panel ballots, sorted ("" when none).
    segments: Vec<&'a str>,
    /// Ballots that count, every class: flagged ones only when the formula counts them.
    counted: Grid,
    /// Flagged ballots, counted or not.
    flagged: Grid,
    /// The counted panel ballots again, per segment.
    panel: Grid,
}

/// Counts by unit, name and option; `rows` marks the (unit, name) pairs some counter named.
#[derive(Debug, Clone, PartialEq)]
struct Grid {
    names: usize,
    options: usize,
    counts: Vec<u64>,
    rows: Vec<bool>,
}

impl Grid {
    fn new(units: usize, names: usize, options: usize) -> Self {
        Self { names, options, counts: vec![0; units * names * options], rows: vec![false; units * names] }
    }

    fn add(&mut self, unit: usize, name: usize, option: usize, count: u64) {
        let row = unit * self.names + name;
        self.rows[row] = true;
        let slot = &mut self.counts[row * self.options + option];
        *slot = slot.checked_add(count).expect("a tally count overflows u64");
    }

    fn row(&self, unit: usize, name: usize) -> Option<&[u64]> {
        let row = unit * self.names + name;
        self.rows[row].then(|| &self.counts[row * self.options..(row + 1) * self.options])
    }
}

/// Sums `tallies` per unit.
///
/// Panics when a tally names a unit or option index outside `layout`, or a count overflows.
pub(crate) fn sum_tallies<'a>(layout: &Layout, count_flagged: bool, tallies: &'a [Tally]) -> Tallies<'a> {
    let (units, options) = (layout.units.len(), layout.options.len());
    let counts = |t: &&Tally| !t.flagged || count_flagged;
    let classes = sorted_names(tallies.iter().map(|t| t.class.as_str()));
    let panel = || tallies.iter().filter(counts).filter(|t| t.class == PANEL_CLASS);
    let segments = sorted_names(panel().map(|t| t.segment.as_str()));
    let number = |names: &[&str], name: &str| names.binary_search(&name).expect("numbered above");
    let mut sums = Tallies {
        counted: Grid::new(units, classes.len(), options),
        flagged: Grid::new(units, classes.len(), options),
        panel: Grid::new(units, segments.len(), options),
        classes,
        segments,
    };
    for t in tallies {
        assert!(t.unit < units, "a tally names unit {} but the layout has {units} units", t.unit);
        assert!(t.option < options, "a tally names option {} but the scale has {options} options", t.option);
        let class = number(&sums.classes, &t.class);
        if t.flagged {
            sums.flagged.add(t.unit, class, t.option, t.count);
        }
        if counts(&t) {
            sums.counted.add(t.unit, class, t.option, t.count);
            if t.class == PANEL_CLASS {
                sums.panel.add(t.unit, number(&sums.segments, &t.segment), t.option, t.count);
            }
        }
    }
    sums
}

fn sorted_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut distinct: Vec<&str> = Vec::new();
    for name in names {
        // Counters come grouped, so the name is nearly always the last one seen.
        if distinct.last() != Some(&name) && !distinct.contains(&name) {
            distinct.push(name);
        }
    }
    distinct.sort_unstable();
    distinct
}

impl<'a> Tallies<'a> {
    pub fn unit(&self, unit: usize) -> UnitTally<'_, 'a> {
        UnitTally { sums: self, unit }
    }
}

/// One unit's ballots.
#[derive(Clone, Copy)]
pub(crate) struct UnitTally<'s, 'a> {
    sums: &'s Tallies<'a>,
    unit: usize,
}

impl<'s, 'a> UnitTally<'s, 'a> {
    /// Counted ballots of a class, by option; `None` when no counter names the class.
    pub fn counted(&self, class: &str) -> Option<&'s [u64]> {
        let class = self.sums.classes.binary_search(&class).ok()?;
        self.sums.counted.row(self.unit, class)
    }

    /// Classes with counted ballots, in name order.
    pub fn counted_classes(&self) -> impl Iterator<Item = (&'a str, &'s [u64])> + 's {
        let (sums, unit) = (self.sums, self.unit);
        (sums.classes.iter().enumerate()).filter_map(move |(i, c)| sums.counted.row(unit, i).map(|r| (*c, r)))
    }

    /// Classes with flagged ballots, in name order.
    pub fn flagged_classes(&self) -> impl Iterator<Item = (&'a str, &'s [u64])> + 's {
        let (sums, unit) = (self.sums, self.unit);
        (sums.classes.iter().enumerate()).filter_map(move |(i, c)| sums.flagged.row(unit, i).map(|r| (*c, r)))
    }

    pub fn flagged(&self, class: &str) -> Option<&'s [u64]> {
        let class = self.sums.classes.binary_search(&class).ok()?;
        self.sums.flagged.row(self.unit, class)
    }

    /// Segments of the counted panel ballots, in name order.
    pub fn panel_segments(&self) -> impl Iterator<Item = (&'a str, &'s [u64])> + 's {
        let (sums, unit) = (self.sums, self.unit);
        (sums.segments.iter().enumerate()).filter_map(move |(i, s)| sums.panel.row(unit, i).map(|r| (*s, r)))
    }

    pub fn panel_segment(&self, segment: &str) -> Option<&'s [u64]> {
        let segment = self.sums.segments.binary_search(&segment).ok()?;
        self.sums.panel.row(self.unit, segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{CategoryRef, UnitRef};

    fn layout() -> Layout {
        Layout {
            categories: vec![CategoryRef { code: "C".into(), name: "C".into() }],
            units: vec![UnitRef { code: "U".into(), name: "U".into(), category: 0 }],
            options: vec!["yes".into(), "no".into()],
        }
    }

    fn tally(option: usize, class: &str, segment: &str, flagged: bool, count: u64) -> Tally {
        Tally { unit: 0, option, class: class.into(), segment: segment.into(), flagged, count }
    }

    #[test]
    fn rows_with_the_same_key_are_summed_and_flagged_ones_kept_apart() {
        let tallies = [
            tally(0, "panel", "a", false, 2),
            tally(0, "panel", "a", false, 3),
            tally(1, "panel", "b", true, 4),
            tally(0, "public", "", true, 1),
        ];
        let sums = sum_tallies(&layout(), true, &tallies);
        let counted = sums.unit(0);
        assert_eq!(counted.counted("panel"), Some(&[5, 4][..]));
        assert_eq!(counted.counted("public"), Some(&[1, 0][..]));
        assert_eq!(counted.flagged("panel"), Some(&[0, 4][..]));
        assert_eq!(counted.flagged("staff"), None);
        assert_eq!(counted.panel_segment("a"), Some(&[5, 0][..]));
        assert_eq!(counted.panel_segment("b"), Some(&[0, 4][..]));
        let classes: Vec<_> = counted.counted_classes().map(|(c, _)| c).collect();
        assert_eq!(classes, ["panel", "public"]);
        let sums = sum_tallies(&layout(), false, &tallies);
        let excluded = sums.unit(0);
        assert_eq!(excluded.counted("panel"), Some(&[5, 0][..]));
        assert_eq!(excluded.counted("public"), None);
        assert_eq!(excluded.flagged("public"), Some(&[1, 0][..]));
        assert_eq!(excluded.panel_segment("b"), None);
        assert_eq!(excluded.panel_segments().count(), 1);
    }

    #[test]
    #[should_panic(expected = "a tally names unit 3 but the layout has 1 units")]
    fn a_tally_outside_the_layout_is_a_bug() {
        sum_tallies(&layout(), true, &[Tally { unit: 3, ..tally(0, "panel", "", false, 1) }]);
    }
}
