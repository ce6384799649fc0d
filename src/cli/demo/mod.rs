//! The demo campaign a newcomer can try at once: `minping demo`.

pub mod data;

use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::domain::campaign::{CategoryDefinition, UnitDefinition};
use crate::domain::scale::default_scale;
use crate::domain::{CampaignDefinition, CampaignStatus};
use crate::identity::{PhoneNumber, Secret};
use crate::panel::roster::{self, RosterRow};
use crate::store::Store;

pub const SLUG: &str = "demo";
pub const CSV_NAME: &str = "demo-invitations.csv";

/// What `minping demo` prints for the newcomer.
#[derive(Debug)]
pub struct DemoInfo {
    pub survey_url: String,
    pub csv_path: PathBuf,
    /// The first invitation's link, when the invitation list is at hand.
    pub sample_invitation_url: Option<String>,
    pub invitations: i64,
    pub created: bool,
}

pub fn definition() -> CampaignDefinition {
    CampaignDefinition {
        slug: SLUG.into(),
        title: data::TITLE.into(),
        title_en: Some(data::TITLE_EN.into()),
        require_all: true,
        reason_max_chars: 200,
        suggestion_max_chars: 500,
        scale: default_scale(),
        formula: Default::default(),
        anonymity_threshold: 10,
        opens_on: None,
        closes_on: None,
        response_target: None,
        public: Default::default(),
        // The panel's districts: the public may say which of them they live in.
        districts: data::district_names().map(String::from).collect(),
        categories: (data::CATEGORIES.iter())
            .map(|c| CategoryDefinition {
                code: c.code.into(),
                name: c.name.into(),
                name_en: Some(c.name_en.into()),
                units: (c.units.iter())
                    .map(|u| UnitDefinition {
                        code: u.code.into(),
                        name: u.name.into(),
                        name_en: Some(u.name_en.into()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Creates the demo campaign and its panel on first start, and writes their invitation list
/// then — the only time the invitations exist in clear (docs/SECURITY.md); afterwards reuses
/// them and the list already written.
pub async fn ensure(
    store: &dyn Store,
    secret: &Secret,
    data_dir: &Path,
    public_base: &str,
    panel_size: usize,
) -> anyhow::Result<DemoInfo> {
    let csv_path = data_dir.join(CSV_NAME);
    let (campaign, created) = match store.campaign(SLUG).await? {
        Some(c) => (c, false),
        None => {
            // A draft first: its panel is imported before it opens, as any campaign's is.
            store.create_campaign(&definition(), CampaignStatus::Draft).await?;
            (store.campaign(SLUG).await?.context("the demo campaign was just created")?, true)
        }
    };
    if store.invitation_count(campaign.id).await? == 0 {
        let members = roster::members(secret, &panel(panel_size));
        // A bar for large panels (load tests); it draws only on a terminal.
        let bar = if panel_size >= 10_000 {
            indicatif::ProgressBar::new(panel_size as u64)
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template("  评议团邀请 {bar:40} {pos}/{len} ({eta})")
                .expect("a valid template"),
        );
        let report = |done: usize| bar.set_position(done as u64);
        let issued = roster::import(store, secret, &campaign, &members, public_base, &report).await;
        bar.finish_and_clear();
        let lines = issued.context("cannot store the invitations")?;
        let partial = csv_path.with_extension("csv.partial");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        roster::write_csv(&lines, &mut file)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        file.into_inner()?.sync_all()?;
        std::fs::rename(&partial, &csv_path)?;
    }
    if campaign.status == CampaignStatus::Draft {
        crate::campaign::lifecycle::open(store, SLUG, "demo").await?;
    }
    let (invitations, sample_invitation_url) = read_list(&csv_path)?;
    Ok(DemoInfo {
        survey_url: format!("{public_base}/s/{SLUG}"),
        sample_invitation_url,
        csv_path,
        invitations,
        created,
    })
}

/// How many invitations the list written at creation holds, and the first one's link.
fn read_list(path: &Path) -> anyhow::Result<(i64, Option<String>)> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read {} (the demo's invitations are written once, at its creation; remove the data directory to start afresh)", path.display()))?;
    let mut count = 0;
    let mut first = None;
    for record in reader.records() {
        let record = record?;
        if first.is_none() {
            first = record.get(5).map(str::to_owned);
        }
        count += 1;
    }
    Ok((count, first))
}

/// The demo panel: members `P0001`… (mobile 19900000001…), spread over the segments and districts in their shares.
fn panel(size: usize) -> Vec<RosterRow> {
    let segments = spread(data::SEGMENTS, size, 1);
    let districts = spread(data::DISTRICTS, size, 2);
    let width = size.to_string().len().max(4);
    (0..size)
        .map(|i| RosterRow {
            member_code: format!("P{:0width$}", i + 1),
            segment: segments[i].to_owned(),
            district: districts[i].to_owned(),
            // Numbers from one made-up block, so the public channel's routing of panel
            // members can be tried: member P0001 is 199 0000 0001.
            mobile: PhoneNumber::parse(&format!("199{:08}", i + 1)).ok(),
        })
        .collect()
}

/// `n` labels drawn in the given percentages (largest remainder), shuffled by a fixed seed
/// so the demo panel is the same on every machine.
fn spread<'a>(shares: &[(&'a str, u32)], n: usize, seed: u64) -> Vec<&'a str> {
    let total: u32 = shares.iter().map(|(_, p)| p).sum();
    let exact: Vec<f64> = shares.iter().map(|(_, p)| n as f64 * *p as f64 / total as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    for &i in by_remainder.iter().cycle().take(n - counts.iter().sum::<usize>()) {
        counts[i] += 1;
    }
    let mut labels: Vec<&str> = (shares.iter().zip(counts))
        .flat_map(|((label, _), count)| std::iter::repeat_n(*label, count))
        .collect();
    labels.shuffle(&mut StdRng::seed_from_u64(seed));
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_follows_the_shares() {
        let labels = spread(&[("a", 50), ("b", 30), ("c", 20)], 10, 1);
        assert_eq!(labels.len(), 10);
        assert_eq!(labels.iter().filter(|l| **l == "b").count(), 3);
        let odd = spread(&[("a", 1), ("b", 1), ("c", 1)], 7, 1);
        assert_eq!(odd.len(), 7);
    }

    #[test]
    fn the_demo_definition_is_valid() {
        let d = definition();
        d.validate().unwrap();
        assert_eq!(d.categories.iter().map(|c| c.units.len()).sum::<usize>(), 60);
        assert_eq!(d.districts.len(), data::DISTRICTS.len());
        assert!(panel(20).iter().all(|m| d.has_district(&m.district)), "the panel's districts are offered");
    }
}
