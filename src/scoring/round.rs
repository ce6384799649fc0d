//! Rounding exact values to the published number of decimals. Done once, on the final
//! figures: a figure is never computed from another rounded figure.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};

use super::exact::{pow10, render_scaled};
use crate::scoring::formula::Rounding;

/// `x` rounded to `places` decimals, as an integer count of `10^-places` (93.40 → 9340).
/// Half-way cases go away from zero (`HalfUp`, 四舍五入) or to the even neighbour (`HalfEven`).
pub fn round_scaled(x: &BigRational, places: u32, rule: Rounding) -> BigInt {
    // On the integers: |x|·10^places = floor + remainder/denominator, with no gcd to take.
    // Machine integers when everything fits (nearly always), big ones otherwise.
    let small = (x.numer().abs().to_u128(), x.denom().abs().to_u128(), 10u128.checked_pow(places));
    let magnitude = match small {
        (Some(numerator), Some(denominator), Some(power)) if numerator.checked_mul(power).is_some() => {
            let scaled = numerator * power;
            let (floor, remainder) = (scaled / denominator, scaled % denominator);
            // remainder < denominator, so comparing remainder with denominator − remainder
            // asks whether 2·remainder is less, equal or more without overflowing.
            let up = rounds_up(remainder.cmp(&(denominator - remainder)), floor % 2 == 1, rule);
            BigInt::from(floor + u128::from(up))
        }
        _ => {
            let denominator = x.denom().abs();
            let (floor, remainder) = (x.numer().abs() * pow10(places)).div_rem(&denominator);
            let up = rounds_up((remainder * 2u32).cmp(&denominator), floor.is_odd(), rule);
            if up {
                floor + 1
            } else {
                floor
            }
        }
    };
    if x.is_negative() {
        -magnitude
    } else {
        magnitude
    }
}

/// Whether to round away from the floor, given how twice the remainder compares with the
/// denominator (i.e. the remainder with one half).
fn rounds_up(half: Ordering, floor_is_odd: bool, rule: Rounding) -> bool {
    match half {
        Ordering::Less => false,
        Ordering::Greater => true,
        Ordering::Equal => match rule {
            Rounding::HalfUp => true,
            Rounding::HalfEven => floor_is_odd,
        },
    }
}

/// `x` rounded and written with exactly `places` decimals: "93.40".
pub fn round_to_string(x: &BigRational, places: u32, rule: Rounding) -> String {
    render_scaled(&round_scaled(x, places, rule), places)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::Dec;

    fn round(text: &str, places: u32, rule: Rounding) -> String {
        round_to_string(text.parse::<Dec>().unwrap().ratio(), places, rule)
    }

    #[test]
    fn half_way_cases_differ_between_the_rules() {
        use Rounding::{HalfEven, HalfUp};
        assert_eq!(round("18.725", 2, HalfUp), "18.73");
        assert_eq!(round("18.725", 2, HalfEven), "18.72");
        assert_eq!(round("18.735", 2, HalfEven), "18.74");
        assert_eq!(round("2.5", 0, HalfUp), "3");
        assert_eq!(round("2.5", 0, HalfEven), "2");
        assert_eq!(round("3.5", 0, HalfEven), "4");
        assert_eq!(round("-2.5", 0, HalfUp), "-3");
        assert_eq!(round("-2.5", 0, HalfEven), "-2");
        assert_eq!(round("0.00005", 4, HalfUp), "0.0001");
        assert_eq!(round("0.00005", 4, HalfEven), "0.0000");
    }

    #[test]
    fn other_cases_round_to_nearest_under_both_rules() {
        for rule in [Rounding::HalfUp, Rounding::HalfEven] {
            assert_eq!(round("93.6", 2, rule), "93.60");
            assert_eq!(round("18.7249999", 2, rule), "18.72");
            assert_eq!(round("18.7250001", 2, rule), "18.73");
            assert_eq!(round("-0.001", 2, rule), "0.00", "no negative zero");
            assert_eq!(round("100", 0, rule), "100");
            assert_eq!(round("0.9999", 2, rule), "1.00");
        }
        let third = BigRational::new(1.into(), 3.into());
        assert_eq!(round_to_string(&third, 6, Rounding::HalfUp), "0.333333");
        // Too long for machine integers: the same rules on big ones.
        let huge = |text: &str| text.parse::<BigInt>().unwrap();
        let half_way = BigRational::new_raw(
            huge("1872500000000000000000000000000000000001") - 1,
            huge("100000000000000000000000000000000000000"),
        );
        assert_eq!(round_to_string(&half_way, 2, Rounding::HalfUp), "18.73");
        assert_eq!(round_to_string(&half_way, 2, Rounding::HalfEven), "18.72");
        assert_eq!(round_to_string(&-half_way, 2, Rounding::HalfUp), "-18.73");
        let two_thirds = BigRational::new(2.into(), 3.into());
        assert_eq!(round_to_string(&two_thirds, 4, Rounding::HalfEven), "0.6667");
    }
}
