//! Building campaigns for the tests: the default four-option scale, units by category, and
//! counters written as `[satisfied, basically_satisfied, dissatisfied, unknown]`.

use crate::scoring::formula::Formula;
use crate::scoring::{compute, CategoryRef, Dec, Layout, Results, Tally, UnitRef, UnitResult};

pub const OPTIONS: [&str; 4] = ["satisfied", "basically_satisfied", "dissatisfied", "unknown"];

pub struct Campaign {
    pub layout: Layout,
    pub tallies: Vec<Tally>,
}

impl Campaign {
    /// `categories`: (code, unit codes). Names are the codes with a prefix.
    pub fn new(categories: &[(&str, &[&str])]) -> Self {
        let mut layout =
            Layout { categories: Vec::new(), units: Vec::new(), options: OPTIONS.map(String::from).to_vec() };
        for (c, (code, units)) in categories.iter().enumerate() {
            layout.categories.push(CategoryRef { code: code.to_string(), name: format!("category {code}") });
            for unit in *units {
                layout.units.push(UnitRef {
                    code: unit.to_string(),
                    name: format!("unit {unit}"),
                    category: c,
                });
            }
        }
        Self { layout, tallies: Vec::new() }
    }

    /// Ballots of `class` (and panel `segment`) rating `unit`, per option in scale order.
    pub fn rate(&mut self, unit: &str, class: &str, segment: &str, counts: [u64; 4]) -> &mut Self {
        self.add(unit, class, segment, false, counts)
    }

    pub fn rate_flagged(&mut self, unit: &str, class: &str, counts: [u64; 4]) -> &mut Self {
        self.add(unit, class, "", true, counts)
    }

    fn add(&mut self, unit: &str, class: &str, segment: &str, flagged: bool, counts: [u64; 4]) -> &mut Self {
        let u = self.layout.units.iter().position(|x| x.code == unit).expect("a unit of the campaign");
        for (option, count) in counts.into_iter().enumerate().filter(|(_, c)| *c > 0) {
            let tally =
                Tally { unit: u, option, class: class.into(), segment: segment.into(), flagged, count };
            self.tallies.push(tally);
        }
        self
    }

    /// Validates the formula against the campaign, then computes.
    pub fn compute(&self, formula: &Formula) -> Results {
        let units: Vec<&str> = self.layout.units.iter().map(|u| u.code.as_str()).collect();
        formula.validate(&OPTIONS, &units).expect("a valid formula");
        compute(&self.layout, formula, &self.tallies)
    }
}

pub fn unit<'a>(results: &'a Results, code: &str) -> &'a UnitResult {
    results.units.iter().find(|u| u.code == code).expect("a unit of the results")
}

pub fn dec(text: &str) -> Dec {
    text.parse().expect("decimal text")
}

pub fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// The units' ranks, in the order given.
pub fn ranks(results: &Results, codes: &[&str]) -> Vec<Option<u32>> {
    codes.iter().map(|c| unit(results, c).rank).collect()
}
