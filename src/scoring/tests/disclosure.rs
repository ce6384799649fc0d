//! The small-group rule on whole results (`scoring::disclose`): the attacks a reviewer tried
//! by subtracting one shown figure from another.

use super::support::{unit, Campaign};
use crate::scoring::disclose;
use crate::scoring::formula::Formula;

const K: u64 = 10;

#[test]
fn an_unweighted_class_does_not_shield_a_weighted_one() {
    // Public 7 valid (43 不了解), device 30 unweighted: hiding the device with the public
    // would leave the totals less the panel = the public's seven.
    let mut c = Campaign::new(&[("A", &["A01"])]);
    c.rate("A01", "panel", "", [100, 20, 0, 0]).rate("A01", "public", "", [5, 0, 2, 43]);
    c.rate("A01", "device", "", [30, 0, 0, 0]);
    let mut results = c.compute(&Formula::default());
    disclose(&mut results, &Formula::default(), K);
    let a = unit(&results, "A01");
    assert!(a.hidden.contains(&"class:public".to_string()), "{:?}", a.hidden);
    assert!(a.hidden.contains(&"class:panel".to_string()), "the panel goes with it: {:?}", a.hidden);
    assert!(a.counts.contains_key("device"), "the device class is in no total: it stands alone");
    assert_eq!(a.class_scores["panel"], None, "a hidden class's score goes too");
}

#[test]
fn flagged_counts_need_k_valid_ballots() {
    // Twelve flagged, three of them valid: the three would show.
    let mut c = Campaign::new(&[("A", &["A01"])]);
    c.rate("A01", "panel", "", [40, 0, 0, 0]).rate("A01", "public", "", [40, 0, 0, 0]);
    c.rate_flagged("A01", "public", [3, 0, 0, 9]);
    let mut results = c.compute(&Formula::default());
    disclose(&mut results, &Formula::default(), K);
    let a = unit(&results, "A01");
    assert!(!a.counts_flagged.contains_key("public"), "{:?}", a.counts_flagged);
    assert_eq!(results.overall.flagged_n, 0, "summaries count only the flagged figures shown");
}

#[test]
fn a_unit_under_k_says_nothing_of_how_many_were_valid() {
    let mut c = Campaign::new(&[("A", &["A01", "A02"])]);
    c.rate("A01", "panel", "", [0, 0, 0, 4]).rate("A02", "panel", "", [50, 0, 0, 0]);
    c.rate("A02", "public", "", [40, 0, 0, 0]);
    let formula = Formula { min_valid: 1, ..Formula::default() };
    let mut results = c.compute(&formula);
    disclose(&mut results, &formula, K);
    let a = unit(&results, "A01");
    assert!(a.hidden.contains(&"totals".to_string()));
    assert!(!a.flags.iter().any(|f| f == "no_valid_ballots"), "{:?}", a.flags);
    assert!(a.flags.iter().any(|f| f == "below_minimum"), "{:?}", a.flags);
    assert_eq!(results.overall.valid_n, 90, "pooled over the units shown");
}
