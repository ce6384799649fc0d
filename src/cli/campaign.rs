//! `minping campaign list | create | open | close | formula`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::{actor, open_store, DataArgs};
use crate::campaign::approvals::{self, Act};
use crate::campaign::lifecycle;
use crate::domain::{CampaignDefinition, PublicMode};
use crate::scoring::formula::Formula;
use crate::server::config::Settings;
use crate::spreadsheet::limits;

#[derive(Subcommand)]
pub enum CampaignCommand {
    /// Every campaign: code, status, ballots so far, title (newest first).
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Create a campaign from a campaign file (TOML; see docs/CAMPAIGNS.md), or from a unit
    /// list (CSV or XLSX: 类别代码, 类别名称, 单位代码, 单位名称) with --slug and --title.
    /// It starts as a draft.
    Create {
        file: PathBuf,
        /// For a unit list: the campaign's slug.
        #[arg(long)]
        slug: Option<String>,
        /// For a unit list: the campaign's title.
        #[arg(long)]
        title: Option<String>,
        /// Open it for ballots at once.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Replace a draft with a new version of its campaign file (same slug): title, scale,
    /// units, formula. Once open, only the formula may change (`formula`).
    Update {
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Open a draft campaign for ballots.
    Open {
        slug: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Stop intake for good, and compute, freeze and fingerprint the final results.
    Close {
        slug: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Show, or change, what may change while a campaign runs: the public channel, the SMS
    /// budget, the response target, the announced dates (audited). Without options, shows them.
    Settings {
        slug: String,
        /// How the public takes part: phone, device or off.
        #[arg(long, value_name = "MODE", value_parser = ["phone", "device", "off"])]
        public: Option<String>,
        /// The campaign's SMS codes per hour (the deployment's default when never set).
        #[arg(long, value_name = "N")]
        sms_per_hour: Option<u64>,
        /// The panel response rate aimed at, in percent.
        #[arg(long, value_name = "PERCENT")]
        response_target: Option<u8>,
        /// The announced first day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        opens_on: Option<String>,
        /// The announced last day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        closes_on: Option<String>,
        /// The anonymity threshold k: no figure shown for fewer ballots (at least 5; once
        /// open, it may only rise).
        #[arg(long, value_name = "K")]
        anonymity_threshold: Option<u64>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Replace a campaign's formula with the `[formula]` of a TOML file. Once the campaign is
    /// open this needs `--override REASON`, which the audit log keeps; after it closes, never.
    Formula {
        slug: String,
        file: PathBuf,
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl CampaignCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        match self {
            Self::List { data } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                super::listing::print_campaigns(store.as_ref()).await
            }
            Self::Create { file, slug, title, open, data } => {
                data.apply(&mut settings);
                // The same limits as an upload: a table, or a campaign file.
                let limit =
                    if slug.is_some() { limits::MAX_FILE_BYTES } else { limits::MAX_CAMPAIGN_FILE_BYTES };
                let bytes = limits::read_file(&file, limit)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let definition = match (slug, title) {
                    (Some(slug), Some(title)) => {
                        match crate::campaign::unit_list::parse(&bytes, &slug, &title) {
                            Ok(definition) => definition,
                            Err(crate::campaign::unit_list::BadUnitList(errors)) => {
                                for e in &errors {
                                    eprintln!("row {} {}: {}", e.row, e.column, e.reason);
                                }
                                anyhow::bail!(
                                    "{} has {} faults; nothing was created",
                                    file.display(),
                                    errors.len()
                                );
                            }
                        }
                    }
                    (None, None) => {
                        let text = String::from_utf8(bytes).context("a campaign file is UTF-8 text")?;
                        CampaignDefinition::from_toml(&text)
                            .with_context(|| format!("{} is not a valid campaign file", file.display()))?
                    }
                    _ => anyhow::bail!("a unit list needs both --slug and --title"),
                };
                let store = open_store(&settings).await?;
                lifecycle::create(store.as_ref(), &definition, open, &actor(), &file.display().to_string())
                    .await?;
                let status = if open { "open" } else { "draft" };
                println!(
                    "created campaign `{}` ({status}, {} units)",
                    definition.slug,
                    definition.unit_count()
                );
                Ok(())
            }
            Self::Update { file, data } => {
                data.apply(&mut settings);
                let bytes = limits::read_file(&file, limits::MAX_CAMPAIGN_FILE_BYTES)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let definition = CampaignDefinition::from_file(&bytes)
                    .with_context(|| format!("{} is not a valid campaign file", file.display()))?;
                let store = open_store(&settings).await?;
                lifecycle::update_draft(store.as_ref(), &definition, &actor()).await?;
                println!("draft `{}` updated ({} units)", definition.slug, definition.unit_count());
                Ok(())
            }
            Self::Open { slug, data } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                lifecycle::open(store.as_ref(), &slug, &actor()).await?;
                println!("campaign `{slug}` is open");
                Ok(())
            }
            Self::Close { slug, data } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                let campaign =
                    store.campaign(&slug).await?.with_context(|| format!("there is no campaign `{slug}`"))?;
                let started = std::time::Instant::now();
                let progress = indicatif::ProgressBar::new_spinner()
                    .with_message(format!("closing `{slug}`: recounting its ballots"));
                progress.enable_steady_tick(std::time::Duration::from_millis(120));
                let sealer = crate::intake::seal::Sealer::new(&crate::server::load_secret(&settings)?);
                let report =
                    crate::campaign::results::close(store.as_ref(), &sealer, &campaign, &actor()).await;
                progress.finish_and_clear();
                let report = report?;
                println!(
                    "campaign `{slug}` is closed: {} ballots, results frozen in {:.2} s\nfingerprint {}",
                    report.ballots,
                    started.elapsed().as_secs_f64(),
                    report.fingerprint.unwrap_or_default()
                );
                Ok(())
            }
            Self::Settings {
                slug,
                public,
                sms_per_hour,
                response_target,
                opens_on,
                closes_on,
                anonymity_threshold,
                data,
            } => {
                data.apply(&mut settings);
                let store = open_store(&settings).await?;
                let campaign =
                    store.campaign(&slug).await?.with_context(|| format!("there is no campaign `{slug}`"))?;
                let mut changed = campaign.definition.settings();
                let before = changed.clone();
                if let Some(mode) = public {
                    changed.public.mode = match mode.as_str() {
                        "phone" => PublicMode::Phone,
                        "device" => PublicMode::Device,
                        _ => PublicMode::Off,
                    };
                }
                changed.public.sms_per_hour = sms_per_hour.or(changed.public.sms_per_hour);
                changed.response_target = response_target.or(changed.response_target);
                changed.opens_on = opens_on.or(changed.opens_on);
                changed.closes_on = closes_on.or(changed.closes_on);
                changed.anonymity_threshold = anonymity_threshold.or(changed.anonymity_threshold);
                if changed != before {
                    if approvals::needed(&campaign) && lifecycle::settings_need_approval(&campaign, &changed)
                    {
                        lifecycle::check_settings(&campaign, changed.clone())?;
                        let act = Act::Settings { settings: changed.clone() };
                        let approval = approvals::request(store.as_ref(), &campaign, &act, &actor()).await?;
                        println!(
                            "评议已开始：修改匿名门槛须经第二人复核，已提交申请 #{}（`minping approvals approve {slug} {}`）",
                            approval.id, approval.id
                        );
                        return Ok(());
                    }
                    lifecycle::change_settings(store.as_ref(), &slug, changed.clone(), &actor()).await?;
                    println!("the settings of `{slug}` are changed:");
                }
                println!("{}", serde_json::to_string_pretty(&changed)?);
                Ok(())
            }
            Self::Formula { slug, file, override_reason, data } => {
                data.apply(&mut settings);
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let formula = formula_from_toml(&text)
                    .with_context(|| format!("{} has no valid [formula]", file.display()))?;
                let store = open_store(&settings).await?;
                let campaign = crate::campaign::find(store.as_ref(), &slug).await?;
                if approvals::needed(&campaign) {
                    let reason = override_reason.as_deref();
                    lifecycle::check_formula(&campaign, formula.clone(), reason)?;
                    let act = Act::Formula { formula, reason: reason.unwrap_or_default().trim().to_owned() };
                    let approval = approvals::request(store.as_ref(), &campaign, &act, &actor()).await?;
                    println!(
                        "评议已开始：修改计分规则须经第二人复核，已提交申请 #{}（`minping approvals approve {slug} {}`）",
                        approval.id, approval.id
                    );
                    return Ok(());
                }
                lifecycle::change_formula(
                    store.as_ref(),
                    &slug,
                    formula,
                    override_reason.as_deref(),
                    &actor(),
                )
                .await?;
                println!("the formula of `{slug}` is changed");
                Ok(())
            }
        }
    }
}

/// The `[formula]` table of a TOML file (a campaign file, or one holding just the formula);
/// other tables are ignored.
fn formula_from_toml(text: &str) -> anyhow::Result<Formula> {
    #[derive(serde::Deserialize)]
    struct File {
        formula: Formula,
    }
    Ok(toml::from_str::<File>(text)?.formula)
}
