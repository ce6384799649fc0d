//! Mainland mobile numbers: one normal form, so that `+86 138-0013-8000`, `13800138000`
//! and `１３８００１３８０００` are the same person; never stored, only keyed-hashed.

use std::fmt;

use super::Secret;

/// Purpose label of the keyed hash of a number; the roster uses the same one, so a panel
/// member's number is recognised on the public channel.
pub const PHONE_PURPOSE: &str = "phone";

/// A valid mainland mobile number in normal form: 11 ASCII digits, `1[3-9]…`.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

// Deliberately not the number: a `{:?}` in a log line must not leak it.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("no number was given")]
    Empty,
    #[error("a mainland mobile number has 11 digits starting with 13–19")]
    Invalid,
}

impl PhoneNumber {
    /// Accepts the ways people type a number: spaces, dashes, dots and brackets between
    /// digits, full-width digits, and a `+86` / `0086` / `86` country prefix.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let mut digits = String::with_capacity(16);
        let mut plus = false;
        for c in raw.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                // Full-width digits, as typed with a Chinese input method.
                '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
                '+' | '＋' if digits.is_empty() && !plus => plus = true,
                ' ' | '\u{3000}' | '-' | '－' | '.' | '(' | ')' | '（' | '）' => {}
                _ => return Err(PhoneError::Invalid),
            }
        }
        if digits.is_empty() {
            return Err(if plus { PhoneError::Invalid } else { PhoneError::Empty });
        }
        let national = if let Some(rest) = digits.strip_prefix("0086") {
            rest
        } else if digits.len() == 13 && digits.starts_with("86") {
            &digits[2..]
        } else if plus {
            // `+` with any other country code is not a mainland number.
            return Err(PhoneError::Invalid);
        } else {
            &digits
        };
        let valid = national.len() == 11
            && national.as_bytes()[0] == b'1'
            && (b'3'..=b'9').contains(&national.as_bytes()[1]);
        if valid {
            Ok(Self(national.to_owned()))
        } else {
            Err(PhoneError::Invalid)
        }
    }

    /// `138****8000`: what staff and the outbox may show.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }

    /// The keyed hash a number is known by: the roster stores it, the public channel
    /// derives respondent keys from it.
    pub fn keyed_hash(&self, secret: &Secret) -> Vec<u8> {
        secret.keyed_hash(PHONE_PURPOSE, &self.0)
    }

    /// The number itself, for the SMS gateway only.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_people_type_a_number_give_one_key() {
        let secret = Secret::for_tests();
        let forms = [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "008613800138000",
            "8613800138000",
            "１３８００１３８０００",
            "＋８６ １３８－００１３－８０００",
            " (138) 0013.8000 ",
        ];
        let key = PhoneNumber::parse(forms[0]).unwrap().keyed_hash(&secret);
        for form in forms {
            let number = PhoneNumber::parse(form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
            assert_eq!(number.digits(), "13800138000", "{form:?}");
            assert_eq!(number.keyed_hash(&secret), key, "{form:?}");
        }
    }

    #[test]
    fn what_is_not_a_mainland_mobile_number_is_refused() {
        for bad in [
            "1380013800",   // 10 digits
            "138001380001", // 12 digits
            "12800138000",  // no such prefix
            "23800138000",
            "+1 415 555 0100",
            "+85291234567",
            "138oo138000",
            "13800138000x",
            "++8613800138000",
            "861380013800",
            "+",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err(PhoneError::Invalid), "{bad:?}");
        }
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneError::Empty));
    }

    #[test]
    fn masked_and_debug_never_show_the_middle_digits() {
        let number = PhoneNumber::parse("13800138000").unwrap();
        assert_eq!(number.masked(), "138****8000");
        assert_eq!(format!("{number:?}"), "PhoneNumber(138****8000)");
    }
}
