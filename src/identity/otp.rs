//! SMS one-time codes. A code is bound to its number and campaign, lives a few minutes,
//! takes a few wrong tries, and is voided by a newer one. Once right, the number stays
//! verified long enough to rate every unit. Codes are kept only as keyed hashes.

use rand::Rng;

use crate::hot::{HotError, HotState};
use crate::identity::{RespondentKey, Secret};

use crate::guard::limits::Limits;

/// A number's key in hot state and in the claims table: a keyed hash, never the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberKey(String);

impl NumberKey {
    pub fn new(phone_hash: &[u8]) -> Self {
        Self(hex::encode(&phone_hash[..16]))
    }

    /// The respondent key a member of the public claims with this number.
    pub fn respondent_key(&self) -> RespondentKey {
        RespondentKey::phone(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("wrong code; {tries_left} tries left")]
    Wrong { tries_left: u64 },
    #[error("no code is live for this number: expired, voided, or never sent")]
    Expired,
    #[error(transparent)]
    Hot(#[from] HotError),
}

pub struct Codes<'a> {
    pub hot: &'a dyn HotState,
    pub secret: &'a Secret,
    pub limits: &'a Limits,
}

impl Codes<'_> {
    /// Makes a new code for the number, voiding any earlier one, and returns it for sending.
    pub async fn issue(&self, campaign_id: i64, number: &NumberKey) -> Result<String, HotError> {
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
        let nonce = format!("{:016x}", rand::rng().random::<u64>());
        let record = format!("{nonce}.{}", self.hash(&nonce, &code));
        self.hot.put(&code_key(campaign_id, number), &record, self.limits.otp_ttl_secs).await?;
        self.hot.delete(&verified_key(campaign_id, number)).await?;
        Ok(code)
    }

    /// Checks a code. Right: the number is verified (for `verified_ttl_secs`) and the
    /// answer is when that first happened (Unix ms). Every wrong try counts, atomically
    /// across instances; past `otp_max_tries` the code is void, even for the right answer.
    pub async fn verify(&self, campaign_id: i64, number: &NumberKey, code: &str) -> Result<i64, OtpError> {
        let code = code.trim();
        let verified = verified_key(campaign_id, number);
        if let Some(record) = self.hot.get(&verified).await? {
            // Already verified: the same code again (the ballot after the check) is fine.
            if let Some((nonce, rest)) = record.split_once('.') {
                if let Some((hash, at)) = rest.split_once('.') {
                    if self.hash(nonce, code) == hash {
                        return Ok(at.parse().unwrap_or(0));
                    }
                }
            }
        }
        let key = code_key(campaign_id, number);
        let record = self.hot.get(&key).await?.ok_or(OtpError::Expired)?;
        let (nonce, hash) = record.split_once('.').ok_or(OtpError::Expired)?;
        let tries = self.hot.hit(&tries_key(campaign_id, number, nonce), self.limits.otp_ttl_secs).await?;
        let max = self.limits.otp_max_tries;
        if tries.count > max {
            self.hot.delete(&key).await?;
            return Err(OtpError::Expired);
        }
        if self.hash(nonce, code) != hash {
            if tries.count == max {
                self.hot.delete(&key).await?;
            }
            return Err(OtpError::Wrong { tries_left: max - tries.count });
        }
        let now = crate::clock::now_unix_ms();
        let record = format!("{nonce}.{hash}.{now}");
        self.hot.put(&verified, &record, self.limits.verified_ttl_secs).await?;
        self.hot.delete(&key).await?;
        Ok(now)
    }

    fn hash(&self, nonce: &str, code: &str) -> String {
        hex::encode(&self.secret.keyed_hash("otp", &format!("{nonce}:{code}"))[..16])
    }
}

fn code_key(campaign_id: i64, number: &NumberKey) -> String {
    format!("otp:{campaign_id}:{}", number.0)
}

fn tries_key(campaign_id: i64, number: &NumberKey, nonce: &str) -> String {
    format!("otp-tries:{campaign_id}:{}:{nonce}", number.0)
}

fn verified_key(campaign_id: i64, number: &NumberKey) -> String {
    format!("otp-ok:{campaign_id}:{}", number.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hot::memory::MemoryHot;
    use crate::identity::PhoneNumber;

    fn setup() -> (MemoryHot, Secret, Limits, NumberKey) {
        let secret = Secret::for_tests();
        let number = NumberKey::new(&PhoneNumber::parse("13800138000").unwrap().keyed_hash(&secret));
        (MemoryHot::new(1000), secret, Limits::default(), number)
    }

    fn wrong(code: &str) -> String {
        format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
    }

    #[tokio::test]
    async fn the_sixth_try_is_refused_even_when_right() {
        let (hot, secret, limits, number) = setup();
        let codes = Codes { hot: &hot, secret: &secret, limits: &limits };
        let code = codes.issue(1, &number).await.unwrap();
        for left in (0..5).rev() {
            assert_eq!(
                codes.verify(1, &number, &wrong(&code)).await,
                Err(OtpError::Wrong { tries_left: left })
            );
        }
        assert_eq!(codes.verify(1, &number, &code).await, Err(OtpError::Expired));
    }

    #[tokio::test]
    async fn a_right_code_verifies_the_number_for_the_ballot_that_follows() {
        let (hot, secret, limits, number) = setup();
        let codes = Codes { hot: &hot, secret: &secret, limits: &limits };
        let code = codes.issue(1, &number).await.unwrap();
        let at = codes.verify(1, &number, &wrong(&code)).await;
        assert_eq!(at, Err(OtpError::Wrong { tries_left: 4 }));
        let first = codes.verify(1, &number, &code).await.unwrap();
        // The ballot sends the same code again, later: still good, same start time.
        assert_eq!(codes.verify(1, &number, &code).await.unwrap(), first);
        // Not for another campaign, and not with another code.
        assert_eq!(codes.verify(2, &number, &code).await, Err(OtpError::Expired));
        assert_eq!(codes.verify(1, &number, &wrong(&code)).await, Err(OtpError::Expired));
    }

    #[tokio::test]
    async fn a_new_code_voids_the_old_one() {
        let (hot, secret, limits, number) = setup();
        let codes = Codes { hot: &hot, secret: &secret, limits: &limits };
        let old = codes.issue(1, &number).await.unwrap();
        let new = loop {
            let new = codes.issue(1, &number).await.unwrap();
            if new != old {
                break new;
            }
        };
        assert!(matches!(codes.verify(1, &number, &old).await, Err(OtpError::Wrong { .. })));
        assert!(codes.verify(1, &number, &new).await.is_ok());
    }

    #[tokio::test]
    async fn codes_expire() {
        let (hot, secret, _, number) = setup();
        let limits = Limits { otp_ttl_secs: 0, ..Limits::default() };
        let codes = Codes { hot: &hot, secret: &secret, limits: &limits };
        let code = codes.issue(1, &number).await.unwrap();
        assert_eq!(codes.verify(1, &number, &code).await, Err(OtpError::Expired));
    }
}
