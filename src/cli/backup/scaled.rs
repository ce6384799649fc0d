//! The scaled profile's backup: PostgreSQL's own tools, driven for the operator. `pg_dump`
//! reads in one snapshot (a consistent copy while instances write); its custom format is
//! compressed and restored by `pg_restore` in one transaction, all or nothing.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use crate::store::postgres::PgStore;
use crate::store::Backend;

pub async fn dump(url: &str, out: &Path, progress: &indicatif::ProgressBar) -> anyhow::Result<()> {
    let mut command = Command::new("pg_dump");
    command.args(["--format=custom", "--no-owner", "--no-privileges", "--verbose", "--file"]).arg(out);
    run(command, "pg_dump", url, progress.clone()).await
}

pub async fn restore(url: &str, file: &Path, progress: &indicatif::ProgressBar) -> anyhow::Result<()> {
    let store = PgStore::connect(url).await.context("无法连接 DATABASE_URL 指定的数据库")?;
    let empty = store.is_empty().await;
    store.close().await;
    anyhow::ensure!(empty?, "DATABASE_URL 指定的数据库已有表：恢复只写入空数据库（先 createdb 一个新的）");
    let mut command = Command::new("pg_restore");
    command.args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--verbose"]);
    command.arg(PathBuf::from(file));
    run(command, "pg_restore", url, progress.clone()).await
}

/// Runs a PostgreSQL tool on the database `url` names, showing the table it is at. The
/// password goes in the environment, not on the command line where `ps` would show it.
async fn run(
    mut command: Command,
    tool: &'static str,
    url: &str,
    progress: indicatif::ProgressBar,
) -> anyhow::Result<()> {
    let (url, password) = without_password(url)?;
    command.arg("--dbname").arg(url).env("LC_MESSAGES", "C").stdout(Stdio::null()).stderr(Stdio::piped());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let ran = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut child = command
            .spawn()
            .with_context(|| format!("无法运行 {tool}（apt-get install postgresql-client）"))?;
        let mut errors = Vec::new();
        for line in std::io::BufReader::new(child.stderr.take().expect("piped")).lines() {
            let line = line?;
            if let Some(table) = line.split("contents of table ").nth(1) {
                progress.set_message(format!("{tool}：表 {table}"));
            } else if !line.contains(": processing") && !line.contains(": last built-in") {
                errors.push(line);
            }
        }
        let status = child.wait()?;
        let tail: Vec<&str> = errors.iter().rev().take(5).rev().map(String::as_str).collect();
        anyhow::ensure!(status.success(), "{tool} 失败（{status}）：{}", tail.join("\n"));
        Ok(())
    });
    ran.await?
}

/// The URL without its password, and the password percent-decoded.
fn without_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed = reqwest::Url::parse(url).context("DATABASE_URL 不是有效的 URL")?;
    let password = parsed.password().map(percent_decode);
    if password.is_some() {
        let _ = parsed.set_password(None);
    }
    Ok((parsed.to_string(), password))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (url, password) =
            without_password("postgres://minping:p%40ss%2Fw@db.local:5433/minping").unwrap();
        assert_eq!(url, "postgres://minping@db.local:5433/minping");
        assert_eq!(password.as_deref(), Some("p@ss/w"));
        let (url, password) = without_password("postgres://postgres@127.0.0.1:5432/x").unwrap();
        assert_eq!((url.as_str(), password), ("postgres://postgres@127.0.0.1:5432/x", None));
    }
}
