//! The 95% Wilson score interval of a satisfaction rate, published to 4 decimals.
//!
//! The bounds involve a square root, so they are not rational. They are still published
//! exactly: the low bound rounded down and the high bound rounded up to 4 decimals (the
//! published interval always contains the true one). Floating point gives the bounds to
//! within 10⁻¹⁴; where that leaves any doubt about the rounding (within 10⁻⁹ of a multiple
//! of 10⁻⁴, as when a bound is exactly 0 or 1), exact integer comparisons decide. So the
//! figures never depend on how a platform rounds a float.

use std::cell::OnceCell;

use num_bigint::BigInt;
use num_traits::Signed;

/// z for a two-sided 95% interval, as the brief states it: Z_NUMERATOR / 10^15.
pub const Z: f64 = 1.959963984540054;
const Z_NUMERATOR: i64 = 1_959_963_984_540_054;
const Z_DENOMINATOR: i64 = 1_000_000_000_000_000;
/// Bounds are in ten-thousandths.
pub const PLACES: u32 = 4;
const ONE: i64 = 10_000;

/// `(low, high)` in ten-thousandths: low rounded down, high rounded up. `None` when `valid` is 0.
pub fn wilson(satisfied: u64, valid: u64) -> Option<(u32, u32)> {
    if valid == 0 {
        return None;
    }
    assert!(satisfied <= valid, "{satisfied} satisfied of {valid} valid ballots");
    let (low_guess, high_guess) = float_bounds(satisfied, valid);
    let (low_guess, high_guess) = (low_guess * ONE as f64, high_guess * ONE as f64);
    // The float's error is below 10⁻¹⁴; when it lies further than 10⁻⁹ from a multiple of
    // 10⁻⁴, rounding it cannot go wrong and exact arithmetic would only confirm it.
    let clear = |x: f64| (x - x.round()).abs() > 1e-5;
    let exact = OnceCell::new();
    let exact = || exact.get_or_init(|| Exact::new(satisfied, valid));
    let low = if clear(low_guess) {
        (low_guess.floor() as i64).clamp(0, ONE)
    } else {
        exact().floor_low(low_guess.floor() as i64)
    };
    let high = if clear(high_guess) {
        (high_guess.ceil() as i64).clamp(0, ONE)
    } else {
        exact().ceil_high(high_guess.ceil() as i64)
    };
    Some((low as u32, high as u32))
}

/// The same bounds decided by exact arithmetic alone, for the tests to hold `wilson` to.
#[cfg(test)]
fn wilson_exact(satisfied: u64, valid: u64) -> (u32, u32) {
    let exact = Exact::new(satisfied, valid);
    (exact.floor_low(0) as u32, exact.ceil_high(ONE) as u32)
}

