//! Whole-campaign tests: golden campaigns computed by hand, and properties over random ones.

mod disclosure;
mod golden;
mod properties;
mod speed;
mod support;
