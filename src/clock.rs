//! The wall clock, in one place: seconds and milliseconds since the Unix epoch.

pub fn now_unix() -> i64 {
    now_unix_ms() / 1000
}

pub fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The first hour (since the Unix epoch) of the China Standard Time (UTC+8) day an hour
/// falls in.
pub fn day_start(hour: i64) -> i64 {
    (hour + 8).div_euclid(24) * 24 - 8
}
