//! Device mode's identity: a random id in a cookie, signed so it cannot be forged into
//! someone else's. Anyone can clear cookies and start again — the captcha and the
//! per-address limits are what hold device mode back, and its ballots are a weaker class.

use rand::RngCore;

use crate::identity::{RespondentKey, Secret};

pub const COOKIE: &str = "mp_device";
/// A year: the cookie should outlive any campaign.
pub const MAX_AGE_SECS: i64 = 365 * 24 * 3600;

/// A device id, checked or new.
#[derive(Clone, PartialEq, Eq)]
pub struct Device {
    id: String,
    /// Whether the client has yet to be given the cookie.
    pub is_new: bool,
}

impl Device {
    /// The device a cookie names, if its signature holds.
    pub fn from_cookie(secret: &Secret, value: &str) -> Option<Self> {
        let (id, signature) = value.split_once('.')?;
        let valid =
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && signature == sign(secret, id);
        valid.then(|| Self { id: id.to_owned(), is_new: false })
    }

    pub fn new_random() -> Self {
        let mut raw = [0u8; 16];
        rand::rng().fill_bytes(&mut raw);
        Self { id: hex::encode(raw), is_new: true }
    }

    pub fn cookie_value(&self, secret: &Secret) -> String {
        format!("{}.{}", self.id, sign(secret, &self.id))
    }

    /// The respondent key of this device in every campaign.
    pub fn respondent_key(&self, secret: &Secret) -> RespondentKey {
        RespondentKey::device(&hex::encode(secret.keyed_hash("device", &self.id))[..32])
    }
}

fn sign(secret: &Secret, id: &str) -> String {
    hex::encode(&secret.keyed_hash("device-cookie", id)[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_cookie_names_its_device_and_a_forged_one_nothing() {
        let secret = Secret::for_tests();
        let device = Device::new_random();
        let value = device.cookie_value(&secret);
        let back = Device::from_cookie(&secret, &value).unwrap();
        assert!(!back.is_new);
        assert_eq!(back.respondent_key(&secret), device.respondent_key(&secret));
        let other = Device::new_random();
        let forged = format!("{}.{}", other.id, value.split_once('.').unwrap().1);
        assert!(Device::from_cookie(&secret, &forged).is_none());
        assert!(Device::from_cookie(&secret, "garbage").is_none());
    }
}
