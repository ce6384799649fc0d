//! The ballot writer: an in-process group commit.
//!
//! Handlers hand their ballot to one writer task and wait. The task takes whatever has
//! queued up (up to `max_batch`, waiting at most `max_wait` for a batch to fill), commits
//! it in one transaction, and only then answers each waiting handler. A durable commit
//! costs about the same for one ballot as for five hundred, so under load the batches
//! grow and the cost per ballot falls, while a lone ballot waits a millisecond at most.
//!
//! On PostgreSQL a few batches commit side by side (`BallotStore::parallel_batches`): while one
//! waits for its fsync the next is already written. Batches take their rows in one order
//! (claims by key, ballots by receipt, counters sorted), so they cannot deadlock. SQLite
//! has one writer at a time anyway: there, one batch.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch, Mutex, Semaphore};
use tokio::task::JoinHandle;

use crate::store::{BallotStore, Commit, PendingBallot, StoreError};

#[derive(Debug, Clone)]
pub struct WriterConfig {
    pub max_batch: usize,
    pub max_wait: Duration,
    /// Ballots waiting beyond this are refused (503) rather than queued without bound.
    pub queue: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self { max_batch: 512, max_wait: Duration::from_millis(1), queue: 16_384 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the ballot could not be stored")]
    Store(#[source] Arc<StoreError>),
    #[error("the ballot writer is busy; the queue is full")]
    Busy,
    #[error("the ballot writer has stopped")]
    Stopped,
}

struct Job {
    ballot: PendingBallot,
    reply: oneshot::Sender<Result<Commit, WriteError>>,
}

/// A handle to the writer task; cheap to clone into every worker.
#[derive(Clone)]
pub struct BallotWriter {
    jobs: mpsc::Sender<Job>,
    stop: Arc<watch::Sender<bool>>,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl BallotWriter {
    /// Starts the writer task. It needs only the ballot role: an `Arc<dyn Store>` coerces.
    pub fn spawn(store: Arc<dyn BallotStore>, config: WriterConfig) -> Self {
        let (jobs, queue) = mpsc::channel(config.queue);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(store, queue, stopped, config));
        Self { jobs, stop: Arc::new(stop), task: Arc::new(Mutex::new(Some(task))) }
    }

    /// Waits until the ballot is committed (or refused as a duplicate).
    pub async fn submit(&self, ballot: PendingBallot) -> Result<Commit, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.try_send(Job { ballot, reply }).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => WriteError::Busy,
            mpsc::error::TrySendError::Closed(_) => WriteError::Stopped,
        })?;
        answer.await.unwrap_or(Err(WriteError::Stopped))
    }

    /// Refuses new ballots, commits every queued one, and waits for the task to end.
    pub async fn shutdown(&self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.lock().await.take() {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "the ballot writer task failed");
            }
        }
    }
}

async fn run(
    store: Arc<dyn BallotStore>,
    mut queue: mpsc::Receiver<Job>,
    mut stopped: watch::Receiver<bool>,
    config: WriterConfig,
) {
    let parallel = store.parallel_batches().max(1);
    let slots = Arc::new(Semaphore::new(parallel));
    loop {
        let first = tokio::select! {
            biased;
            job = queue.recv() => job,
            // Close the queue: senders now fail fast, and what is queued still drains.
            _ = stop_requested(&mut stopped) => {
                queue.close();
                queue.recv().await
            }
        };
        let Some(first) = first else { break };
        let mut jobs = vec![first];
        let deadline = tokio::time::Instant::now() + config.max_wait;
        while jobs.len() < config.max_batch {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    match tokio::time::timeout_at(deadline, queue.recv()).await {
                        Ok(Some(job)) => jobs.push(job),
                        Ok(None) | Err(_) => break,
                    }
                }
            }
        }
        // Waits for a free slot before taking the next batch, so batches never pile up.
        let slot = slots.clone().acquire_owned().await.expect("the writer's semaphore is never closed");
        let store = store.clone();
        tokio::spawn(async move {
            commit(store.as_ref(), jobs).await;
            drop(slot);
        });
    }
    // Every batch in flight has answered before the writer says it has drained.
    let _ = slots.acquire_many(parallel as u32).await;
    tracing::info!("ballot writer drained and stopped");
}

