//! The SQL both backends share. SQLite and PostgreSQL agree on everything the ballot core
//! needs (`$n` parameters, `ON CONFLICT`, `RETURNING`), so each role's statements are
//! written once, generic over the sqlx database, and every [`SqlStore`] gets the role; what
//! really differs (connecting, migrations, locking, where counter increments go) stays in
//! `sqlite.rs` and `postgres.rs`, as the constants of [`SqlStore`].
//!
//! Each role's impl lists the column types it binds and reads: Rust does not carry bounds
//! like `i64: Encode<DB>` from a trait to its users, so they are spelled where they are used.

mod approvals;
mod ballots;
mod campaigns;
mod counters;
mod exports;
mod mix;
mod panel;
mod staff;

use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::query::Query;
use sqlx::{Database, Decode, Encode, Executor, IntoArguments, Pool, QueryBuilder, Type};

use super::migrations::{self, Files};
use super::{Backend, Result};

/// Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const CHUNK_ROWS: usize = 1000;

/// A store running the shared SQL: its pool, and the statements in which the backends differ.
pub trait SqlStore: Send + Sync + 'static {
    type Db: Database<QueryResult: RowsAffected>;
    /// `sqlite` or `postgres`.
    const BACKEND: &'static str;
    const MIGRATIONS: Files;
    /// How many ballot batches may commit at the same time.
    const PARALLEL_BATCHES: usize;
    /// Reads a campaign's status at the start of a batch and holds the row until the batch
    /// commits, so that a close waits for it.
    const LOCK_CAMPAIGN_FOR_BATCH: &'static str;
    /// Where a batch's counter increments go: before and after its `VALUES`.
    const TALLY_INSERT: &'static str;
    const TALLY_INSERT_END: &'static str;
    /// Folds appended increments into the counters; `None` where they go straight in.
    const FOLD_TALLY_DELTAS: Option<&'static str>;
    /// Taken first in a mix's transaction and held to its end: one mixer per campaign at a
    /// time across instances.
    const LOCK_CAMPAIGN_FOR_MIX: &'static str;
    /// Run after each mix, outside its transaction: SQLite empties its WAL, so the pages
    /// that held the sealed rows and the new content are not kept side by side in it.
    const AFTER_MIX: Option<&'static str>;

    fn pool(&self) -> &Pool<Self::Db>;

    /// [`QueryBuilder::build`], with the arguments' lifetime shortened to the borrow of the
    /// builder. Each backend's arguments allow that (they are covariant), but code generic
    /// over the database cannot see it, and would have to keep the builder borrowed for as
    /// long as the values it binds: longer than the builder itself lives.
    fn build<'q>(q: &'q mut QueryBuilder<'_, Self::Db>) -> Query<'q, Self::Db, Args<'q, Self>>;
}

/// How many rows a statement changed: each backend's result has it, but no sqlx trait does.
pub trait RowsAffected {
    fn rows_affected(&self) -> u64;
}

/// A connection of the store's database; `&mut` one of them runs statements.
type Conn<S> = <<S as SqlStore>::Db as Database>::Connection;
/// A statement's bound parameters.
type Args<'q, S> = <<S as SqlStore>::Db as Database>::Arguments<'q>;
/// A row of a result.
type Row<S> = <<S as SqlStore>::Db as Database>::Row;

/// A column type: bound as a parameter and read back from rows.
pub trait Value<DB: Database>: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> {}

impl<DB: Database, T> Value<DB> for T where T: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> {}

/// A borrowed parameter (`&str`, `&[u8]`), bound for as long as the statement lives.
pub trait Param<'q, DB: Database>: Encode<'q, DB> + Type<DB> {}

impl<'q, DB: Database, T> Param<'q, DB> for T where T: Encode<'q, DB> + Type<DB> {}

#[async_trait]
impl<S: SqlStore> Backend for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    Conn<S>: Migrate,
{
    fn backend(&self) -> &'static str {
        S::BACKEND
    }

    async fn migrate(&self) -> Result<()> {
        migrations::migrator(S::MIGRATIONS).await?.run(self.pool()).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool().close().await;
    }
}
