//! minping (民评): public review surveys for municipal performance evaluation.
//! Code tour: README.md; the parts and which may use which: docs/ARCHITECTURE.md.

pub mod campaign;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod export;
pub mod guard;
pub mod hot;
pub mod identity;
pub mod intake;
pub mod panel;
pub mod routes;
pub mod scoring;
pub mod server;
pub mod sms;
pub mod spreadsheet;
pub mod staff;
pub mod store;