async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    // An error means the handle is gone: nobody can send ballots any more either.
    let _ = stopped.wait_for(|&stop| stop).await.map(|_| ());
}

async fn commit(store: &dyn BallotStore, jobs: Vec<Job>) {
    let (ballots, replies): (Vec<_>, Vec<_>) = jobs.into_iter().map(|j| (j.ballot, j.reply)).unzip();
    let started = Instant::now();
    let result = store.commit_batch(&ballots).await;
    metrics::histogram!("minping_writer_commit_seconds").record(started.elapsed().as_secs_f64());
    metrics::histogram!("minping_writer_batch_size").record(ballots.len() as f64);
    match result {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // A handler that went away (client disconnected) still had its ballot counted.
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(e) => {
            tracing::error!(error = ?e, batch = ballots.len(), "a ballot batch failed to commit");
            metrics::counter!("minping_writer_failed_batches_total").increment(1);
            let e = Arc::new(e);
            for reply in replies {
                let _ = reply.send(Err(WriteError::Store(e.clone())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::domain::campaign::tests::small_definition;
    use crate::domain::RespondentKey;
    use crate::domain::*;
    use crate::store::batch::tests::pending;
    use crate::store::Result;

    /// A store that counts commits and can be told to fail.
    #[derive(Default)]
    struct FakeStore {
        batches: AtomicUsize,
        ballots: AtomicUsize,
        fail: bool,
    }

    #[async_trait]
    impl BallotStore for FakeStore {
        async fn is_claimed(&self, _: i64, _: &RespondentKey) -> Result<bool> {
            Ok(false)
        }
        async fn commit_batch(&self, batch: &[PendingBallot]) -> Result<Vec<Commit>> {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if self.fail {
                return Err(StoreError::Unavailable(sqlx::Error::PoolTimedOut));
            }
            self.batches.fetch_add(1, Ordering::SeqCst);
            self.ballots.fetch_add(batch.len(), Ordering::SeqCst);
            Ok(vec![Commit::Counted; batch.len()])
        }
        async fn receipt_campaign(&self, _: &Receipt) -> Result<Option<String>> {
            Ok(None)
        }
    }

    fn campaign() -> Arc<Campaign> {
        Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap())
    }

    #[tokio::test]
    async fn concurrent_ballots_share_commits() {
        let store = Arc::new(FakeStore::default());
        let writer = BallotWriter::spawn(store.clone(), WriterConfig::default());
        let c = campaign();
        let submits = (0..200).map(|i| {
            let (writer, p) = (writer.clone(), pending(&c, &format!("{i}")));
            tokio::spawn(async move { writer.submit(p).await })
        });
        for s in futures_util::future::join_all(submits).await {
            assert_eq!(s.unwrap().unwrap(), Commit::Counted);
        }
        assert_eq!(store.ballots.load(Ordering::SeqCst), 200);
        assert!(store.batches.load(Ordering::SeqCst) < 200, "ballots were grouped");
        writer.shutdown().await;
    }

    #[tokio::test]
    async fn a_failed_commit_answers_every_waiter() {
        let store = Arc::new(FakeStore { fail: true, ..Default::default() });
        let writer = BallotWriter::spawn(store, WriterConfig::default());
        let result = writer.submit(pending(&campaign(), "1")).await;
        assert!(matches!(result, Err(WriteError::Store(_))));
        writer.shutdown().await;
    }

    #[tokio::test]
    async fn shutdown_drains_the_queue_then_refuses() {
        let store = Arc::new(FakeStore::default());
        let writer = BallotWriter::spawn(store.clone(), WriterConfig::default());
        let c = campaign();
        let waiting: Vec<_> = (0..50)
            .map(|i| {
                let (writer, p) = (writer.clone(), pending(&c, &format!("{i}")));
                tokio::spawn(async move { writer.submit(p).await })
            })
            .collect();
        tokio::task::yield_now().await;
        writer.shutdown().await;
        let answered = futures_util::future::join_all(waiting).await;
        let counted = answered.iter().filter(|r| matches!(r, Ok(Ok(Commit::Counted)))).count();
        assert_eq!(counted, store.ballots.load(Ordering::SeqCst), "every acknowledged ballot was stored");
        let late = writer.submit(pending(&c, "late")).await;
        assert!(matches!(late, Err(WriteError::Stopped)));
    }
}
