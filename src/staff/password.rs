//! Passwords: a policy (length and a strength estimate that refuses common and guessable
//! ones), argon2id with the crate's default parameters stored as PHC strings, and a bound
//! on how many hashes run at once.

use std::sync::{Mutex, OnceLock};

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 12;
/// The lowest zxcvbn score taken (0–4): 3 is "safely unguessable" (about 10^10 guesses).
const MIN_SCORE: u8 = 3;

/// Why a password is refused; the words people read are in the message catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("a password needs at least {MIN_LENGTH} characters")]
    TooShort,
    /// The strength estimate finds it guessable: a common password, a keyboard row, a
    /// repeated pattern, a date, or the account's own name.
    #[error("the password is too easy to guess ({0})")]
    Guessable(Guessable),
}

/// What the strength estimate found, as far as the catalogue says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guessable {
    Common,
    Keyboard,
    Repeats,
    Sequence,
    Dates,
    Names,
    Other,
}

impl std::fmt::Display for Guessable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Common => "a common password",
            Self::Keyboard => "a keyboard pattern",
            Self::Repeats => "repeats",
            Self::Sequence => "a sequence",
            Self::Dates => "a date or year",
            Self::Names => "a name, or the account's own",
            Self::Other => "low estimated strength",
        })
    }
}

/// Checks a new password for the account `name`.
pub fn check(password: &str, name: &str) -> Result<(), WeakPassword> {
    if password.chars().count() < MIN_LENGTH {
        return Err(WeakPassword::TooShort);
    }
    let estimate = zxcvbn::zxcvbn(password, &[name, "minping", "民评", "admin"]);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return Ok(());
    }
    use zxcvbn::feedback::Warning as W;
    let why = match estimate.feedback().and_then(|f| f.warning()) {
        Some(W::ThisIsATop10Password | W::ThisIsATop100Password | W::ThisIsACommonPassword)
        | Some(W::ThisIsSimilarToACommonlyUsedPassword | W::AWordByItselfIsEasyToGuess) => Guessable::Common,
        Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => {
            Guessable::Keyboard
        }
        Some(W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess) => {
            Guessable::Repeats
        }
        Some(W::SequencesLikeAbcAreEasyToGuess) => Guessable::Sequence,
        Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => Guessable::Dates,
        Some(W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess) => {
            Guessable::Names
        }
        _ => Guessable::Other,
    };
    Err(WeakPassword::Guessable(why))
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error(transparent)]
    Weak(#[from] WeakPassword),
    #[error(transparent)]
    Hash(#[from] argon2::password_hash::Error),
    #[error("the password hash did not finish")]
    Interrupted(#[from] tokio::task::JoinError),
}

/// Checks the policy for `name`, then hashes.
pub fn hash_new(password: &str, name: &str) -> Result<String, PasswordError> {
    check(password, name)?;
    Ok(hash(password)?)
}

/// Hashes without the policy (a generated password, the decoy).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default().hash_password(password.as_bytes())?.to_string())
}

pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// The largest argon2 memory a stored hash may ask for (64 MiB; the default is 19 MiB): a
/// hash with more is refused rather than allowed to take the process's memory.
const MAX_BLOCKS: usize = 64 * 1024;

/// Each argon2 hash needs about 19 MiB for its time. Two hundred sign-ins at once took
/// gigabytes; and even one at a time, memory freed on one blocking thread was kept by the
/// allocator for that thread (measured: +19 MiB per new thread, never returned). So at most
/// this many hashes run at once, the rest queue in order, and each runs in memory taken from
/// a pool that is allocated once and reused: the bound is permits × 19 MiB, whatever comes.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores.clamp(2, 4))
    })
}

/// Argon2 working memory, one per permit, reused.
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// [`verify`] off the async workers, queued behind the bound on concurrent hashes, in
/// pooled memory.
pub async fn verify_queued(password: &str, stored: String) -> Result<bool, tokio::task::JoinError> {
    let _permit = permits().acquire().await.expect("the semaphore is never closed");
    let attempt = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut memory = MEMORY.lock().expect("argon2 memory pool").pop().unwrap_or_default();
        let matches = verify_in(&attempt, &stored, &mut memory);
        MEMORY.lock().expect("argon2 memory pool").push(memory);
        matches
    })
    .await
}

/// [`verify`], in the caller's working memory (grown to the hash's size, then kept).
fn verify_in(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else { return false };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else { return false };
    let Ok(params) = Params::try_from(&parsed) else { return false };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return false;
    }
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let salt: &[u8] = salt;
    argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks]).is_ok()
        // `Output`'s comparison takes constant time.
        && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

/// [`hash_new`] off the async workers, queued like [`verify_queued`].
pub async fn hash_new_queued(password: &str, name: &str) -> Result<String, PasswordError> {
    check(password, name)?;
    let _permit = permits().acquire().await.expect("the semaphore is never closed");
    let password = password.to_owned();
    Ok(tokio::task::spawn_blocking(move || hash(&password)).await??)
}

/// A hash of nothing anyone knows, to verify against when the user does not exist, so that
/// a wrong name takes as long to refuse as a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash(&generate()).expect("a generated password hashes"))
}

/// 16 characters from an alphabet without look-alikes: about 80 bits.
pub fn generate() -> String {
    crate::domain::receipt::random_code(16).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let stored = hash_new("correct horse battery staple", "zhang").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery staple", &stored));
        assert!(!verify("correct horse battery stapl", &stored));
        assert!(!verify("x", "not a hash"));
        let mut memory = Vec::new();
        assert!(verify_in("correct horse battery staple", &stored, &mut memory));
        assert!(!verify_in("correct horse battery stapl", &stored, &mut memory));
        assert!(!verify_in("x", "not a hash", &mut memory));
        assert_eq!(memory.len(), 19 * 1024, "the default's 19 MiB, kept for the next");
    }

    #[test]
    fn short_common_and_guessable_passwords_are_refused() {
        assert_eq!(check("Tr0ub4dor&3", "zhang"), Err(WeakPassword::TooShort));
        for weak in ["1234567890ab", "123456789012", "qwertyuiopas", "password1234", "aaaaaaaaaaaa"] {
            assert!(matches!(check(weak, "zhang"), Err(WeakPassword::Guessable(_))), "{weak} was taken");
        }
        assert!(check("zhangzhang2026", "zhangzhang").is_err(), "the account's own name");
        for strong in ["correct horse battery staple", "民评-督查办-Lq7v-2xNw", &generate()] {
            assert_eq!(check(strong, "zhang"), Ok(()), "{strong}");
        }
    }
}
