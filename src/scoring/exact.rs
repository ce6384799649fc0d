//! `Dec`, the exact decimal a formula is written in. A weight of 0.6 must be 6/10, not the
//! binary float nearest to it: weights are checked to sum to exactly 1, and one ballot more
//! or less can change a rank, so no figure may depend on how a float happened to round.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal text longer than this is refused: no weight or points value needs it, and it keeps
/// a hostile formula from making every later computation slow.
const MAX_TEXT_LEN: usize = 40;
/// The largest exponent accepted in `6e-1` notation, for the same reason.
const MAX_EXPONENT: i32 = 20;

/// An exact, terminating decimal such as `0.6` or `100`. Reads from a JSON/TOML string or
/// number and writes as a string (`"0.6"`), so it survives any number of round trips.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dec(BigRational);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecError {
    #[error("`{0}` is not a decimal number (expected digits with an optional point, like 0.6)")]
    NotDecimal(String),
    #[error("`{0}` is too long for a decimal number (at most {MAX_TEXT_LEN} characters)")]
    TooLong(String),
    #[error("the exponent of `{0}` is too large (at most {MAX_EXPONENT} either way)")]
    Exponent(String),
    #[error("{0} is not a finite number")]
    NotFinite(f64),
}

impl Dec {
    pub fn from_integer(n: i64) -> Self {
        Self(BigRational::from_integer(n.into()))
    }

    /// The exact value.
    pub fn ratio(&self) -> &BigRational {
        &self.0
    }

    pub fn into_ratio(self) -> BigRational {
        self.0
    }

    /// A rational as a `Dec`, when it has a finite decimal expansion (its reduced denominator
    /// has no prime factor but 2 and 5). Sums and differences of `Dec`s always do.
    pub fn from_terminating(value: BigRational) -> Option<Self> {
        decimal_places(value.denom()).map(|_| Self(value))
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

/// How many decimal places a denominator needs, or `None` when the expansion never ends.
fn decimal_places(denominator: &BigInt) -> Option<u32> {
    let (mut d, mut twos, mut fives) = (denominator.abs(), 0u32, 0u32);
    let (two, five) = (BigInt::from(2), BigInt::from(5));
    while d.is_even() && !d.is_zero() {
        d /= &two;
        twos += 1;
    }
    while (&d % &five).is_zero() && !d.is_zero() {
        d /= &five;
        fives += 1;
    }
    d.is_one().then_some(twos.max(fives))
}

/// `n / 10^places` as decimal text with exactly `places` digits after the point.
pub(crate) fn render_scaled(n: &BigInt, places: u32) -> String {
    let sign = if n.is_negative() { "-" } else { "" };
    let width = places as usize;
    // The common case in one allocation; figures too long for u128 take the general path.
    if let (Some(magnitude), Some(power)) = (n.abs().to_u128(), 10u128.checked_pow(places)) {
        return match places {
            0 => format!("{sign}{magnitude}"),
            _ => format!("{sign}{}.{:0width$}", magnitude / power, magnitude % power),
        };
    }
    let digits = n.abs().to_string();
    if places == 0 {
        return format!("{sign}{digits}");
    }
    // At least one digit before the point: 5 with 4 places is 0.0005.
    let padded = format!("{digits:0>w$}", w = width + 1);
    let (whole, fraction) = padded.split_at(padded.len() - width);
    format!("{sign}{whole}.{fraction}")
}

pub(crate) fn pow10(places: u32) -> BigInt {
    match 10u64.checked_pow(places) {
        Some(power) => BigInt::from(power),
        None => num_traits::pow(BigInt::from(10), places as usize),
    }
}

impl fmt::Display for Dec {
    /// The shortest exact decimal: `0.6`, `100`, `-0.125`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match decimal_places(self.0.denom()) {
            Some(places) => {
                let scaled = self.0.numer() * pow10(places) / self.0.denom();
                f.write_str(&render_scaled(&scaled, places))
            }
            // Unreachable through the constructors; shown exactly rather than rounded.
            None => write!(f, "{}/{}", self.0.numer(), self.0.denom()),
        }
    }
}

