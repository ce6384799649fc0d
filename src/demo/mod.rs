//! The demo campaign a newcomer can try at once: `minping demo`.

pub mod data;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::domain::campaign::{CategoryDefinition, UnitDefinition};
use crate::domain::scale::default_scale;
use crate::domain::{CampaignDefinition, CampaignStatus};
use crate::identity::{IssuedInvitation, Secret};
use crate::store::{Invitation, NewInvitation, Store};

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

/// Creates the demo campaign and its panel on first start; afterwards reuses them.
pub async fn ensure(
    store: &dyn Store,
    secret: &Secret,
    data_dir: &Path,
    public_base: &str,
    panel_size: usize,
) -> anyhow::Result<DemoInfo> {
    let csv_path = data_dir.join(CSV_NAME);
    let (campaign_id, created) = match store.campaign(SLUG).await? {
        Some(c) => (c.id, false),
        None => (store.create_campaign(&definition(), CampaignStatus::Open).await?, true),
    };
    let mut invitations = store.invitation_count(campaign_id).await?;
    if invitations == 0 {
        issue_panel(store, secret, campaign_id, &csv_path, public_base, panel_size).await?;
        invitations = panel_size as i64;
    }
    Ok(DemoInfo {
        survey_url: format!("{public_base}/s/{SLUG}"),
        sample_invitation_url: first_url(&csv_path),
        csv_path,
        invitations,
        created,
    })
}

/// Makes `panel_size` invitations: the hashes go to the database, the clear tokens only to
/// the CSV for staff. The CSV is written aside first and moved into place once the
/// database has the invitations, so a list on disk always matches the database.
async fn issue_panel(
    store: &dyn Store,
    secret: &Secret,
    campaign_id: i64,
    csv_path: &Path,
    public_base: &str,
    panel_size: usize,
) -> anyhow::Result<()> {
    let segments = spread(data::SEGMENTS, panel_size, 1);
    let districts = spread(data::DISTRICTS, panel_size, 2);
    let width = panel_size.to_string().len().max(4);
    let mut short_codes = std::collections::HashSet::new();
    let mut issued = Vec::with_capacity(panel_size);
    let mut rows = Vec::with_capacity(panel_size);
    for i in 0..panel_size {
        let invitation = loop {
            let candidate = IssuedInvitation::generate();
            // Short codes are 40 bits: rare collisions in a large panel are re-drawn.
            if short_codes.insert(candidate.short_code.clone()) {
                break candidate;
            }
        };
        let member = Invitation {
            member_code: format!("P{:0width$}", i + 1),
            segment: segments[i].to_owned(),
            district: districts[i].to_owned(),
        };
        rows.push(NewInvitation {
            token_hash: invitation.token_hash(secret),
            short_code_hash: invitation.short_code_hash(secret),
            member: member.clone(),
        });
        issued.push((member, invitation));
        if panel_size >= 10_000 && (i + 1) % (panel_size / 10) == 0 {
            println!("  invitations: {} / {panel_size}", i + 1);
        }
    }

    let pending = csv_path.with_extension("csv.partial");
    write_csv(&pending, &issued, public_base)
        .with_context(|| format!("cannot write {}", pending.display()))?;
    store.add_invitations(campaign_id, &rows).await.context("cannot store the invitations")?;
    if csv_path.exists() {
        // A list from an earlier demo database: keep it, out of the way.
        let old = csv_path.with_extension(format!("csv.old-{}", crate::store::now_unix()));
        std::fs::rename(csv_path, &old)?;
    }
    std::fs::rename(&pending, csv_path)?;
    Ok(())
}

fn write_csv(
    path: &Path,
    issued: &[(Invitation, IssuedInvitation)],
    public_base: &str,
) -> anyhow::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    // A BOM, so that Excel on Chinese Windows reads the file as UTF-8.
    file.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(file);
    csv.write_record(["member_code", "segment", "district", "token", "short_code", "url"])?;
    for (member, invitation) in issued {
        csv.write_record([
            member.member_code.as_str(),
            &member.segment,
            &member.district,
            &invitation.token,
            &invitation.short_code_display(),
            &format!("{public_base}/s/{SLUG}#i={}", invitation.token),
        ])?;
    }
    csv.into_inner()?.into_inner()?.sync_all()?;
    Ok(())
}

fn first_url(csv_path: &Path) -> Option<String> {
    let mut reader = csv::Reader::from_path(csv_path).ok()?;
    let record = reader.records().next()?.ok()?;
    record.get(5).map(str::to_owned)
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
    }
}
