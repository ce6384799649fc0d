//! `minping backup --out FILE` and `minping restore FILE`: a consistent copy of the durable
//! store taken while servers run, and putting one back where there is none. Embedded: the
//! SQLite file, copied with `VACUUM INTO` (`embedded.rs`); scaled: PostgreSQL's own
//! `pg_dump` / `pg_restore`, driven for the operator (`scaled.rs`).
//!
//! Neither holds the server secret (docs/DEPLOY.md): it is kept apart, and both commands
//! say so, because without it the sealed ballots of a backup cannot be opened.

mod embedded;
mod scaled;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use super::{listing, open_store, DataArgs};
use crate::server::config::Settings;

#[derive(Args)]
pub struct BackupArgs {
    /// The file to write (refused if it exists): a SQLite database (embedded profile) or a
    /// pg_dump archive in its custom format (scaled profile).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A file written by `minping backup`. An embedded backup goes into --data-dir (which
    /// must have no database yet); a PostgreSQL one into the empty database DATABASE_URL names.
    file: PathBuf,
    #[command(flatten)]
    data: DataArgs,
}

/// The file `identity::Secret::load_or_create` keeps the secret in when MINPING_SECRET is unset.
const SECRET_FILE: &str = "secret.key";

/// What a backup file holds, told by its first bytes.
enum Kind {
    Sqlite,
    PgDump,
}

fn kind_of(file: &Path) -> anyhow::Result<Kind> {
    let mut head = [0u8; 16];
    let mut opened = File::open(file).with_context(|| format!("无法打开 {}", file.display()))?;
    let read = opened.read(&mut head)?;
    if head[..read].starts_with(b"SQLite format 3\0") {
        Ok(Kind::Sqlite)
    } else if head[..read].starts_with(b"PGDMP") {
        Ok(Kind::PgDump)
    } else {
        anyhow::bail!(
            "{} 不是 minping backup 写出的备份（既不是 SQLite 数据库，也不是 pg_dump 归档）",
            file.display()
        )
    }
}

/// The PostgreSQL URL of the scaled profile; `None` for the embedded one.
fn postgres_url(settings: &Settings) -> Option<&str> {
    (settings.database_url.as_deref())
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// `FILE.partial`: written first and renamed once complete, so a half-written backup or
/// database never carries the final name.
fn partial_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// An empty file readable by its owner alone: a backup holds every claim and ballot.
fn create_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::remove_file(path);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("无法创建 {}", path.display()))?;
    Ok(())
}

/// A spinner with what is being done and for how long; drawn on a terminal only.
fn spinner(message: &str) -> indicatif::ProgressBar {
    let spinner = indicatif::ProgressBar::new_spinner().with_message(message.to_owned());
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}（{elapsed}）").expect("a valid template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// Where the secret the backup needs is kept.
fn secret_place(settings: &Settings) -> String {
    match settings.secret {
        Some(_) => "MINPING_SECRET".to_owned(),
        None => settings.data_dir.join(SECRET_FILE).display().to_string(),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

impl BackupArgs {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        self.data.apply(&mut settings);
        anyhow::ensure!(!self.out.exists(), "{} 已存在：备份不覆盖已有文件", self.out.display());
        let started = Instant::now();
        let partial = partial_of(&self.out);
        create_private(&partial)?;
        let progress = spinner("正在备份");
        let done = match postgres_url(&settings) {
            Some(url) => scaled::dump(url, &partial, &progress).await,
            None => embedded::backup(&settings, &partial, &progress).await,
        };
        progress.finish_and_clear();
        if let Err(e) = done {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &self.out)?;
        let size = std::fs::metadata(&self.out)?.len();
        println!(
            "已备份到 {}（{}，用时 {:.1} 秒）",
            self.out.display(),
            megabytes(size),
            started.elapsed().as_secs_f64()
        );
        println!(
            "备份不含服务器密钥（{}）：它另行保管，恢复时一并放回，否则尚未混合的密封选票无法打开、邀请全部失效（见 docs/DEPLOY.md）",
            secret_place(&settings)
        );
        Ok(())
    }
}

impl RestoreArgs {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        self.data.apply(&mut settings);
        let kind = kind_of(&self.file)?;
        let progress = spinner("正在恢复");
        let done = match (kind, postgres_url(&settings)) {
            (Kind::Sqlite, None) => embedded::restore(&self.file, &settings, &progress).await,
            (Kind::PgDump, Some(url)) => scaled::restore(url, &self.file, &progress).await,
            (Kind::Sqlite, Some(_)) => Err(anyhow::anyhow!(
                "这是嵌入式（SQLite）备份，而 DATABASE_URL 指向 PostgreSQL：去掉 DATABASE_URL，恢复到 --data-dir"
            )),
            (Kind::PgDump, None) => Err(anyhow::anyhow!(
                "这是 PostgreSQL 备份（pg_dump 归档）：用 DATABASE_URL 指定一个空的 PostgreSQL 数据库"
            )),
        };
        progress.finish_and_clear();
        done?;
        // Opening runs the migrations a newer minping may add to an older backup.
        let store = open_store(&settings).await?;
        println!("已恢复 {}：", self.file.display());
        listing::print_campaigns(store.as_ref()).await?;
        store.close().await;
        let secret_file = settings.data_dir.join(SECRET_FILE);
        if settings.secret.is_none() && !secret_file.exists() {
            println!(
                "还缺服务器密钥：把备份时的 secret.key 放到 {}（或设置 MINPING_SECRET），再启动 minping；否则它会生成新的密钥，尚未混合的密封选票将无法打开",
                secret_file.display()
            );
        }
        Ok(())
    }
}
