//! Migrations, embedded in the binary. (`sqlx::migrate!` would need sqlx's `macros` feature,
//! which compiles both database drivers a second time for the proc-macro; a small
//! `MigrationSource` over `include_str!` does the same job.)

use futures_util::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

pub type Files = &'static [(i64, &'static str, &'static str)];

pub const SQLITE: Files = &[
    (1, "ballot core", include_str!("../../migrations/sqlite/0001_ballot_core.sql")),
    (2, "staff", include_str!("../../migrations/sqlite/0002_staff.sql")),
    (3, "public channel", include_str!("../../migrations/sqlite/0003_public_channel.sql")),
    (4, "panel counts", include_str!("../../migrations/sqlite/0004_panel_counts.sql")),
    (5, "tally deltas", include_str!("../../migrations/sqlite/0005_tally_deltas.sql")),
    (6, "public districts", include_str!("../../migrations/sqlite/0006_public_districts.sql")),
    (7, "sealed ballots", include_str!("../../migrations/sqlite/0007_sealed_ballots.sql")),
    (9, "credentials once", include_str!("../../migrations/sqlite/0009_credentials_once.sql")),
];

pub const POSTGRES: Files = &[
    (1, "ballot core", include_str!("../../migrations/postgres/0001_ballot_core.sql")),
    (2, "staff", include_str!("../../migrations/postgres/0002_staff.sql")),
    (3, "public channel", include_str!("../../migrations/postgres/0003_public_channel.sql")),
    (4, "panel counts", include_str!("../../migrations/postgres/0004_panel_counts.sql")),
    (5, "tally deltas", include_str!("../../migrations/postgres/0005_tally_deltas.sql")),
    (6, "public districts", include_str!("../../migrations/postgres/0006_public_districts.sql")),
    (7, "sealed ballots", include_str!("../../migrations/postgres/0007_sealed_ballots.sql")),
    (9, "credentials once", include_str!("../../migrations/postgres/0009_credentials_once.sql")),
];

#[derive(Debug)]
struct Embedded(Files);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move {
            Ok((self.0.iter())
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        (*description).into(),
                        MigrationType::Simple,
                        (*sql).into(),
                        false,
                    )
                })
                .collect())
        })
    }
}

pub async fn migrator(files: Files) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded(files)).await
}
