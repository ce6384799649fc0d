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

/// A freshly made invitation: the clear token and short code exist only here, on their way
/// to the invitation list handed to staff.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub token: String,
    pub short_code: String,
}

impl IssuedInvitation {
    /// The invitation of a member, derived from the server secret: the database keeps only
    /// its hashes, yet staff can print or download the list again at any time. Re-issuing
    /// counts `issue` up, which makes a new token and short code and voids the old ones.
    pub fn derive(secret: &Secret, campaign_id: i64, member_code: &str, issue: i64) -> Self {
        let mac = secret.keyed_hash("invitation-issue", &format!("{campaign_id}\0{member_code}\0{issue}"));
        let bits = (mac[16..21].iter()).fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let short_code =
            (0..SHORT_CODE_LEN).map(|i| ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize] as char).collect();
        let mut token: [u8; 16] = mac[..16].try_into().expect("a MAC is 32 bytes");
        // A token must pass a spreadsheet untouched (mail-merge lists): one that would begin
        // with `-` (62, 1 in 64) begins with `e` (30) instead, at the cost of a sliver of a bit.
        if token[0] >> 2 == 62 {
            token[0] ^= 0x80;
        }
        Self { token: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token), short_code }
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
    fn invitations_derive_per_member_and_issue() {
        let secret = Secret::for_tests();
        let a = IssuedInvitation::derive(&secret, 1, "P0001", 0);
        assert_eq!(a.token, IssuedInvitation::derive(&secret, 1, "P0001", 0).token, "the same every time");
        for other in [
            IssuedInvitation::derive(&secret, 1, "P0001", 1),
            IssuedInvitation::derive(&secret, 1, "P0002", 0),
            IssuedInvitation::derive(&secret, 2, "P0001", 0),
        ] {
            assert_ne!(a.token, other.token);
            assert_ne!(a.short_code, other.short_code);
        }
        assert_eq!(a.token.len(), 22);
        assert_eq!(a.short_code.len(), 8);
    }

    #[test]
    fn no_credential_begins_like_a_spreadsheet_formula() {
        let secret = Secret::for_tests();
        let mut first = std::collections::HashSet::new();
        for member in 0..5_000 {
            let issued = IssuedInvitation::derive(&secret, 1, &format!("P{member:04}"), 0);
            for credential in [&issued.token, &issued.short_code, &issued.short_code_display()] {
                assert!(!crate::spreadsheet::cell::is_formula_like(credential), "{credential}");
            }
            first.insert(issued.token.as_bytes()[0]);
        }
        assert_eq!(first.len(), 63, "every first character but `-` occurs");
    }

    #[test]
    fn token_and_short_code_are_told_apart() {
        let issued = IssuedInvitation::derive(&Secret::for_tests(), 1, "P0001", 0);
        assert_eq!(InvitationCode::parse(&issued.token), Some(InvitationCode::Token(issued.token.clone())));
        let typed = issued.short_code_display().to_lowercase();
        assert_eq!(InvitationCode::parse(&typed), Some(InvitationCode::ShortCode(issued.short_code.clone())));
        assert_eq!(InvitationCode::parse("hello"), None);
    }

    #[test]
    fn hashes_match_what_is_stored() {
        let secret = Secret::for_tests();
        let issued = IssuedInvitation::derive(&secret, 1, "P0001", 0);
        let typed = InvitationCode::parse(&issued.short_code_display()).unwrap();
        assert_eq!(typed.lookup_hash(&secret), issued.short_code_hash(&secret));
        assert_ne!(issued.token_hash(&secret), issued.short_code_hash(&secret));
    }
}
