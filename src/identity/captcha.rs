//! Image captchas, self-hosted: a public SMS is never sent to a client that has not read
//! one. Images cost ~3.5 ms of CPU each, so they are drawn ahead of time, off the async
//! workers, and handed out from a pool; the answer lives in hot state and works once, kept
//! as a keyed hash of the captcha's id and answer, so that whoever reads Redis (or a dump of
//! it) cannot answer the captchas in flight.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use captcha::filters::{Dots, Noise, Wave};
use captcha::Captcha;
use rand::RngCore;

use crate::hot::{HotError, HotState};
use crate::identity::Secret;

/// Characters that cannot be mistaken for each other (no 0/O, 1/I/l, 2/Z, 5/S, 8/B, …).
const CHARS: &[char] = &[
    '3', '4', '6', '7', '9', 'A', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'M', 'N', 'P', 'Q', 'R', 'T', 'U',
    'V', 'W', 'X', 'Y',
];
/// Pictures kept ready, and drawn per refill: the pool grows with demand and no further,
/// so an idle server (or a test) does not spend seconds drawing pictures nobody asks for.
const POOL: usize = 256;
const REFILL: usize = 16;

/// Which picture: the usual one, or a larger, clearer one for people who find it hard to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Normal,
    Large,
}

struct Drawn {
    answer: String,
    png: Vec<u8>,
}

fn draw(size: Size) -> Drawn {
    let mut c = Captcha::new();
    c.set_chars(CHARS);
    match size {
        Size::Normal => {
            c.add_chars(5).apply_filter(Noise::new(0.15)).apply_filter(Wave::new(2.0, 8.0)).view(220, 120);
            c.apply_filter(Dots::new(8).max_radius(5).min_radius(2));
        }
        Size::Large => {
            c.add_chars(4).apply_filter(Noise::new(0.03));
            // The canvas is cut around the text's centre, which must leave room on the left.
            let area = c.text_area();
            let width = 300.min(area.left + area.right - 2);
            c.view(width, 140);
        }
    }
    let (answer, png) = c.as_tuple().expect("a captcha encodes to PNG");
    Drawn { answer, png }
}

/// An issued captcha: its id and picture; the answer stays in hot state.
pub struct Issued {
    pub id: String,
    pub png: Vec<u8>,
    /// For load tests only (the server must be started with the load-test flag to show it).
    pub answer: String,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaptchaError {
    #[error("no such captcha: unknown, used or expired")]
    Expired,
    #[error("the captcha answer is wrong")]
    Wrong,
    #[error(transparent)]
    Hot(#[from] HotError),
}

#[derive(Clone)]
pub struct Captchas {
    inner: Arc<Inner>,
    ttl_secs: u64,
    secret: Secret,
}

struct Inner {
    normal: Mutex<Vec<Drawn>>,
    large: Mutex<Vec<Drawn>>,
    refilling: AtomicBool,
}

impl Captchas {
    pub fn new(ttl_secs: u64, secret: Secret) -> Self {
        let inner =
            Inner { normal: Mutex::default(), large: Mutex::default(), refilling: AtomicBool::new(false) };
        Self { inner: Arc::new(inner), ttl_secs, secret }
    }

    /// What hot state keeps of an answer: bound to its captcha, case folded.
    fn answer_hash(&self, id: &str, answer: &str) -> String {
        hex::encode(
            self.secret.keyed_hash("captcha-answer", &format!("{id}\0{}", answer.to_ascii_uppercase())),
        )
    }

    /// Draws a new captcha and keeps its answer for one use.
    pub async fn issue(&self, hot: &dyn HotState, size: Size) -> Result<Issued, HotError> {
        // Taken out first: the pool's lock must never be held across an await (a worker
        // blocked on it could never resume the task that holds it).
        let pooled = self.pool(size).lock().expect("captcha pool").pop();
        let drawn = match pooled {
            Some(drawn) => drawn,
            None => tokio::task::spawn_blocking(move || draw(size)).await.expect("drawing a captcha"),
        };
        self.refill_soon();
        let mut raw = [0u8; 16];
        rand::rng().fill_bytes(&mut raw);
        let id = hex::encode(raw);
        let value = format!("{}.{}", self.answer_hash(&id, &drawn.answer), crate::clock::now_unix_ms());
        hot.put(&key(&id), &value, self.ttl_secs).await?;
        Ok(Issued { id, png: drawn.png, answer: drawn.answer })
    }

    /// Checks an answer; the captcha is used up whatever the answer. Returns when it was
    /// issued (Unix ms), a lower bound on when the person began.
    pub async fn check(&self, hot: &dyn HotState, id: &str, answer: &str) -> Result<i64, CaptchaError> {
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CaptchaError::Expired);
        }
        let stored = hot.take(&key(id)).await?.ok_or(CaptchaError::Expired)?;
        let (expected, issued) = stored.split_once('.').ok_or(CaptchaError::Expired)?;
        let given: String = answer.chars().filter(|c| !c.is_whitespace()).collect();
        if self.answer_hash(id, &given) == expected {
            Ok(issued.parse().unwrap_or(0))
        } else {
            Err(CaptchaError::Wrong)
        }
    }

