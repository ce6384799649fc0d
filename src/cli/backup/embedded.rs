//! The embedded profile's backup: the SQLite file, copied while servers write.

use std::path::Path;

use anyhow::Context;

use super::partial_of;
use crate::server::config::Settings;
use crate::store::sqlite::SqliteStore;
use crate::store::{Backend, SQLITE_FILE};

/// `VACUUM INTO` reads the database in one transaction: the copy is the database as it was
/// at one instant, every ballot committed before it included, whatever is written meanwhile.
/// Copying the file would not do: recent commits live in the `-wal` file beside it.
pub async fn backup(
    settings: &Settings,
    out: &Path,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    let store = match settings.database_url.as_deref() {
        Some(url) => SqliteStore::open_url(url).await?,
        None => {
            let path = settings.data_dir.join(SQLITE_FILE);
            anyhow::ensure!(
                path.exists(),
                "{} 不存在：--data-dir 指的不是 minping 的数据目录",
                path.display()
            );
            SqliteStore::open(&path).await?
        }
    };
    progress.set_message("正在复制 SQLite 数据库");
    // VACUUM INTO wants an absent or empty file: the caller made an empty one, mode 0600.
    let copied = store.vacuum_into(out).await;
    store.close().await;
    copied.context("VACUUM INTO 失败")?;
    Ok(())
}

/// Copies the backup next to its place, checks it whole, then gives it the database's name.
pub async fn restore(
    file: &Path,
    settings: &Settings,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    let target = settings.data_dir.join(SQLITE_FILE);
    anyhow::ensure!(
        !target.exists(),
        "{} 已有数据库：恢复只写入没有数据库的目录（先移走它，或换一个 --data-dir）",
        target.display()
    );
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("无法创建 {}", settings.data_dir.display()))?;
    let partial = partial_of(&target);
    super::create_private(&partial)?;
    progress.set_message("正在复制并检查数据库");
    std::fs::copy(file, &partial).with_context(|| format!("无法复制到 {}", partial.display()))?;
    let store = SqliteStore::open(&partial).await?;
    let check = store.integrity_check().await;
    store.close().await;
    let check = check?;
    if check != "ok" {
        let _ = std::fs::remove_file(&partial);
        anyhow::bail!("备份文件已损坏（integrity_check: {check}）");
    }
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &target)?;
    Ok(())
}
