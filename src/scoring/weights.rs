//! Weighted means over whoever is present: classes in a unit score, segments in the panel's
//! class score. A weight belongs to a class (or segment) that has valid ballots for the unit;
//! the weights of those present are rescaled to sum to 1, i.e. divided by their sum.

use std::collections::BTreeMap;

use num_rational::BigRational;
use num_traits::Zero;

use super::exact::{Dec, FractionSum};

/// The weights of the names for which `present` holds, each divided by their sum so that they
/// sum to 1; `None` when no name is present. This is the rule as docs/SCORING.md states it;
/// `weighted_mean` computes the same number in one division, and the tests hold it to this.
#[cfg(test)]
pub(crate) fn rescale(
    weights: &BTreeMap<String, Dec>,
    present: impl Fn(&str) -> bool,
) -> Option<BTreeMap<&str, BigRational>> {
    let chosen: Vec<(&str, &BigRational)> = weights
        .iter()
        .filter(|(name, _)| present(name))
        .map(|(name, w)| (name.as_str(), w.ratio()))
        .collect();
    let sum: BigRational = chosen.iter().map(|(_, w)| (*w).clone()).sum();
    if chosen.is_empty() || sum.is_zero() {
        return None;
    }
    Some(chosen.into_iter().map(|(name, w)| (name, w / &sum)).collect())
}

/// Σ rescaled weight × score over the names that have a score; `None` when none has.
///
/// Worked as Σ(w × score) / Σw over those names, which is the same number, and left
/// unreduced (see `FractionSum`).
pub(crate) fn weighted_mean<'s>(
    weights: &BTreeMap<String, Dec>,
    score: impl Fn(&str) -> Option<&'s BigRational>,
) -> Option<BigRational> {
    let mut total = FractionSum::new();
    let mut weight = FractionSum::new();
    for (name, w) in weights {
        if let Some(s) = score(name) {
            total.add(w.ratio().numer() * s.numer(), w.ratio().denom() * s.denom());
            weight.add(w.ratio().numer().clone(), w.ratio().denom().clone());
        }
    }
    let (total, weight) = (total.finish(), weight.finish());
    if weight.is_zero() {
        return None;
    }
    Some(BigRational::new_raw(total.numer() * weight.denom(), total.denom() * weight.numer()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::One;
    use proptest::prelude::*;

    fn weights(pairs: &[(&str, &str)]) -> BTreeMap<String, Dec> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.parse().unwrap())).collect()
    }

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn a_missing_class_leaves_the_others_rescaled() {
        let w = weights(&[("panel", "0.6"), ("public", "0.4")]);
        let only_panel = rescale(&w, |c| c == "panel").unwrap();
        assert_eq!(only_panel["panel"], r(1, 1));
        assert_eq!(rescale(&w, |_| false), None);
        let w = weights(&[("a", "0.5"), ("b", "0.3"), ("c", "0.2")]);
        let without_c = rescale(&w, |s| s != "c").unwrap();
        assert_eq!(without_c["a"], r(5, 8));
        assert_eq!(without_c["b"], r(3, 8));
        let (a, b) = (r(96, 1), r(90, 1));
        let mean = weighted_mean(&w, |s| match s {
            "a" => Some(&a),
            "b" => Some(&b),
            _ => None,
        });
        assert_eq!(mean, Some(r(375, 4)), "(0.5 × 96 + 0.3 × 90) / 0.8 = 93.75");
    }

    proptest! {
        #[test]
        fn rescaled_weights_sum_to_one_and_make_the_mean(
            raw in proptest::collection::vec(1u32..1000, 1..8),
            present in proptest::collection::vec(any::<bool>(), 8),
        ) {
            // Any positive weights, as thousandths; rescaling does not need them to sum to 1.
            let w: BTreeMap<String, Dec> = raw
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("c{i}"), format!("{}.{:03}", t / 1000, t % 1000).parse().unwrap()))
                .collect();
            let is_present = |name: &str| present[name[1..].parse::<usize>().unwrap()];
            match rescale(&w, is_present) {
                Some(rescaled) => {
                    let sum: BigRational = rescaled.values().cloned().sum();
                    prop_assert_eq!(sum, BigRational::one());
                    prop_assert!(rescaled.keys().all(|k| is_present(k)));
                    prop_assert_eq!(rescaled.len(), w.keys().filter(|k| is_present(k)).count());
                }
                None => prop_assert!(w.keys().all(|k| !is_present(k))),
            }
            // The weighted mean is the rescaled weights applied to the scores.
            let scores: BTreeMap<String, BigRational> =
                w.keys().enumerate().map(|(i, k)| (k.clone(), r(i as i64 * 37 % 101, 7))).collect();
            let mean = weighted_mean(&w, |k| scores.get(k).filter(|_| is_present(k)));
            let expected = rescale(&w, is_present)
                .map(|rescaled| rescaled.iter().map(|(k, x)| x * &scores[*k]).sum::<BigRational>());
            prop_assert_eq!(mean, expected);
        }
    }
}
