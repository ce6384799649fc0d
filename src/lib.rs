//! minping (民评): public review surveys for municipal performance evaluation.
//! Code tour: README.md.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod hot;
pub mod identity;
pub mod intake;
pub mod lifecycle;
pub mod progress;
pub mod public;
pub mod reminders;
pub mod results;
pub mod roster;
pub mod routes;
pub mod scoring;
pub mod spreadsheet;
pub mod staff;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod unit_list;
