//! Receipts: what a respondent keeps to check that their ballot is counted.
//! Random, unguessable, and the only key of a ballot row, so that nothing in the
//! ballots table orders or links it to a claim.

use rand::Rng;

/// Crockford's base32: no I, L, O or U, so a receipt read aloud or retyped survives.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LEN: usize = 16;

/// A receipt in canonical form: 16 characters of [`ALPHABET`], shown as `XXXX-XXXX-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Receipt(String);

/// A receipt the client proposed is not one.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("a receipt is 16 characters of 0-9 and A-Z without I, L, O, U")]
pub struct BadReceipt;

impl Receipt {
    /// A receipt drawn by the client (for a safe retry), or why it is not one.
    pub fn parse_proposed(raw: &str) -> Result<Self, BadReceipt> {
        Self::parse(raw).ok_or(BadReceipt)
    }

    /// 80 random bits.
    pub fn generate() -> Self {
        Self(random_code(LEN))
    }

    /// Accepts the displayed form, lower case, and the usual misreadings (O→0, I/L→1).
    pub fn parse(raw: &str) -> Option<Self> {
        let canonical = canonical_code(raw)?;
        (canonical.len() == LEN).then_some(Self(canonical))
    }

    /// The form stored in the database.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn display(&self) -> String {
        group_by_four(&self.0)
    }
}

pub fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Upper-cases, drops dashes and spaces, maps Crockford's look-alikes; `None` for any other character.
pub fn canonical_code(raw: &str) -> Option<String> {
    raw.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => Some('0'),
            'I' | 'L' => Some('1'),
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => Some(c),
            _ => None,
        })
        .collect()
}

pub fn group_by_four(code: &str) -> String {
    let chunks: Vec<&str> = (0..code.len()).step_by(4).map(|i| &code[i..(i + 4).min(code.len())]).collect();
    chunks.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_form_parses_back() {
        let r = Receipt::generate();
        let shown = r.display();
        assert_eq!(shown.len(), 19);
        assert_eq!(Receipt::parse(&shown), Some(r.clone()));
        assert_eq!(Receipt::parse(&shown.to_lowercase()), Some(r));
    }

    #[test]
    fn misreadings_are_mapped_and_junk_refused() {
        assert_eq!(canonical_code("o1l-i"), Some("0111".into()));
        assert_eq!(canonical_code("AB#C"), None);
        assert_eq!(Receipt::parse("ABCD"), None);
    }
}
