//! The anonymised ballot export (`minping-ballots/2`): what anyone needs to recount a
//! closed campaign and check its fingerprint — and nothing more (docs/ANONYMITY.md).
//!
//! JSON Lines. The first line is the header: the campaign's units and scale, the formula,
//! the number of ballots, the frozen fingerprint and the final results. Each following line
//! is one ballot: respondent class, panel segment (only when the formula weighs segments,
//! otherwise null), whether it was flagged, and its ratings — one character per unit in the
//! header's unit order, the option's index in the header's `options`, or `-` when unrated.
//! No receipt, no free text, no identity, no district, no time; lines are in a random order
//! drawn when each ballot was mixed. (Version 1 also carried the district and the day: with
//! a non-responder list they pointed at named members.)
//!
//! The fingerprint is `sha256:` + the hex SHA-256 of the header's `format`, `campaign`,
//! `formula`, `anonymity_threshold`, `late_credential_ballots` and `audit_head` as one line of
//! canonical JSON (the header line without its last three fields),
//! followed by every ballot line exactly as written, each with its newline.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::Campaign;
use crate::scoring::formula::{Formula, PANEL_CLASS};
use crate::scoring::{CategoryRef, Layout, Tally, UnitRef};
use crate::store::{StoreError, StoredBallot};

/// Why the ballot export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Ballots are published once the campaign is closed and its results frozen.
    #[error("campaign `{0}` is not closed: its ballots are published once it is")]
    NotClosed(String),
    /// The frozen results, read before anything is written.
    #[error(transparent)]
    Frozen(StoreError),
    /// The ballots, or the output, while writing.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(
        "the stored ballots ({written}, {fingerprint}) no longer match the frozen results ({ballots}, {frozen}): \
         the database was changed after the campaign closed"
    )]
    Changed { written: u64, fingerprint: String, ballots: u64, frozen: String },
}

pub const FORMAT: &str = "minping-ballots/2";

/// The campaign as the export describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignLayout {
    pub slug: String,
    pub title: String,
    pub categories: Vec<LayoutCategory>,
    /// Option codes of the scale, in order: a rating character `3` means `options[3]`.
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutCategory {
    pub code: String,
    pub name: String,
    pub units: Vec<LayoutUnit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutUnit {
    pub code: String,
    pub name: String,
}

impl CampaignLayout {
    pub fn of(campaign: &Campaign) -> Self {
        let d = &campaign.definition;
        Self {
            slug: d.slug.clone(),
            title: d.title.clone(),
            categories: (d.categories.iter())
                .map(|c| LayoutCategory {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    units: (c.units.iter())
                        .map(|u| LayoutUnit { code: u.code.clone(), name: u.name.clone() })
                        .collect(),
                })
                .collect(),
            options: d.scale.iter().map(|o| o.code.clone()).collect(),
        }
    }

    /// The scoring module's view of the same campaign.
    pub fn layout(&self) -> Layout {
        Layout {
            categories: (self.categories.iter())
                .map(|c| CategoryRef { code: c.code.clone(), name: c.name.clone() })
                .collect(),
            units: (self.categories.iter().enumerate())
                .flat_map(|(i, c)| {
                    c.units.iter().map(move |u| UnitRef {
                        code: u.code.clone(),
                        name: u.name.clone(),
                        category: i,
                    })
                })
                .collect(),
            options: self.options.clone(),
        }
    }

    pub fn unit_count(&self) -> usize {
        self.categories.iter().map(|c| c.units.len()).sum()
    }
}

/// The part of the header the fingerprint covers: what the recount needs, and what the
/// 督查办 checks beside it — the anonymity threshold the results were cut at, how many panel
/// ballots came through credentials issued after opening, and the head of the campaign's
/// audit chain when it closed (docs/SECURITY.md). None of them can be changed in a
/// published file without changing its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preamble {
    pub format: String,
    pub campaign: CampaignLayout,
    pub formula: Formula,
    pub anonymity_threshold: u64,
    pub late_credential_ballots: u64,
    /// The hash of the campaign's `campaign.close` audit entry: every act before the close
    /// is chained under it.
    pub audit_head: Option<String>,
}

impl Preamble {
    /// The preamble of a closed campaign, the same at its close and at every export.
    pub async fn of(store: &dyn crate::store::Store, campaign: &Campaign) -> Result<Self, StoreError> {
        let log = store.audit_log(Some(campaign.id)).await?;
        let closed = log.iter().rev().find(|e| e.action == "campaign.close");
        Ok(Self {
            format: FORMAT.into(),
            campaign: CampaignLayout::of(campaign),
            formula: campaign.definition.formula.clone(),
            anonymity_threshold: campaign.definition.anonymity_threshold,
            late_credential_ballots: store.late_credential_ballots(campaign.id).await? as u64,
            audit_head: closed.and_then(|e| e.hash.clone()),
        })
    }
}

