//! What leaves minping as files: results tables (CSV, XLSX, JSON), the anonymised ballot
//! export and its verification, and the receipt list.

pub mod ballots;
pub mod tables;
pub mod verify;
