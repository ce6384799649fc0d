//! The figures of a run, per scenario and overall.

use std::sync::atomic::Ordering::Relaxed;

use crate::run::{Kind, Run};

/// Percentiles of a sorted list of microseconds, in milliseconds.
pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// What the final line and the ceiling comparison need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub accepted: u64,
    pub ballots_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// Prints the table of one run and returns its summary.
pub fn print(run: &Run, kinds: &[Kind]) -> Summary {
    let seconds = run.window().as_secs_f64().max(1e-3);
    println!();
    println!("measured over {seconds:.1} s (first request sent to last answer read)");
    println!(
        "{:<10} {:>6} {:>9} {:>8} {:>8} {:>9}   ballot POST ms: {:>6} {:>6} {:>6} {:>7}",
        "scenario", "users", "requests", "req/s", "ballots", "ballots/s", "p50", "p95", "p99", "max"
    );
    let mut all_valid: Vec<u32> = Vec::new();
    let mut accepted_total = 0;
    let mut errors_total = 0;
    for &kind in kinds {
        let stats = run.stats(kind);
        let requests = stats.requests.load(Relaxed);
        let accepted = stats.accepted.load(Relaxed);
        accepted_total += accepted;
        errors_total += stats.error_count();
        let mut micros = stats.ballot_micros.lock().unwrap().clone();
        micros.sort_unstable();
        if kind.submits_valid_ballots() {
            all_valid.extend_from_slice(&micros);
        }
        let latency = if micros.is_empty() {
            format!("{:>6} {:>6} {:>6} {:>7}", "-", "-", "-", "-")
        } else {
            format!(
                "{:>6.1} {:>6.1} {:>6.1} {:>7.1}",
                percentile(&micros, 50.0),
                percentile(&micros, 95.0),
                percentile(&micros, 99.0),
                *micros.last().unwrap() as f64 / 1000.0
            )
        };
        println!(
            "{:<10} {:>6} {:>9} {:>8.1} {:>8} {:>9.1}                   {latency}",
            kind.name(),
            stats.users.load(Relaxed),
            requests,
            requests as f64 / seconds,
            accepted,
            accepted as f64 / seconds,
        );
    }
    println!("latency by step (ms):");
    for &kind in kinds {
        for (step, mut micros) in run.stats(kind).steps.lock().unwrap().clone() {
            micros.sort_unstable();
            println!(
                "  {:<10} {:<18} {:>8} answers   p50 {:>6.1}  p95 {:>6.1}  p99 {:>6.1}  max {:>7.1}",
                kind.name(),
                step,
                micros.len(),
                percentile(&micros, 50.0),
                percentile(&micros, 95.0),
                percentile(&micros, 99.0),
                *micros.last().unwrap_or(&0) as f64 / 1000.0
            );
        }
    }
    let mut rate_limited = false;
    for (title, pick) in [("errors by kind", 0), ("expected refusals", 1), ("notes", 2)] {
        let mut lines = Vec::new();
        for &kind in kinds {
            let stats = run.stats(kind);
            let map = match pick {
                0 => stats.errors.lock().unwrap().clone(),
                1 => stats.expected.lock().unwrap().clone(),
                _ => stats.notes.lock().unwrap().clone(),
            };
            for (what, n) in map {
                rate_limited |= pick == 0 && what.contains(" 429 ");
                lines.push(format!("  {:<10} {what}: {n}", kind.name()));
            }
        }
        if !lines.is_empty() {
            println!("{title}:\n{}", lines.join("\n"));
        } else if pick == 0 {
            println!("errors by kind: none");
        }
    }
    if rate_limited {
        println!(
            "note: 429s are the server's per-address limits (every simulated user comes from one \
             address); raise them for a load test, e.g. MINPING_LIMITS__SUBMITS_PER_ADDRESS_PER_MINUTE, \
             …__CAPTCHAS_PER_ADDRESS_PER_MINUTE, …__OTP_PER_ADDRESS_PER_HOUR, …__SMS_PER_CAMPAIGN_PER_HOUR, \
             …__SMS_GLOBAL_PER_HOUR (see loadtest/smoke.sh)"
        );
    }
    all_valid.sort_unstable();
    Summary {
        accepted: accepted_total,
        ballots_per_s: accepted_total as f64 / seconds,
        p50_ms: percentile(&all_valid, 50.0),
        p99_ms: percentile(&all_valid, 99.0),
        errors: errors_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
    }
}