/// Where the panel ballots of 界别 too small to publish go. Such a 界别 never counts in a
/// score (`min_class_valid` is at least k), so merging changes no score: its ballots are
/// counted, unweighted, under this name, and the 界别 itself reads as having none.
pub const MERGED_SEGMENTS: &str = "其他界别（合并）";

/// What the published file groups: the 界别 whose panel ballots number fewer than k in all.
/// Found by a first pass over the stored ballots, so the close (which fingerprints the
/// lines) and every later export write the same lines.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Publication {
    pub merged: BTreeSet<String>,
}

impl Publication {
    pub async fn of(store: &dyn crate::store::Store, campaign: &Campaign) -> Result<Self, StoreError> {
        let formula = &campaign.definition.formula;
        if formula.segment_weights.is_none() {
            return Ok(Self::default());
        }
        let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
        store
            .for_each_ballot(campaign.id, &mut |ballot| {
                if let Some(segment) = BallotLine::of(ballot, formula).segment {
                    *sizes.entry(segment).or_default() += 1;
                }
                Ok(())
            })
            .await?;
        Ok(Self::from_sizes(sizes, campaign.definition.anonymity_threshold))
    }

    pub fn from_sizes(sizes: BTreeMap<String, u64>, k: u64) -> Self {
        Self { merged: sizes.into_iter().filter(|(_, n)| *n < k).map(|(s, _)| s).collect() }
    }
}

/// The first line of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    #[serde(flatten)]
    pub preamble: Preamble,
    pub ballots: u64,
    pub fingerprint: String,
    /// Cut as the preamble's `anonymity_threshold` says: `verify` cuts its recount the same.
    pub results: serde_json::Value,
}

/// One ballot line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotLine {
    pub class: String,
    /// A panel ballot's segment, only when the formula weighs segments (the recount needs
    /// it then, and only then).
    pub segment: Option<String>,
    pub flagged: bool,
    pub ratings: String,
}

impl BallotLine {
    /// The line of a stored ballot under the campaign's formula.
    pub fn of(ballot: StoredBallot, formula: &Formula) -> Self {
        let weighs_segments = formula.segment_weights.is_some() && ballot.class == PANEL_CLASS;
        Self {
            segment: ballot.segment.filter(|_| weighs_segments),
            class: ballot.class,
            flagged: ballot.flags != 0,
            ratings: ballot.ratings,
        }
    }

    /// The line as published: a 界别 with fewer than k panel ballots in all is merged into
    /// [`MERGED_SEGMENTS`] (see [`Publication`]).
    pub fn published(mut self, publication: &Publication) -> Self {
        if (self.segment.as_ref()).is_some_and(|s| publication.merged.contains(s)) {
            self.segment = Some(MERGED_SEGMENTS.into());
        }
        self
    }

    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a ballot line serialises")
    }
}

/// Hashes the preamble and then each ballot line into the fingerprint.
pub struct Fingerprinter(Sha256);

impl Fingerprinter {
    pub fn new(preamble: &Preamble) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(serde_json::to_string(preamble).expect("a preamble serialises").as_bytes());
        hasher.update(b"\n");
        Self(hasher)
    }

    pub fn line(&mut self, line: &str) {
        self.0.update(line.as_bytes());
        self.0.update(b"\n");
    }

    pub fn finish(self) -> String {
        format!("sha256:{}", hex::encode(self.0.finalize()))
    }
}

/// Adds ballot lines up into counters, the same counters the store keeps.
pub struct Recount {
    units: usize,
    options: usize,
    counts: HashMap<(usize, usize, String, String, bool), u64>,
    pub ballots: u64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("ballot {line}: {reason}")]
pub struct RecountError {
    pub line: u64,
    pub reason: String,
}

impl Recount {
    pub fn new(layout: &CampaignLayout) -> Self {
        Self { units: layout.unit_count(), options: layout.options.len(), counts: HashMap::new(), ballots: 0 }
    }