impl FromStr for Dec {
    type Err = DecError;

    /// Accepts `[+-]digits[.digits][e[+-]digits]`, e.g. `0.6`, `100`, `-2.5`, `6e-1`.
    fn from_str(text: &str) -> Result<Self, DecError> {
        if text.len() > MAX_TEXT_LEN {
            return Err(DecError::TooLong(text.into()));
        }
        let bad = || DecError::NotDecimal(text.into());
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let exponent = &text[at + 1..];
                let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let exponent: i32 = exponent.parse().map_err(|_| DecError::Exponent(text.into()))?;
                if exponent.abs() > MAX_EXPONENT {
                    return Err(DecError::Exponent(text.into()));
                }
                (&text[..at], exponent)
            }
            None => (text, 0),
        };
        let (negative, unsigned) = match mantissa.as_bytes().first() {
            Some(b'-') => (true, &mantissa[1..]),
            Some(b'+') => (false, &mantissa[1..]),
            _ => (false, mantissa),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        // "5." and ".5" are refused: a figure an auditor reads should not look like a typo.
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || unsigned.ends_with('.') {
            return Err(bad());
        }
        let numerator = BigInt::parse_bytes(format!("{whole}{fraction}").as_bytes(), 10).ok_or_else(bad)?;
        let numerator = if negative { -numerator } else { numerator };
        let mut value = BigRational::new(numerator, pow10(fraction.len() as u32));
        if exponent > 0 {
            value *= BigRational::from_integer(pow10(exponent as u32));
        } else if exponent < 0 {
            value /= BigRational::from_integer(pow10(exponent.unsigned_abs()));
        }
        Ok(Self(value))
    }
}

impl TryFrom<f64> for Dec {
    type Error = DecError;

    /// Through Rust's shortest round-trip text of the float, so 0.6 becomes exactly 6/10:
    /// the number the person wrote, not the binary fraction the parser stored.
    fn try_from(value: f64) -> Result<Self, DecError> {
        if !value.is_finite() {
            return Err(DecError::NotFinite(value));
        }
        format!("{value}").parse()
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecVisitor)
    }
}

struct DecVisitor;

