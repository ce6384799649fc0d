//! The server secret behind every keyed hash. Without it, a copy of the database cannot
//! turn a token or phone number back into its row by guessing.

use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha2::Sha256;

#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Why the secret could not be had at start.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret must be at least 32 characters long")]
    TooShort,
    #[error("secret.key is not hex")]
    NotHex(#[source] hex::FromHexError),
    #[error("secret.key must hold 32 bytes")]
    WrongLength,
    #[error("cannot create {}", .0.display())]
    CreateDir(PathBuf, #[source] std::io::Error),
    #[error("cannot write {}", .0.display())]
    Write(PathBuf, #[source] std::io::Error),
}

impl Secret {
    /// From configuration: at least 32 characters.
    pub fn from_config(value: &str) -> Result<Self, SecretError> {
        if value.len() < 32 {
            return Err(SecretError::TooShort);
        }
        use sha2::Digest;
        Ok(Self(Sha256::digest(value.as_bytes()).into()))
    }

    /// Reads `secret.key` in the data directory, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, SecretError> {
        let path = data_dir.join("secret.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let bytes = hex::decode(text.trim()).map_err(SecretError::NotHex)?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::WrongLength)?;
            return Ok(Self(key));
        }
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        std::fs::create_dir_all(data_dir).map_err(|e| SecretError::CreateDir(data_dir.to_owned(), e))?;
        write_private(&path, hex::encode(key).as_bytes()).map_err(|e| SecretError::Write(path, e))?;
        Ok(Self(key))
    }

    /// HMAC-SHA256 of `value` under a purpose label, so that hashes made for one purpose
    /// never match those of another.
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    #[cfg(test)]
    pub fn for_tests() -> Self {
        Self([7; 32])
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = (std::fs::OpenOptions::new().write(true).create_new(true)).mode(0o600).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Secret::load_or_create(dir.path()).unwrap();
        let b = Secret::load_or_create(dir.path()).unwrap();
        assert_eq!(a.keyed_hash("x", "1"), b.keyed_hash("x", "1"));
    }

    #[test]
    fn purposes_are_separated() {
        let s = Secret::for_tests();
        assert_ne!(s.keyed_hash("token", "abc"), s.keyed_hash("phone", "abc"));
    }
}
