//! Panel invitations: an unguessable token for the link, and a short code for typing
//! from a printed letter. Both lead to the same member; both are stored only hashed.

use base64::Engine;

use super::Secret;
use crate::domain::receipt::{canonical_code, group_by_four, ALPHABET};

const SHORT_CODE_LEN: usize = 8;

/// What a respondent typed or the link carried, told apart by shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationCode {
    /// 22 characters of URL-safe base64: 128 random bits.
    Token(String),
    /// 8 characters of Crockford base32 (40 bits), in canonical form.
    ShortCode(String),
}

impl InvitationCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.len() == 22 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Some(Self::Token(raw.to_owned()));
        }
        let canonical = canonical_code(raw)?;
        (canonical.len() == SHORT_CODE_LEN).then_some(Self::ShortCode(canonical))
    }

    /// The keyed hash the invitation is stored and found under.
    pub fn lookup_hash(&self, secret: &Secret) -> Vec<u8> {
        match self {
            Self::Token(t) => secret.keyed_hash("invitation-token", t),
            Self::ShortCode(c) => secret.keyed_hash("invitation-short-code", c),
        }
    }
}

/// A freshly drawn invitation: the clear token and short code exist only here, on their way
/// to the invitation list, the letter or the SMS that carries them — once.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub token: String,
    pub short_code: String,
}

impl IssuedInvitation {
    /// A new invitation from the operating system's random generator (via `rand`'s
    /// CSPRNG). Nothing else can make it again: the database keeps only its keyed hashes,
    /// so the list handed to staff when it is issued is the only place it exists.
    pub fn draw() -> Self {
        let mut rng = rand::rng();
        let token = loop {
            let bytes: [u8; 16] = rand::Rng::random(&mut rng);
            let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            // A cell beginning with `-` is a formula to a spreadsheet; a mail-merge must
            // carry the token untouched, so it always begins with a letter or digit.
            if token.as_bytes()[0].is_ascii_alphanumeric() {
                break token;
            }
        };
        let bits: u64 = rand::Rng::random::<u64>(&mut rng) >> 24;
        let short_code =
            (0..SHORT_CODE_LEN).map(|i| ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize] as char).collect();
        Self { token, short_code }
    }

    pub fn short_code_display(&self) -> String {
        group_by_four(&self.short_code)
    }

    pub fn token_hash(&self, secret: &Secret) -> Vec<u8> {
        InvitationCode::Token(self.token.clone()).lookup_hash(secret)
    }

    pub fn short_code_hash(&self, secret: &Secret) -> Vec<u8> {
        InvitationCode::ShortCode(self.short_code.clone()).lookup_hash(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_credential_begins_like_a_spreadsheet_formula() {
        for _ in 0..5_000 {
            let issued = IssuedInvitation::draw();
            for credential in [&issued.token, &issued.short_code, &issued.short_code_display()] {
                assert!(!crate::spreadsheet::cell::is_formula_like(credential), "{credential}");
            }
        }
    }

    #[test]
    fn invitations_are_drawn_at_random_and_start_with_a_letter_or_digit() {
        let drawn: Vec<IssuedInvitation> = (0..2000).map(|_| IssuedInvitation::draw()).collect();
        let tokens: std::collections::HashSet<&str> = drawn.iter().map(|d| d.token.as_str()).collect();
        assert_eq!(tokens.len(), drawn.len(), "no two alike");
        for d in &drawn {
            assert_eq!((d.token.len(), d.short_code.len()), (22, 8));
            assert!(d.token.as_bytes()[0].is_ascii_alphanumeric(), "{}", d.token);
            assert_eq!(InvitationCode::parse(&d.token), Some(InvitationCode::Token(d.token.clone())));
        }
    }

    #[test]
    fn token_and_short_code_are_told_apart() {
        let issued = IssuedInvitation::draw();
        assert_eq!(InvitationCode::parse(&issued.token), Some(InvitationCode::Token(issued.token.clone())));
        let typed = issued.short_code_display().to_lowercase();
        assert_eq!(InvitationCode::parse(&typed), Some(InvitationCode::ShortCode(issued.short_code.clone())));
        assert_eq!(InvitationCode::parse("hello"), None);
    }

    #[test]
    fn hashes_match_what_is_stored() {
        let secret = Secret::for_tests();
        let issued = IssuedInvitation::draw();
        let typed = InvitationCode::parse(&issued.short_code_display()).unwrap();
        assert_eq!(typed.lookup_hash(&secret), issued.short_code_hash(&secret));
        assert_ne!(issued.token_hash(&secret), issued.short_code_hash(&secret));
    }
}
