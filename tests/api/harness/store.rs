//! What the test's store holds, read directly: counts, tallies, abuse signals, the schema.

use std::path::PathBuf;

use super::{database_url_for, TestApp};

impl TestApp {
    /// Flushes the abuse signals and reads them back for the demo campaign.
    pub async fn signals(&self) -> std::collections::HashMap<String, i64> {
        self.state.guard.signals.flush(self.state.store.as_ref()).await;
        self.state.store.signals(self.campaign_id().await).await.unwrap().into_iter().collect()
    }

    pub async fn campaign_id(&self) -> i64 {
        self.state.store.campaign("demo").await.unwrap().unwrap().id
    }

    pub async fn ballot_count(&self) -> i64 {
        self.state.store.ballot_count(self.campaign_id().await).await.unwrap()
    }

    pub async fn claim_count(&self) -> i64 {
        self.state.store.claim_count(self.campaign_id().await).await.unwrap()
    }

    /// Mixes every sealed ballot of the demo campaign now, whatever k says — as the close
    /// does — so that a test can read what they count. Tests of the k rule itself read the
    /// figures without it.
    pub async fn mix_all(&self) {
        self.mix_all_of("demo").await;
    }

    /// [`Self::mix_all`] for another campaign.
    pub async fn mix_all_of(&self, slug: &str) {
        let campaign = self.state.store.campaign(slug).await.unwrap().unwrap();
        let store = self.state.store.as_ref();
        minping::intake::mixer::mix_campaign(store, &self.state.sealer, &campaign, true).await.unwrap();
    }

    /// Sum of all tally counters for one unit once every ballot is mixed: the number of
    /// ballots that rated it.
    pub async fn times_rated(&self, unit: &str) -> i64 {
        self.mix_all().await;
        let tallies = self.state.store.tallies(self.campaign_id().await).await.unwrap();
        tallies.iter().filter(|t| t.unit_code == unit).map(|t| t.count).sum()
    }

    /// A tally counter once every ballot is mixed.
    pub async fn tally(&self, unit: &str, option: &str) -> i64 {
        self.mix_all().await;
        let tallies = self.state.store.tallies(self.campaign_id().await).await.unwrap();
        tallies.iter().filter(|t| t.unit_code == unit && t.option_code == option).map(|t| t.count).sum()
    }

    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        ["minping.sqlite3", "minping.sqlite3-wal"].iter().map(|f| self.settings.data_dir.join(f)).collect()
    }

    /// The column names of a table, from the database's own catalogue.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        let rows: Vec<(String,)> = match &self.database {
            Some(name) => {
                let pool = sqlx::PgPool::connect(&database_url_for(name)).await.unwrap();
                let sql = "SELECT column_name::text FROM information_schema.columns \
                           WHERE table_name = $1 ORDER BY ordinal_position";
                let rows = sqlx::query_as(sql).bind(table).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows
            }
            None => {
                let url = format!("sqlite:{}", self.sqlite_files()[0].display());
                let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                let sql = "SELECT name FROM pragma_table_info($1) ORDER BY cid";
                let rows = sqlx::query_as(sql).bind(table).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows
            }
        };
        rows.into_iter().map(|(c,)| c).collect()
    }

    /// Runs one statement on the test's database directly, as someone holding the database
    /// files or its password could.
    pub async fn execute_sql(&self, sql: &str) {
        match &self.database {
            Some(name) => {
                let pool = sqlx::PgPool::connect(&database_url_for(name)).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            None => {
                let url = format!("sqlite:{}", self.sqlite_files()[0].display());
                let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }
}
