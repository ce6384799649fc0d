//! `minping roster import | invitations | reissue`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::{actor, open_store, DataArgs};
use crate::config::Settings;
use crate::roster;
use crate::store::AuditEntry;

#[derive(Subcommand)]
pub enum RosterCommand {
    /// Import the panel roster (CSV in UTF-8, or XLSX: 成员编号, 界别, 区县, optional 手机号)
    /// and make every member's invitation. All rows or none.
    Import {
        slug: String,
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write every member's invitation link and short code as CSV (for an SMS provider).
    Invitations {
        slug: String,
        /// [default: standard output]
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Void a member's invitation (lost letter) and print the new one.
    Reissue {
        slug: String,
        member: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl RosterCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        match self {
            Self::Import { slug, file, data } => {
                data.apply(&mut settings);
                let bytes =
                    std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
                let rows = match roster::parse(&bytes) {
                    Ok(rows) => rows,
                    Err(errors) => {
                        for e in &errors {
                            eprintln!("row {} {}: {}", e.row, e.column, e.reason);
                        }
                        anyhow::bail!("{} has {} faults; nothing was imported", file.display(), errors.len());
                    }
                };
                let (store, campaign, secret) = open(&settings, &slug).await?;
                let bar = indicatif::ProgressBar::new(rows.len() as u64).with_message("invitations");
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
                        .expect("a valid template"),
                );
                let imported = roster::issue(store.as_ref(), &secret, campaign.id, &rows, &|n| {
                    bar.set_position(n as u64)
                })
                .await?;
                bar.finish_and_clear();
                audit(
                    store.as_ref(),
                    campaign.id,
                    "roster.import",
                    format!("imported {imported} members from {}", file.display()),
                )
                .await?;
                println!("imported {imported} members into `{slug}`; `minping roster invitations {slug}` lists their links");
                Ok(())
            }
            Self::Invitations { slug, out, data } => {
                data.apply(&mut settings);
                let (store, campaign, secret) = open(&settings, &slug).await?;
                let lines = roster::list(store.as_ref(), &secret, &campaign, &settings.public_base()).await?;
                match &out {
                    Some(path) => {
                        let mut file = std::fs::File::create(path)
                            .with_context(|| format!("cannot write {}", path.display()))?;
                        roster::write_csv(&lines, &mut file)?;
                        eprintln!("wrote {} invitations to {}", lines.len(), path.display());
                    }
                    None => roster::write_csv(&lines, &mut std::io::stdout().lock())?,
                }
                audit(
                    store.as_ref(),
                    campaign.id,
                    "export.invitations.csv",
                    format!("{} invitations", lines.len()),
                )
                .await
            }
            Self::Reissue { slug, member, data } => {
                data.apply(&mut settings);
                let (store, campaign, secret) = open(&settings, &slug).await?;
                let line =
                    (roster::reissue(store.as_ref(), &secret, &campaign, &member, &settings.public_base())
                        .await?)
                        .with_context(|| format!("`{slug}` has no member `{member}`"))?;
                audit(
                    store.as_ref(),
                    campaign.id,
                    "invitation.reissue",
                    format!("re-issued the invitation of {member}"),
                )
                .await?;
                println!(
                    "{member}: the old invitation no longer works\nlink {}\nshort code {}",
                    line.url, line.short_code
                );
                Ok(())
            }
        }
    }
}

async fn open(
    settings: &Settings,
    slug: &str,
) -> anyhow::Result<(std::sync::Arc<dyn crate::store::Store>, crate::domain::Campaign, crate::identity::Secret)>
{
    let store = open_store(settings).await?;
    let campaign = store.campaign(slug).await?.with_context(|| format!("there is no campaign `{slug}`"))?;
    Ok((store, campaign, crate::startup::load_secret(settings)?))
}

async fn audit(
    store: &dyn crate::store::Store,
    campaign_id: i64,
    action: &str,
    detail: String,
) -> anyhow::Result<()> {
    let entry = AuditEntry { actor: actor(), action: action.into(), campaign_id: Some(campaign_id), detail };
    Ok(store.append_audit(&entry).await?)
}
