//! The respondent key: what may take part once per campaign. This file is the only place
//! its format is written — the claims table, hot state and the store's queries take it
//! (or [`RespondentKey::PANEL_PREFIX`]) from here. `identity` makes keys from checked
//! credentials; it is a domain type so that the store, which `identity` reads, can hold
//! it without a cycle.

use std::fmt;

/// `panel:{member code}`, `phone:{keyed hash}` or `device:{keyed hash}`. Never a number or
/// a token in clear: those are known only by their keyed hashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RespondentKey(String);

impl RespondentKey {
    /// Every panel key starts with this; a query that pairs invitations with claims
    /// builds the key from it and the member code.
    pub const PANEL_PREFIX: &'static str = "panel:";

    /// A panel member's key: one per member per campaign, whichever credential they used
    /// (invitation token, short code, or their number on the roster).
    pub fn panel(member_code: &str) -> Self {
        Self(format!("{}{member_code}", Self::PANEL_PREFIX))
    }

    /// A member of the public, by the keyed hash of their number (hex).
    pub fn phone(number_hash_hex: &str) -> Self {
        Self(format!("phone:{number_hash_hex}"))
    }

    /// A device of device mode, by the keyed hash of its id (hex).
    pub fn device(id_hash_hex: &str) -> Self {
        Self(format!("device:{id_hash_hex}"))
    }

    /// A key as stored (read back from the claims table).
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RespondentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_panel_member_and_kinds_never_collide() {
        assert_eq!(RespondentKey::panel("P0001"), RespondentKey::panel("P0001"));
        assert!(RespondentKey::panel("P1").as_str().starts_with(RespondentKey::PANEL_PREFIX));
        let kinds = [RespondentKey::panel("ab"), RespondentKey::phone("ab"), RespondentKey::device("ab")];
        assert_eq!(kinds.iter().collect::<std::collections::HashSet<_>>().len(), 3);
    }
}
