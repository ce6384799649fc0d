//! API tests: every test runs on both profiles (embedded: SQLite + in-process; scaled:
//! PostgreSQL + Redis), against a real server on a free port.

mod anonymity;
mod approvals;
mod backup;
mod bad_input;
mod ballots;
mod closing;
mod durability;
mod harness;
mod listing;
mod proxy;
mod public;
mod reminders;
mod roster;
mod service;
mod small_groups;
mod staff;
