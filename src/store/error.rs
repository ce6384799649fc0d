//! What can go wrong in the store, and which failures mean "try again later" rather than a bug.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("campaign `{slug}` in the database is not valid: {reason}")]
    BadCampaign { slug: String, reason: String },
    #[error("a campaign with slug `{0}` already exists")]
    CampaignExists(String),
    #[error("reading rows failed")]
    Visit(#[source] super::VisitError),
    #[error("a staff user named `{0}` already exists")]
    UserExists(String),
}

/// Sorts an sqlx error: connection trouble means "try again later", anything else is a bug.
/// The only way from an sqlx error to a [`StoreError`], so every `?` sorts the same way.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e),
            // SQLite: the file is locked, read-only or the disk is full.
            sqlx::Error::Database(ref d)
                if matches!(d.code().as_deref(), Some("5" | "6" | "8" | "13" | "14")) =>
            {
                Self::Unavailable(e)
            }
            // PostgreSQL: connection exceptions, admin shutdown, insufficient resources, a
            // database not accepting connections (55000) or gone (3D000).
            sqlx::Error::Database(ref d) if d.code().is_some_and(|c| pg_unavailable(&c)) => {
                Self::Unavailable(e)
            }
            _ => Self::Database(e),
        }
    }
}

fn pg_unavailable(code: &str) -> bool {
    ["08", "53", "57P"].iter().any(|class| code.starts_with(class)) || matches!(code, "55000" | "3D000")
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why the store named by the configuration could not be opened at start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot connect to PostgreSQL")]
    Postgres(#[source] StoreError),
    #[error("cannot open the SQLite database")]
    SqliteUrl(#[source] StoreError),
    #[error("DATABASE_URL must start with postgres:// or sqlite:, not `{0}`")]
    Scheme(String),
    #[error("cannot create the data directory {}", .0.display())]
    DataDir(std::path::PathBuf, #[source] std::io::Error),
    #[error("cannot open {}", .0.display())]
    SqliteFile(std::path::PathBuf, #[source] StoreError),
    #[error("cannot run the database migrations")]
    Migrate(#[source] StoreError),
}
