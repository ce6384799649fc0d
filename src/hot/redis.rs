//! Redis hot state for the scaled profile, shared by every instance.
//!
//! Keys carry the campaign in a hash tag (`mp:{c42}:…`) so that on Redis Cluster one
//! campaign's keys live together.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{ClaimAttempt, Hit, HotError, HotState, IN_FLIGHT_SECS, TAKEN_SECS};

const IN_FLIGHT: &str = "p";
const TAKEN: &str = "t";

pub struct RedisHot {
    conn: ConnectionManager,
    prefix: String,
}

impl RedisHot {
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            // A stalled Redis must not stall ballots: past this, requests go on to the database.
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(2);
        let conn = client.get_connection_manager_with_config(config).await?;
        Ok(Self { conn, prefix: prefix.to_owned() })
    }

    fn value_key(&self, key: &str) -> String {
        format!("{}kv:{key}", self.prefix)
    }

    fn claim_key(&self, campaign_id: i64, respondent_key: &str) -> String {
        format!("{}{{c{campaign_id}}}:claim:{respondent_key}", self.prefix)
    }
}

fn unavailable(e: redis::RedisError) -> HotError {
    HotError(e.to_string())
}

#[async_trait]
impl HotState for RedisHot {
    fn backend(&self) -> &'static str {
        "redis"
    }

    async fn ping(&self) -> Result<(), HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("PING").query_async::<String>(&mut conn).await.map_err(unavailable)?;
        Ok(())
    }

    async fn try_claim(&self, campaign_id: i64, respondent_key: &str) -> Result<ClaimAttempt, HotError> {
        let mut conn = self.conn.clone();
        // SET NX GET (Redis ≥ 7): sets the mark only if absent, and returns what was there,
        // in one round trip.
        let previous: Option<String> = redis::cmd("SET")
            .arg(self.claim_key(campaign_id, respondent_key))
            .arg(IN_FLIGHT)
            .arg("NX")
            .arg("GET")
            .arg("EX")
            .arg(IN_FLIGHT_SECS)
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(match previous.as_deref() {
            None => ClaimAttempt::Acquired,
            Some(TAKEN) => ClaimAttempt::Taken,
            Some(_) => ClaimAttempt::InFlight,
        })
    }

    async fn mark_taken(&self, campaign_id: i64, respondent_key: &str) -> Result<(), HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("SET")
            .arg(self.claim_key(campaign_id, respondent_key))
            .arg(TAKEN)
            .arg("EX")
            .arg(TAKEN_SECS)
            .query_async::<()>(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn release(&self, campaign_id: i64, respondent_key: &str) -> Result<(), HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("DEL")
            .arg(self.claim_key(campaign_id, respondent_key))
            .query_async::<()>(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn put(&self, key: &str, value: &str, ttl_secs: u64) -> Result<(), HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("SET")
            .arg(self.value_key(key))
            .arg(value)
            .arg("EX")
            .arg(ttl_secs.max(1))
            .query_async::<()>(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn get(&self, key: &str) -> Result<Option<String>, HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("GET").arg(self.value_key(key)).query_async(&mut conn).await.map_err(unavailable)
    }

    async fn delete(&self, key: &str) -> Result<(), HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("DEL").arg(self.value_key(key)).query_async::<()>(&mut conn).await.map_err(unavailable)
    }

    async fn take(&self, key: &str) -> Result<Option<String>, HotError> {
        let mut conn = self.conn.clone();
        redis::cmd("GETDEL").arg(self.value_key(key)).query_async(&mut conn).await.map_err(unavailable)
    }

    async fn count(&self, key: &str) -> Result<u64, HotError> {
        let mut conn = self.conn.clone();
        let value: Option<u64> =
            redis::cmd("GET").arg(self.value_key(key)).query_async(&mut conn).await.map_err(unavailable)?;
        Ok(value.unwrap_or(0))
    }

    async fn hit(&self, key: &str, window_secs: u64) -> Result<Hit, HotError> {
        let mut conn = self.conn.clone();
        let key = self.value_key(key);
        // INCR, start the window on the first hit only (EXPIRE NX, Redis ≥ 7), and read
        // what is left of it — one round trip.
        let (count, ttl): (u64, i64) = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(&key)
            .cmd("EXPIRE")
            .arg(&key)
            .arg(window_secs.max(1))
            .arg("NX")
            .ignore()
            .cmd("TTL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(Hit { count, resets_in: ttl.max(1) as u64 })
    }
}