impl Visitor<'_> for DecVisitor {
    type Value = Dec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number, as a number or a string like \"0.6\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
        Ok(Dec::from_integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
        Ok(Dec(BigRational::from_integer(v.into())))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Dec, E> {
        Ok(Dec(BigRational::from_integer(v.into())))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Dec, E> {
        Ok(Dec(BigRational::from_integer(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
        Dec::try_from(v).map_err(E::custom)
    }
}

/// A sum of fractions, not reduced along the way: reducing takes a gcd, and gcds were most of
/// the time spent scoring. The rational values compare and round the same either way
/// (`Ratio`'s `Eq` and `Ord` compare values, `round_scaled` divides), and only `Dec`, which
/// is always reduced, is ever written out as a fraction's own digits.
pub(crate) struct FractionSum {
    numerator: BigInt,
    denominator: BigInt,
}

impl FractionSum {
    pub fn new() -> Self {
        Self { numerator: BigInt::zero(), denominator: BigInt::one() }
    }

    /// Adds numerator/denominator; the denominator must be more than 0.
    pub fn add(&mut self, numerator: BigInt, denominator: BigInt) {
        if denominator == self.denominator {
            self.numerator += numerator;
        } else {
            self.numerator = &self.numerator * &denominator + numerator * &self.denominator;
            self.denominator *= denominator;
        }
    }

    pub fn finish(self) -> BigRational {
        BigRational::new_raw(self.numerator, self.denominator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str) -> Dec {
        s.parse().unwrap()
    }

    fn ratio(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn decimal_text_is_exact() {
        assert_eq!(dec("0.6").ratio(), &ratio(6, 10));
        assert_eq!(dec("100").ratio(), &ratio(100, 1));
        assert_eq!(dec("-2.50").ratio(), &ratio(-5, 2));
        assert_eq!(dec("+0.125").ratio(), &ratio(1, 8));
        assert_eq!(dec("6e-1").ratio(), &ratio(6, 10));
        assert_eq!(dec("1.5E2").ratio(), &ratio(150, 1));
        assert_eq!(dec("0.60"), dec("0.6"));
    }

    #[test]
    fn malformed_text_is_refused() {
        for bad in
            ["", "-", ".5", "5.", "0.6.1", "1,5", " 1", "1 ", "abc", "1e", "1e+", "0x10", "1/3", "NaN", "inf"]
        {
            assert!(bad.parse::<Dec>().is_err(), "{bad:?} was accepted");
        }
        assert_eq!("1e99".parse::<Dec>(), Err(DecError::Exponent("1e99".into())));
        assert!(matches!("1".repeat(41).parse::<Dec>(), Err(DecError::TooLong(_))));
    }

    #[test]
    fn displays_the_shortest_exact_decimal() {
        assert_eq!(dec("0.6").to_string(), "0.6");
        assert_eq!(dec("0.60").to_string(), "0.6");
        assert_eq!(dec("100").to_string(), "100");
        assert_eq!(dec("100.000").to_string(), "100");
        assert_eq!(dec("-0.125").to_string(), "-0.125");
        assert_eq!(dec("0.05").to_string(), "0.05");
        assert_eq!(Dec::from_terminating(ratio(9, 10)).unwrap().to_string(), "0.9");
        assert_eq!(Dec::from_terminating(ratio(1, 3)), None);
    }

    #[test]
    fn reads_json_numbers_and_strings_and_writes_strings() {
        let d: Dec = serde_json::from_str("0.6").unwrap();
        assert_eq!(d.ratio(), &ratio(6, 10));
        let d: Dec = serde_json::from_str("0.1").unwrap();
        assert_eq!(d.ratio(), &ratio(1, 10), "0.1 must not become the float 0.1000000000000000055…");
        let d: Dec = serde_json::from_str("\"0.4\"").unwrap();
        assert_eq!(d.ratio(), &ratio(4, 10));
        let d: Dec = serde_json::from_str("20").unwrap();
        assert_eq!(d.ratio(), &ratio(20, 1));
        let d: Dec = serde_json::from_str("-3").unwrap();
        assert_eq!(d.ratio(), &ratio(-3, 1));
        assert_eq!(serde_json::to_string(&dec("0.6")).unwrap(), "\"0.6\"");
        assert!(serde_json::from_str::<Dec>("\"zero\"").is_err());
        assert!(serde_json::from_str::<Dec>("true").is_err());
        assert!(Dec::try_from(f64::NAN).is_err());
        assert!(Dec::try_from(f64::INFINITY).is_err());
    }

    #[test]
    fn renders_scaled_integers() {
        assert_eq!(render_scaled(&BigInt::from(9340), 2), "93.40");
        assert_eq!(render_scaled(&BigInt::from(5), 4), "0.0005");
        assert_eq!(render_scaled(&BigInt::from(-5), 2), "-0.05");
        assert_eq!(render_scaled(&BigInt::from(0), 2), "0.00");
        assert_eq!(render_scaled(&BigInt::from(93), 0), "93");
    }

    proptest! {
        #[test]
        fn text_round_trips(whole in 0u64..1_000_000, fraction in 0u64..1_000_000, places in 0usize..6) {
            let text = if places == 0 {
                whole.to_string()
            } else {
                format!("{whole}.{:0>places$}", fraction % 10u64.pow(places as u32))
            };
            let d = dec(&text);
            prop_assert_eq!(dec(&d.to_string()), d.clone());
            let json = serde_json::to_string(&d).unwrap();
            prop_assert_eq!(serde_json::from_str::<Dec>(&json).unwrap(), d);
        }

        #[test]
        fn floats_become_the_decimal_they_print_as(hundredths in 0u32..100_000) {
            let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
            let float: f64 = text.parse().unwrap();
            prop_assert_eq!(Dec::try_from(float).unwrap(), dec(&text));
        }
    }
}
