//! `minping roster import | invitations | reissue | remind`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::{actor, open_store, DataArgs};
use crate::campaign::approvals::{self, Act};
use crate::panel::reminders::{self, Filter, Sender};
use crate::panel::roster;
use crate::server::config::Settings;
use crate::store::{AuditEntry, Removal};

#[derive(Subcommand)]
pub enum RosterCommand {
    /// Import the panel from a CSV or XLSX file and issue each member an invitation, written
    /// once to the list (and letters) named here: the server keeps only hashes and cannot
    /// make them again. Once the campaign is open, this files a request for a second
    /// person's approval instead (`minping approvals`).
    Import {
        slug: String,
        file: PathBuf,
        /// Where to write the invitation list (CSV, for an SMS provider's mail-merge).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Where to write the invitation letters (HTML, to print on A4).
        #[arg(long, value_name = "FILE")]
        letters: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Void a member's invitation and issue a new one (shown once); once the campaign is
    /// open, a request for approval.
    Reissue {
        slug: String,
        member: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Remove a member who has not answered; once the campaign is open, a request for approval.
    Remove {
        slug: String,
        member: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Send reminder SMS to the members of a roster file who have not answered, each with a
    /// freshly issued invitation (the old one void) to the number the roster was imported with.
    Remind {
        slug: String,
        file: PathBuf,
        #[arg(long)]
        segment: Option<String>,
        #[arg(long)]
        district: Option<String>,
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl RosterCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        match self {
            Self::Import { slug, file, out, letters, data } => {
                data.apply(&mut settings);
                let rows = read_roster(&file, "未导入任何成员")?;
                let (store, campaign, secret) = open(&settings, &slug).await?;
                let members = roster::members(&secret, &rows);
                if approvals::needed(&campaign) {
                    roster::all_new(store.as_ref(), &campaign, &members).await?;
                    return request(store.as_ref(), &campaign, Act::AddMembers { members }).await;
                }
                // The files first: credentials that could not be written would be lost.
                std::fs::File::create(&out).with_context(|| format!("cannot write {}", out.display()))?;
                if let Some(path) = &letters {
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                let bar = indicatif::ProgressBar::new(rows.len() as u64).with_message("发放邀请");
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
                        .expect("a valid template"),
                );
                let base = settings.public_base();
                let lines = roster::import(store.as_ref(), &secret, &campaign, &members, &base, &|n| {
                    bar.set_position(n as u64)
                })
                .await
                .map_err(in_chinese)?;
                bar.finish_and_clear();
                write_shown_once(&campaign, &lines, &out, letters.as_deref(), &base)?;
                let detail = format!(
                    "imported {} members from {}, invitations shown once",
                    lines.len(),
                    file.display()
                );
                audit(store.as_ref(), campaign.id, "roster.import", detail).await?;
                println!(
                    "已导入 {} 名成员；邀请名单已写入 {}{}。服务器只保存凭证的摘要，无法再次生成：请妥善保管。",
                    lines.len(),
                    out.display(),
                    letters.map(|l| format!("，邀请函已写入 {}", l.display())).unwrap_or_default()
                );
                Ok(())
            }
            Self::Reissue { slug, member, data } => {
                data.apply(&mut settings);
                let (store, campaign, secret) = open(&settings, &slug).await?;
                if approvals::needed(&campaign) {
                    roster::waiting_member(store.as_ref(), &campaign, &member).await.map_err(in_chinese)?;
                    return request(store.as_ref(), &campaign, Act::Reissue { member }).await;
                }
                let line =
                    roster::reissue(store.as_ref(), &secret, &campaign, &member, &settings.public_base())
                        .await
                        .map_err(in_chinese)?;
                audit(
                    store.as_ref(),
                    campaign.id,
                    "invitation.reissue",
                    format!("re-issued the invitation of {member}"),
                )
                .await?;
                println!(
                    "{member} 的原邀请已作废。新邀请只显示这一次：\n链接 {}\n邀请码 {}",
                    line.url, line.short_code
                );
                Ok(())
            }
            Self::Remove { slug, member, data } => {
                data.apply(&mut settings);
                let (store, campaign, _) = open(&settings, &slug).await?;
                if approvals::needed(&campaign) {
                    roster::waiting_member(store.as_ref(), &campaign, &member).await.map_err(in_chinese)?;
                    return request(store.as_ref(), &campaign, Act::RemoveMember { member }).await;
                }
                match store.remove_invitation(campaign.id, &member).await? {
                    Removal::Removed => {}
                    Removal::Unknown => anyhow::bail!("`{slug}` 没有成员 {member}"),
                    Removal::Responded => anyhow::bail!("{member} 已参加评议，不能移除"),
                }
                audit(store.as_ref(), campaign.id, "roster.remove", format!("removed {member}")).await?;
                println!("已移除成员 {member}");
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
                let plan = reminders::plan(store.as_ref(), &secret, &campaign, rows, &filter).await?;
                if settings.sms.gateway.is_none() && !dry_run {
                    eprintln!(
                        "注意：未配置短信网关（sms.gateway），催办短信只写入 {}，不会真实发送",
                        settings.data_dir.join(crate::sms::OUTBOX_NAME).display()
                    );
                }
                let sms = crate::sms::open(&settings.sms, &settings.data_dir, settings.load_test, false)?;
                let hot = crate::hot::open(settings.redis_url.as_deref(), &settings.redis_prefix)
                    .await
                    .context("cannot connect to Redis")?;
                let signals = crate::guard::signals::Signals::default();
                let base = settings.public_base();
                let sender = Sender {
                    store: store.as_ref(),
                    secret: &secret,
                    base_url: &base,
                    hot: hot.as_ref(),
                    sms: sms.as_ref(),
                    signals: &signals,
                    limits: &settings.limits,
                };
                let c = &plan.counts;
                let skipped = format!(
                    "already responded {}, without a number {}, not invited {}, filtered out {}, \
                     number not the roster's {}",
                    c.already_responded, c.without_number, c.not_invited, c.filtered_out, c.number_mismatch
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

/// Files `act` as a request for a second person's approval, and says so.
async fn request(
    store: &dyn crate::store::Store,
    campaign: &crate::domain::Campaign,
    act: Act,
) -> anyhow::Result<()> {
    let approval = approvals::request(store, campaign, &act, &actor()).await?;
    println!(
        "评议已开始：“{}”须经第二人复核，已提交申请 #{}。由另一位管理员或督查人员执行 `minping approvals approve {} {}` 或在管理后台批准后生效。",
        approval.summary,
        approval.id,
        campaign.slug(),
        approval.id
    );
    Ok(())
}

/// Writes credentials shown once: the list, and the letters when asked for. A file that
/// cannot be written is an error before anything else is said (the credentials are gone
/// otherwise: re-issue them).
pub fn write_shown_once(
    campaign: &crate::domain::Campaign,
    lines: &[roster::InvitationLine],
    out: &std::path::Path,
    letters: Option<&std::path::Path>,
    base: &str,
) -> anyhow::Result<()> {
    let mut file = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    roster::write_csv(lines, &mut file)?;
    if let Some(path) = letters {
        let page = crate::panel::letters::page(campaign, lines, &format!("{base}/s/{}", campaign.slug()))?;
        std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
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

/// A refusal in the words the console uses (Chinese), e.g. `409 frozen` on a closed campaign.
fn in_chinese(e: impl Into<crate::routes::error::ApiError>) -> anyhow::Error {
    anyhow::anyhow!(e.into().zh().to_owned())
}