/// The textbook formula in floating point: a first guess only.
fn float_bounds(satisfied: u64, valid: u64) -> (f64, f64) {
    let (n, z2) = (valid as f64, Z * Z);
    let p = satisfied as f64 / n;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

/// The bounds, cleared of fractions. With s satisfied of n valid and z = zn/zd, the textbook
/// (p̂ + z²/2n ∓ z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), multiplied through by n, is
/// (a ∓ z·√b) / c with a = s + z²/2, b = s(n − s)/n + z²/4, c = n + z². For t = k/10⁴:
///
///   low ≥ t  ⇔  a − t·c ≥ z·√b  ⇔  D ≥ 0 and n·D² ≥ R
///   high ≤ t ⇔  t·c − a ≥ z·√b  ⇔  D ≤ 0 and n·D² ≥ R
///
/// where D = 10⁴·(2s·zd² + zn²) − k·2(n·zd² + zn²) is (a − t·c)·2·10⁴·zd², and
/// R = 10⁸·zn²·(4s(n − s)·zd² + n·zn²) is z²b·n·(2·10⁴·zd²)² — all integers.
struct Exact {
    /// 10⁴·(2s·zd² + zn²)
    a: BigInt,
    /// 2(n·zd² + zn²)
    c: BigInt,
    n: BigInt,
    r: BigInt,
}

impl Exact {
    fn new(satisfied: u64, valid: u64) -> Self {
        let (zn, zd) = (BigInt::from(Z_NUMERATOR), BigInt::from(Z_DENOMINATOR));
        let (zn2, zd2) = (&zn * &zn, &zd * &zd);
        let (s, n) = (BigInt::from(satisfied), BigInt::from(valid));
        let ten4 = BigInt::from(ONE);
        let a = &ten4 * (BigInt::from(2) * &s * &zd2 + &zn2);
        let c = BigInt::from(2) * (&n * &zd2 + &zn2);
        let r = &ten4 * &ten4 * &zn2 * (BigInt::from(4) * &s * (&n - &s) * &zd2 + &n * &zn2);
        Self { a, c, n, r }
    }

    /// The largest k with low ≥ k/10⁴, searched from `guess`. low ≥ 0 always holds, so the
    /// search stops at 0 at the latest.
    fn floor_low(&self, guess: i64) -> i64 {
        let mut k = guess.clamp(0, ONE);
        while k > 0 && !self.low_at_least(k) {
            k -= 1;
        }
        while k < ONE && self.low_at_least(k + 1) {
            k += 1;
        }
        k
    }

    /// The smallest k with high ≤ k/10⁴, searched from `guess`; high ≤ 1 always holds.
    fn ceil_high(&self, guess: i64) -> i64 {
        let mut k = guess.clamp(0, ONE);
        while k < ONE && !self.high_at_most(k) {
            k += 1;
        }
        while k > 0 && self.high_at_most(k - 1) {
            k -= 1;
        }
        k
    }

    fn d(&self, k: i64) -> BigInt {
        &self.a - BigInt::from(k) * &self.c
    }

    fn low_at_least(&self, k: i64) -> bool {
        let d = self.d(k);
        !d.is_negative() && &self.n * &d * &d >= self.r
    }

    fn high_at_most(&self, k: i64) -> bool {
        let d = self.d(k);
        !d.is_positive() && &self.n * &d * &d >= self.r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_intervals() {
        // Values from the textbook formula (computed independently with 60-digit decimals),
        // low rounded down and high rounded up.
        assert_eq!(wilson(20, 20), Some((8388, 10000)), "20/23.8415 = 0.83887…");
        assert_eq!(wilson(1500, 1500), Some((9974, 10000)), "1500/1503.8415 = 0.997445…");
        assert_eq!(wilson(0, 20), Some((0, 1612)), "3.8415/23.8415 = 0.16113…");
        assert_eq!(wilson(39, 40), Some((8711, 9956)), "0.871186… to 0.995573…");
        assert_eq!(wilson(10, 13), Some((4974, 9183)), "0.497436… to 0.918205…");
        assert_eq!(wilson(5, 10), Some((2365, 7635)), "0.236593… to 0.763407…, symmetric");
        assert_eq!(wilson(0, 0), None);
        for (s, n) in [(20, 20), (0, 20), (39, 40), (10, 13), (1500, 1500)] {
            assert_eq!(wilson(s, n), Some(wilson_exact(s, n)), "{s} of {n}");
        }
    }

    proptest! {
        #[test]
        fn the_interval_holds_the_rate_and_agrees_with_floating_point(
            valid in 1u64..5_000_000_000_000,
            share in 0.0f64..=1.0,
        ) {
            let satisfied = ((valid as f64 * share) as u64).min(valid);
            let (low, high) = wilson(satisfied, valid).unwrap();
            prop_assert!(low <= high && high <= 10_000);
            // The exact rate lies inside: low/10⁴ ≤ s/n ≤ high/10⁴.
            prop_assert!(low as u128 * valid as u128 <= satisfied as u128 * 10_000);
            prop_assert!(satisfied as u128 * 10_000 <= high as u128 * valid as u128);
            let (f_low, f_high) = float_bounds(satisfied, valid);
            prop_assert!((low as f64 / 1e4 - f_low.max(0.0)).abs() <= 1.5e-4, "{low} vs {f_low}");
            prop_assert!((high as f64 / 1e4 - f_high.min(1.0)).abs() <= 1.5e-4, "{high} vs {f_high}");
        }

        #[test]
        fn the_float_shortcut_agrees_with_exact_arithmetic(valid in 1u64..100_000, share in 0.0f64..=1.0) {
            let satisfied = ((valid as f64 * share) as u64).min(valid);
            prop_assert_eq!(wilson(satisfied, valid), Some(wilson_exact(satisfied, valid)));
        }
    }
}
