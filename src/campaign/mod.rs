//! A campaign's life: created from a campaign file or a unit list, opened, watched live,
//! closed, and its results frozen and fingerprinted.

pub mod catalog;
pub mod lifecycle;
pub mod progress;
pub mod results;
pub mod tables;
pub mod unit_list;

pub use catalog::Catalog;
