//! The second factor: TOTP (RFC 6238; SHA-1, 6 digits, 30-second steps, one step of skew —
//! what every authenticator app reads from an `otpauth://` QR code). The shared secret is
//! kept sealed (XChaCha20-Poly1305 under a key derived from the server secret, the account's
//! name as associated data), so a copy of the database holds no usable second factor.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use totp_rs::{Algorithm, Builder, Totp};

use crate::identity::Secret;

const ISSUER: &str = "minping";
const NONCE_LEN: usize = 24;
/// 160 bits, as RFC 4226 recommends.
const SECRET_LEN: usize = 20;

/// What an authenticator app needs, shown once at enrolment; only `sealed` is stored.
pub struct Enrolment {
    pub sealed: String,
    /// `otpauth://totp/minping:NAME?secret=…&issuer=minping`.
    pub uri: String,
    /// The secret in base32, for typing into an app that cannot scan.
    pub secret_base32: String,
    /// The URI as a QR code, an SVG document.
    pub qr_svg: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TotpError {
    #[error("the sealed second factor does not open: wrong secret, wrong account, or altered")]
    Unseal,
    #[error("the second factor cannot be made: {0}")]
    Build(String),
}

#[derive(Clone)]
pub struct SecondFactor {
    cipher: XChaCha20Poly1305,
}

impl SecondFactor {
    pub fn new(secret: &Secret) -> Self {
        let key = secret.keyed_hash("staff-totp-seal", "xchacha20poly1305");
        Self { cipher: XChaCha20Poly1305::new_from_slice(&key).expect("an HMAC-SHA256 is a 32-byte key") }
    }

    /// A fresh secret for `name`: sealed for storage, and its URI and QR code for the app.
    pub fn enrol(&self, name: &str) -> Result<Enrolment, TotpError> {
        let mut raw = vec![0u8; SECRET_LEN];
        rand::rng().fill_bytes(&mut raw);
        let totp = totp(raw.clone(), name)?;
        let uri = totp.to_url().map_err(|e| TotpError::Build(e.to_string()))?;
        let qr_svg = qrcode::QrCode::new(uri.as_bytes())
            .map_err(|e| TotpError::Build(e.to_string()))?
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build();
        Ok(Enrolment { sealed: self.seal(name, &raw), secret_base32: totp.secret().to_base32(), uri, qr_svg })
    }

    /// The step a code is good for at `now` (Unix seconds), or `None` when it is wrong.
    /// Accepting a step once is the caller's part (`sign_in`).
    pub fn check(&self, sealed: &str, name: &str, code: &str, now: u64) -> Result<Option<u64>, TotpError> {
        let raw = self.open(sealed, name)?;
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        Ok(totp(raw, name)?.check(&code, now))
    }

    fn seal(&self, name: &str, raw: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = aad(name);
        let sealed = (self.cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: raw, aad: &aad }))
            .expect("encryption of a short message cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    fn open(&self, sealed: &str, name: &str) -> Result<Vec<u8>, TotpError> {
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(sealed).map_err(|_| TotpError::Unseal)?;
        if bytes.len() <= NONCE_LEN {
            return Err(TotpError::Unseal);
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let aad = aad(name);
        (self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: &aad }))
            .map_err(|_| TotpError::Unseal)
    }
}

fn aad(name: &str) -> Vec<u8> {
    format!("staff-totp:{name}").into_bytes()
}

fn totp(raw: Vec<u8>, name: &str) -> Result<Totp, TotpError> {
    // The otpauth label may not hold a colon; names have no spaces but could hold one.
    let account = name.replace(':', "_");
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(raw)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| TotpError::Build(e.to_string()))
}

/// The code an app shows for `uri` at `now`: for tests and for checking an enrolment.
pub fn code_for(uri: &str, now: u64) -> Option<String> {
    Some(Totp::from_url(uri).ok()?.generate(now).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolled_code_checks_once_per_step_and_only_for_its_account() {
        let factor = SecondFactor::new(&Secret::for_tests());
        let e = factor.enrol("zhang").unwrap();
        assert!(e.uri.starts_with("otpauth://totp/minping:zhang?"), "{}", e.uri);
        assert!(e.qr_svg.contains("<svg"));
        assert!(!e.sealed.contains(&e.secret_base32), "sealed, not in clear");
        let now = 1_800_000_000;
        let code = code_for(&e.uri, now).unwrap();
        assert_eq!(code.len(), 6);
        assert_eq!(factor.check(&e.sealed, "zhang", &code, now).unwrap(), Some(now / 30));
        assert_eq!(
            factor.check(&e.sealed, "zhang", &code, now + 30).unwrap(),
            Some(now / 30),
            "one step of skew"
        );
        assert_eq!(factor.check(&e.sealed, "zhang", &code, now + 300).unwrap(), None);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(factor.check(&e.sealed, "zhang", wrong, now).unwrap(), None);
        assert!(factor.check(&e.sealed, "li", &code, now).is_err(), "sealed to its account");
    }
}
