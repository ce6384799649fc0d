//! API tests: every test runs on both profiles (embedded: SQLite + in-process; scaled:
//! PostgreSQL + Redis), against a real server on a free port.

mod accounts;
mod anonymity;
mod approvals;
mod audit;
mod backup;
mod bad_input;
mod ballots;
mod closing;
mod durability;
mod harness;
mod hostile;
mod listing;
mod proxy;
mod public;
mod reminders;
mod roster;
mod serve;
mod service;
mod small_groups;
mod staff;
