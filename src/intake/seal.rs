//! Sealing a ballot between its commit and the mix: XChaCha20-Poly1305 under a key derived
//! from the server secret, a random nonce per ballot, and the campaign as associated data
//! (a sealed ballot moved to another campaign does not open). Whoever reads the database
//! or its files without the secret sees only ciphertext next to the claims.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::identity::Secret;
use crate::store::BallotContent;

const NONCE_LEN: usize = 24;
/// Plaintext is padded (with JSON whitespace) to a multiple of this, so that a sealed row's
/// size — stored with the claim — does not say which content row it became. Almost every
/// ballot fits one block; one with long reasons on many units takes more, and its size
/// says that much (docs/ANONYMITY.md).
const BLOCK: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("a sealed ballot does not open: wrong secret, wrong campaign, or altered")]
    Open,
    #[error("a sealed ballot opened to something that is not a ballot: {0}")]
    Content(#[from] serde_json::Error),
}

#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    pub fn new(secret: &Secret) -> Self {
        let key = secret.keyed_hash("ballot-seal", "xchacha20poly1305");
        Self { cipher: XChaCha20Poly1305::new_from_slice(&key).expect("an HMAC-SHA256 is a 32-byte key") }
    }

    /// The nonce followed by the ciphertext of the content's JSON.
    pub fn seal(&self, campaign_id: i64, content: &BallotContent) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut plain = serde_json::to_vec(content).expect("a ballot's content serialises");
        plain.resize(plain.len().div_ceil(BLOCK).max(1) * BLOCK, b' ');
        let aad = campaign_id.to_be_bytes();
        let sealed = (self.cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad }))
            .expect("encryption of a short message cannot fail");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, campaign_id: i64, sealed: &[u8]) -> Result<BallotContent, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let aad = campaign_id.to_be_bytes();
        let plain = (self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: &aad }))
            .map_err(|_| SealError::Open)?;
        Ok(serde_json::from_slice(&plain)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> BallotContent {
        BallotContent {
            class: "panel".into(),
            segment: Some("人大代表".into()),
            district: Some("城关区".into()),
            ratings: "012-".into(),
            reasons: Some(r#"{"A01":"窗口排队太久"}"#.into()),
            suggestion: None,
            flagged: false,
        }
    }

    #[test]
    fn a_sealed_ballot_opens_only_with_its_secret_and_campaign() {
        let sealer = Sealer::new(&Secret::for_tests());
        let sealed = sealer.seal(7, &content());
        assert_eq!(sealer.open(7, &sealed).unwrap(), content());
        assert!(matches!(sealer.open(8, &sealed), Err(SealError::Open)), "another campaign");
        let other = Sealer::new(&Secret::from_config(&"x".repeat(32)).unwrap());
        assert!(matches!(other.open(7, &sealed), Err(SealError::Open)), "another secret");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(matches!(sealer.open(7, &altered), Err(SealError::Open)), "one bit changed");
    }

    #[test]
    fn the_ciphertext_shows_nothing_of_the_content() {
        let sealed = Sealer::new(&Secret::for_tests()).seal(7, &content());
        let text = String::from_utf8_lossy(&sealed);
        for needle in ["panel", "城关区", "012-", "窗口"] {
            assert!(!text.contains(needle), "{needle} in the ciphertext");
        }
        // A fresh nonce every time: the same ballot seals differently.
        assert_ne!(sealed, Sealer::new(&Secret::for_tests()).seal(7, &content()));
    }

    #[test]
    fn sealed_ballots_have_the_same_size_whatever_they_say() {
        let sealer = Sealer::new(&Secret::for_tests());
        let mut short = content();
        (short.reasons, short.segment, short.district) = (None, None, None);
        let mut long = content();
        long.suggestion = Some("建议".repeat(250));
        let sizes: Vec<usize> = [short, content(), long].iter().map(|c| sealer.seal(7, c).len()).collect();
        assert!(sizes.iter().all(|s| *s == sizes[0]), "{sizes:?}");
        assert_eq!(sealer.open(7, &sealer.seal(7, &content())).unwrap(), content(), "the padding reads back");
    }
}
