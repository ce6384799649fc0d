//! The public channel's guards: limits counted in hot state (so they hold across
//! instances), abuse signals, and the client address behind trusted proxies.

pub mod address;
pub mod limits;
pub mod signals;
