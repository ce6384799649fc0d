//! In-process hot state for the embedded profile: a bounded map with expiry.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{ClaimAttempt, Hit, HotError, HotState, IN_FLIGHT_SECS, TAKEN_SECS};

pub const DEFAULT_CAPACITY: usize = 1_000_000;

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    InFlight,
    Taken,
}

type Claims = HashMap<(i64, String), (Mark, Instant)>;

pub struct MemoryHot {
    capacity: usize,
    claims: Mutex<Claims>,
    values: Mutex<HashMap<String, (String, Instant)>>,
}

impl MemoryHot {
    pub fn new(capacity: usize) -> Self {
        Self { capacity, claims: Mutex::new(HashMap::new()), values: Mutex::new(HashMap::new()) }
    }

    fn insert(claims: &mut Claims, capacity: usize, campaign_id: i64, key: &str, mark: Mark, ttl: u64) {
        let now = Instant::now();
        if claims.len() >= capacity {
            claims.retain(|_, (_, expires)| *expires > now);
        }
        // Still full: skip the cache; the database's constraint still holds.
        if claims.len() < capacity {
            claims.insert((campaign_id, key.to_owned()), (mark, now + Duration::from_secs(ttl)));
        }
    }
}

#[async_trait]
impl HotState for MemoryHot {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn ping(&self) -> Result<(), HotError> {
        Ok(())
    }

    async fn try_claim(&self, campaign_id: i64, key: &str) -> Result<ClaimAttempt, HotError> {
        let mut claims = self.claims.lock().expect("hot state lock");
        let now = Instant::now();
        match claims.get(&(campaign_id, key.to_owned())) {
            Some((Mark::InFlight, expires)) if *expires > now => return Ok(ClaimAttempt::InFlight),
            Some((Mark::Taken, expires)) if *expires > now => return Ok(ClaimAttempt::Taken),
            _ => {}
        }
        Self::insert(&mut claims, self.capacity, campaign_id, key, Mark::InFlight, IN_FLIGHT_SECS);
        Ok(ClaimAttempt::Acquired)
    }

    async fn mark_taken(&self, campaign_id: i64, key: &str) -> Result<(), HotError> {
        let mut claims = self.claims.lock().expect("hot state lock");
        Self::insert(&mut claims, self.capacity, campaign_id, key, Mark::Taken, TAKEN_SECS);
        Ok(())
    }

    async fn release(&self, campaign_id: i64, key: &str) -> Result<(), HotError> {
        self.claims.lock().expect("hot state lock").remove(&(campaign_id, key.to_owned()));
        Ok(())
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: u64) -> Result<(), HotError> {
        let mut values = self.values.lock().expect("hot state lock");
        let now = Instant::now();
        if values.len() >= self.capacity {
            values.retain(|_, (_, expires)| *expires > now);
        }
        if values.len() < self.capacity {
            values.insert(key.to_owned(), (value.to_owned(), now + Duration::from_secs(ttl_secs)));
            Ok(())
        } else {
            Err(HotError("in-process hot state is full".into()))
        }
    }

    async fn get(&self, key: &str) -> Result<Option<String>, HotError> {
        let values = self.values.lock().expect("hot state lock");
        Ok(values.get(key).filter(|(_, expires)| *expires > Instant::now()).map(|(v, _)| v.clone()))
    }

    async fn delete(&self, key: &str) -> Result<(), HotError> {
        self.values.lock().expect("hot state lock").remove(key);
        Ok(())
    }

    async fn take(&self, key: &str) -> Result<Option<String>, HotError> {
        let mut values = self.values.lock().expect("hot state lock");
        Ok(values.remove(key).filter(|(_, expires)| *expires > Instant::now()).map(|(v, _)| v))
    }

    async fn count(&self, key: &str) -> Result<u64, HotError> {
        Ok(self.get(key).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    async fn hit(&self, key: &str, window_secs: u64) -> Result<Hit, HotError> {
        let mut values = self.values.lock().expect("hot state lock");
        let now = Instant::now();
        let entry = values
            .entry(key.to_owned())
            .or_insert_with(|| ("0".into(), now + Duration::from_secs(window_secs)));
        if entry.1 <= now {
            *entry = ("0".into(), now + Duration::from_secs(window_secs));
        }
        let count = entry.0.parse::<u64>().unwrap_or(0) + 1;
        entry.0 = count.to_string();
        let resets_in = entry.1.saturating_duration_since(now).as_secs_f64().ceil() as u64;
        Ok(Hit { count, resets_in: resets_in.max(1) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn claim_lifecycle() {
        let hot = MemoryHot::new(10);
        assert_eq!(hot.try_claim(1, "k").await.unwrap(), ClaimAttempt::Acquired);
        assert_eq!(hot.try_claim(1, "k").await.unwrap(), ClaimAttempt::InFlight);
        assert_eq!(hot.try_claim(2, "k").await.unwrap(), ClaimAttempt::Acquired);
        hot.release(1, "k").await.unwrap();
        assert_eq!(hot.try_claim(1, "k").await.unwrap(), ClaimAttempt::Acquired);
        hot.mark_taken(1, "k").await.unwrap();
        assert_eq!(hot.try_claim(1, "k").await.unwrap(), ClaimAttempt::Taken);
    }

    #[tokio::test]
    async fn values_expire_and_counters_count_per_window() {
        let hot = MemoryHot::new(10);
        hot.put("s", "v", 60).await.unwrap();
        assert_eq!(hot.get("s").await.unwrap().as_deref(), Some("v"));
        hot.put("old", "v", 0).await.unwrap();
        assert_eq!(hot.get("old").await.unwrap(), None);
        hot.delete("s").await.unwrap();
        assert_eq!(hot.get("s").await.unwrap(), None);
        assert_eq!(hot.hit("k", 60).await.unwrap(), Hit { count: 1, resets_in: 60 });
        assert_eq!(hot.hit("k", 60).await.unwrap().count, 2);
        assert_eq!(hot.count("k").await.unwrap(), 2);
        assert_eq!(hot.count("never").await.unwrap(), 0);
        assert_eq!(hot.hit("gone", 0).await.unwrap().count, 1);
        assert_eq!(hot.hit("gone", 0).await.unwrap().count, 1);
        hot.put("once", "v", 60).await.unwrap();
        assert_eq!(hot.take("once").await.unwrap().as_deref(), Some("v"));
        assert_eq!(hot.take("once").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_full_map_stops_caching_but_never_refuses() {
        let hot = MemoryHot::new(2);
        for key in ["a", "b", "c"] {
            assert_eq!(hot.try_claim(1, key).await.unwrap(), ClaimAttempt::Acquired);
        }
        assert_eq!(hot.try_claim(1, "c").await.unwrap(), ClaimAttempt::Acquired);
    }
}
