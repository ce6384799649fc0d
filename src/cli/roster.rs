//! `minping roster import | invitations | reissue | remind`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::{actor, open_store, DataArgs};
use crate::panel::reminders::{self, Filter, Sender};
use crate::panel::roster;
use crate::server::config::Settings;
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
    /// Send a reminder SMS (link and short code) to every member of the roster file who is
    /// invited, has not answered and has a number, within the hour's SMS budget. The file's
    /// numbers are used to send and never kept.
    Remind {
        slug: String,
        /// The roster file, as for `import`.
        file: PathBuf,
        /// Only members of this segment (界别).
        #[arg(long)]
        segment: Option<String>,
        /// Only members of this district (区县).
        #[arg(long)]
        district: Option<String>,
        /// Say how many would be sent, and send nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl RosterCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        match self {
            Self::Import { slug, file, data } => {
                data.apply(&mut settings);
                let rows = read_roster(&file, "nothing was imported")?;
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
                    roster::reissue(store.as_ref(), &secret, &campaign, &member, &settings.public_base())
                        .await?;
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
            Self::Remind { slug, file, segment, district, dry_run, data } => {
                data.apply(&mut settings);
                let rows = read_roster(&file, "nothing was sent")?;
                let (store, campaign, secret) = open(&settings, &slug).await?;
                reminders::may_send(&campaign).map_err(|_| {
                    anyhow::anyhow!(
                        "`{slug}` is {}: reminders go out while a campaign is open",
                        campaign.status.as_str()
                    )
                })?;
                let filter = Filter { segment, district };
                let plan = reminders::plan(
                    store.as_ref(),
                    &secret,
                    &campaign,
                    rows,
                    &filter,
                    &settings.public_base(),
                )
                .await?;
                let sms = crate::sms::open(&settings.sms, &settings.data_dir, settings.load_test)?;
                let hot = crate::hot::open(settings.redis_url.as_deref(), &settings.redis_prefix)
                    .await
                    .context("cannot connect to Redis")?;
                let signals = crate::guard::signals::Signals::default();
                let sender = Sender {
                    hot: hot.as_ref(),
                    sms: sms.as_ref(),
                    signals: &signals,
                    limits: &settings.limits,
                };
                let c = &plan.counts;
                let skipped = format!(
                    "already responded {}, without a number {}, not invited {}, filtered out {}",
                    c.already_responded, c.without_number, c.not_invited, c.filtered_out
                );
                if dry_run {
                    println!(
                        "would send {} reminders (SMS budget left this hour: {}); {skipped}",
                        plan.reminders.len(),
                        sender.budget_left(&campaign).await
                    );
                    return Ok(());
                }
                let bar = indicatif::ProgressBar::new(plan.reminders.len() as u64).with_message("reminders");
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
                        .expect("a valid template"),
                );
                let counts = sender.send(&campaign, plan, &|n| bar.set_position(n as u64)).await;
                bar.finish_and_clear();
                signals.flush(store.as_ref()).await;
                audit(store.as_ref(), campaign.id, "roster.remind", counts.summary(&filter)).await?;
                println!(
                    "sent {}, failed {}, over the hour's SMS budget {}; {skipped}",
                    counts.sent, counts.failed, counts.over_budget
                );
                Ok(())
            }
        }
    }
}

/// A roster file, parsed whole; every fault printed with its row and column.
fn read_roster(file: &std::path::Path, nothing: &str) -> anyhow::Result<Vec<roster::RosterRow>> {
    let bytes = crate::spreadsheet::limits::read_file(file, crate::spreadsheet::limits::MAX_FILE_BYTES)
        .with_context(|| format!("cannot read {}", file.display()))?;
    roster::parse(&bytes).or_else(|roster::BadRoster(errors)| {
        for e in &errors {
            eprintln!("row {} {}: {}", e.row, e.column, e.reason);
        }
        anyhow::bail!("{} has {} faults; {nothing}", file.display(), errors.len())
    })
}

async fn open(
    settings: &Settings,
    slug: &str,
) -> anyhow::Result<(std::sync::Arc<dyn crate::store::Store>, crate::domain::Campaign, crate::identity::Secret)>
{
    let store = open_store(settings).await?;
    let campaign = store.campaign(slug).await?.with_context(|| format!("there is no campaign `{slug}`"))?;
    Ok((store, campaign, crate::server::load_secret(settings)?))
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
