//! `minping approvals list | approve | reject`: the second person of a sensitive act
//! (双人复核; docs/SECURITY.md), on the command line.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::{actor, open_store, DataArgs};
use crate::campaign::approvals::{self, Means};
use crate::server::config::Settings;
use crate::staff::Role;

#[derive(Subcommand)]
pub enum ApprovalsCommand {
    /// A campaign's requests, newest first.
    List {
        slug: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Approve request ID and carry it out (never one you asked for). An act that issues
    /// invitations writes them, this once, to `--out` (and `--letters`).
    Approve {
        slug: String,
        id: i64,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        letters: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Reject request ID.
    Reject {
        slug: String,
        id: i64,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// A request is decided by a named admin or auditor, proved with password and second factor
/// (`--as`): the operating-system user is no one the self-approval rule could tell apart.
fn may_decide() -> anyhow::Result<()> {
    match super::acting::staff_role() {
        Some(Role::Admin | Role::Auditor) => Ok(()),
        Some(_) => anyhow::bail!("复核须由管理员或督查人员进行"),
        None => anyhow::bail!(
            "复核须以工作人员身份进行：minping --as 用户名 approvals approve …（将询问密码和动态验证码）"
        ),
    }
}

impl ApprovalsCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        match self {
            Self::List { slug, data } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                let campaign = crate::campaign::find(store.as_ref(), &slug).await?;
                let list = store.approvals(campaign.id).await?;
                if list.is_empty() {
                    println!("`{slug}` 没有复核申请");
                }
                for a in list {
                    let decided = (a.decided_by.as_deref())
                        .map(|d| format!("，{d} 处理：{}", a.outcome.as_deref().unwrap_or(&a.status)))
                        .unwrap_or_default();
                    println!("#{} [{}] {}（{} 申请{decided}）", a.id, a.status, a.summary, a.requested_by);
                }
                Ok(())
            }
            Self::Approve { slug, id, out, letters, data } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                may_decide()?;
                let campaign = crate::campaign::find(store.as_ref(), &slug).await?;
                let record = (store.approval(campaign.id, id).await?)
                    .with_context(|| format!("`{slug}` 没有编号为 {id} 的复核申请"))?;
                let issues = matches!(record.kind.as_str(), "add_members" | "reissue");
                if issues && out.is_none() {
                    anyhow::bail!(
                        "申请 #{id} 会发放邀请凭证（只显示一次）：请用 --out 指定邀请名单的保存位置"
                    );
                }
                if let Some(path) = &out {
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                let secret = crate::server::load_secret(&settings)?;
                let base = settings.public_base();
                let means = Means { store: store.as_ref(), secret: &secret, base_url: &base };
                let decision = approvals::decide(&means, &campaign, id, true, &actor()).await?;
                if let Some(path) = &out {
                    let lines = &decision.invitations;
                    super::roster::write_shown_once(&campaign, lines, path, letters.as_deref(), &base)?;
                    println!("{} 份新邀请已写入 {}（只此一次）", lines.len(), path.display());
                }
                let a = decision.approval;
                println!("#{} [{}] {}：{}", a.id, a.status, a.summary, a.outcome.unwrap_or_default());
                Ok(())
            }
            Self::Reject { slug, id, data } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                may_decide()?;
                let campaign = crate::campaign::find(store.as_ref(), &slug).await?;
                let secret = crate::server::load_secret(&settings)?;
                let base = settings.public_base();
                let means = Means { store: store.as_ref(), secret: &secret, base_url: &base };
                let a = approvals::decide(&means, &campaign, id, false, &actor()).await?.approval;
                println!("#{} 已驳回：{}", a.id, a.summary);
                Ok(())
            }
        }
    }
}