    pub fn add(&mut self, ballot: &BallotLine) -> Result<(), RecountError> {
        self.ballots += 1;
        let fail = |reason: String| RecountError { line: self.ballots, reason };
        if ballot.ratings.len() != self.units {
            return Err(fail(format!(
                "has {} ratings, the campaign {} units",
                ballot.ratings.len(),
                self.units
            )));
        }
        let segment = ballot.segment.clone().unwrap_or_default();
        for (unit, c) in ballot.ratings.bytes().enumerate() {
            let option = match c {
                b'-' => continue,
                b'0'..=b'9' if ((c - b'0') as usize) < self.options => (c - b'0') as usize,
                _ => return Err(fail(format!("rating {} of unit {} is not an option", c as char, unit + 1))),
            };
            *self
                .counts
                .entry((unit, option, ballot.class.clone(), segment.clone(), ballot.flagged))
                .or_default() += 1;
        }
        Ok(())
    }

    pub fn tallies(&self) -> Vec<Tally> {
        let mut tallies: Vec<Tally> = (self.counts.iter())
            .map(|((unit, option, class, segment, flagged), count)| Tally {
                unit: *unit,
                option: *option,
                class: class.clone(),
                segment: segment.clone(),
                flagged: *flagged,
                count: *count,
            })
            .collect();
        tallies.sort_by(|a, b| {
            (a.unit, a.option, &a.class, &a.segment, a.flagged)
                .cmp(&(b.unit, b.option, &b.class, &b.segment, b.flagged))
        });
        tallies
    }
}

/// Writes the anonymised export of a closed, frozen campaign. While writing it recomputes the
/// fingerprint, and fails if the stored ballots no longer match the frozen one.
pub async fn write(
    store: &dyn crate::store::Store,
    campaign: &Campaign,
    out: &mut (dyn std::io::Write + Send),
) -> Result<Header, ExportError> {
    let frozen = (store.final_results(campaign.id).await.map_err(ExportError::Frozen)?)
        .ok_or_else(|| ExportError::NotClosed(campaign.slug().to_owned()))?;
    let preamble = Preamble::of(store, campaign).await.map_err(ExportError::Frozen)?;
    let mut results: crate::scoring::Results = serde_json::from_str(&frozen.results)?;
    crate::scoring::disclose(&mut results, &preamble.formula, preamble.anonymity_threshold);
    let header = Header {
        preamble,
        ballots: frozen.ballots as u64,
        fingerprint: frozen.fingerprint.clone(),
        results: serde_json::to_value(&results)?,
    };
    let publication = Publication::of(store, campaign).await?;
    writeln!(out, "{}", serde_json::to_string(&header)?)?;
    let mut fingerprint = Fingerprinter::new(&header.preamble);
    let mut written = 0u64;
    store
        .for_each_ballot(campaign.id, &mut |ballot| {
            let line = BallotLine::of(ballot, &header.preamble.formula).published(&publication).to_line();
            fingerprint.line(&line);
            writeln!(out, "{line}")?;
            written += 1;
            Ok(())
        })
        .await?;
    let fingerprint = fingerprint.finish();
    if fingerprint != frozen.fingerprint || written != header.ballots {
        let (ballots, frozen) = (header.ballots, frozen.fingerprint);
        return Err(ExportError::Changed { written, fingerprint, ballots, frozen });
    }
    Ok(header)
}

/// Writes every receipt of the campaign, sorted, one per line: a respondent finds their own
/// there, and the count matches the ballots; the order says nothing about any ballot.
pub async fn write_receipts(
    store: &dyn crate::store::Store,
    campaign: &Campaign,
    out: &mut (dyn std::io::Write + Send),
) -> Result<u64, StoreError> {
    let mut written = 0u64;
    store
        .for_each_receipt(campaign.id, &mut |receipt| {
            writeln!(out, "{}", crate::domain::receipt::group_by_four(&receipt))?;
            written += 1;
            Ok(())
        })
        .await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_serialises_in_a_fixed_form() {
        let line = BallotLine {
            class: "panel".into(),
            segment: Some("人大代表".into()),
            flagged: false,
            ratings: "01-3".into(),
        };
        assert_eq!(
            line.to_line(),
            r#"{"class":"panel","segment":"人大代表","flagged":false,"ratings":"01-3"}"#
        );
    }

    #[test]
    fn a_line_names_the_segment_only_when_the_formula_weighs_segments() {
        let stored = || StoredBallot {
            class: "panel".into(),
            segment: Some("人大代表".into()),
            district: Some("城关区".into()),
            ratings: "0".into(),
            flags: 0,
        };
        let mut formula = Formula::default();
        assert_eq!(BallotLine::of(stored(), &formula).segment, None);
        formula.segment_weights = Some([("人大代表".to_string(), "1".parse().unwrap())].into());
        assert_eq!(BallotLine::of(stored(), &formula).segment.as_deref(), Some("人大代表"));
        // Never the district, never the time.
        assert!(!BallotLine::of(stored(), &formula).to_line().contains("城关区"));
    }
}