    fn pool(&self, size: Size) -> &Mutex<Vec<Drawn>> {
        match size {
            Size::Normal => &self.inner.normal,
            Size::Large => &self.inner.large,
        }
    }

    /// Tops the pools up on a blocking thread when they run low; one refill at a time.
    fn refill_soon(&self) {
        let low = self.inner.normal.lock().expect("captcha pool").len() < POOL / 2
            || self.inner.large.lock().expect("captcha pool").len() < POOL / 8;
        if !low || self.inner.refilling.swap(true, Ordering::AcqRel) {
            return;
        }
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            for (pool, size, target) in
                [(&inner.normal, Size::Normal, POOL), (&inner.large, Size::Large, POOL / 4)]
            {
                for _ in 0..REFILL {
                    // Stops when full, or when the service has gone (only this task holds the pools).
                    if Arc::strong_count(&inner) == 1 || pool.lock().expect("captcha pool").len() >= target {
                        break;
                    }
                    let drawn = draw(size);
                    pool.lock().expect("captcha pool").push(drawn);
                }
            }
            inner.refilling.store(false, Ordering::Release);
        });
    }
}

fn key(id: &str) -> String {
    format!("captcha:{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hot::memory::MemoryHot;

    #[test]
    fn pictures_are_small_pngs_of_unambiguous_characters() {
        for size in [Size::Normal, Size::Large] {
            let drawn = draw(size);
            assert!(drawn.png.starts_with(b"\x89PNG"), "a PNG");
            assert!(drawn.png.len() < 40_000, "{} bytes", drawn.png.len());
            assert!(drawn.answer.chars().all(|c| CHARS.contains(&c)), "{}", drawn.answer);
        }
    }

    #[tokio::test]
    async fn an_answer_works_once_and_case_does_not_matter() {
        let hot = MemoryHot::new(100);
        let captchas = Captchas::new(60, Secret::for_tests());
        let issued = captchas.issue(&hot, Size::Normal).await.unwrap();
        let answer = issued.answer.to_lowercase();
        assert!(captchas.check(&hot, &issued.id, &answer).await.unwrap() > 0);
        assert_eq!(captchas.check(&hot, &issued.id, &answer).await, Err(CaptchaError::Expired));
    }

    #[tokio::test]
    async fn hot_state_keeps_no_answer_in_clear() {
        let hot = MemoryHot::new(100);
        let captchas = Captchas::new(60, Secret::for_tests());
        let issued = captchas.issue(&hot, Size::Normal).await.unwrap();
        let stored = hot.get(&key(&issued.id)).await.unwrap().unwrap();
        let (kept, _) = stored.split_once('.').unwrap();
        assert_eq!(kept.len(), 64);
        assert!(!kept.to_ascii_uppercase().contains(&issued.answer), "{stored}");
        assert!(captchas.check(&hot, &issued.id, &issued.answer).await.is_ok());
    }

    #[tokio::test]
    async fn a_wrong_answer_uses_the_captcha_up() {
        let hot = MemoryHot::new(100);
        let captchas = Captchas::new(60, Secret::for_tests());
        let issued = captchas.issue(&hot, Size::Large).await.unwrap();
        assert_eq!(captchas.check(&hot, &issued.id, "nope").await, Err(CaptchaError::Wrong));
        assert_eq!(captchas.check(&hot, &issued.id, &issued.answer).await, Err(CaptchaError::Expired));
        assert_eq!(captchas.check(&hot, "not-an-id", "x").await, Err(CaptchaError::Expired));
    }

    /// Many captchas at once from an empty pool, on one thread: a lock held across an await
    /// would deadlock here.
    #[tokio::test(flavor = "current_thread")]
    async fn a_burst_of_captchas_from_an_empty_pool_is_served() {
        let hot = MemoryHot::new(1000);
        let captchas = Captchas::new(60, Secret::for_tests());
        let issued = futures_util::future::join_all((0..24).map(|_| captchas.issue(&hot, Size::Normal)));
        let issued =
            tokio::time::timeout(std::time::Duration::from_secs(60), issued).await.expect("no deadlock");
        assert!(issued.iter().all(Result::is_ok));
    }

    #[tokio::test]
    async fn an_expired_captcha_is_refused() {
        let hot = MemoryHot::new(100);
        let captchas = Captchas::new(0, Secret::for_tests());
        let issued = captchas.issue(&hot, Size::Normal).await.unwrap();
        assert_eq!(captchas.check(&hot, &issued.id, &issued.answer).await, Err(CaptchaError::Expired));
    }
}
