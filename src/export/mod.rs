//! The published ballot file: the anonymised ballots with the campaign's layout and
//! formula, its fingerprint, the receipt list, and the recount anyone can run on it
//! (`minping verify`). The results tables are in `campaign::tables`.

pub mod ballots;
pub mod verify;
