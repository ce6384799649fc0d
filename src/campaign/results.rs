//! Results of a campaign: provisional (from the live counters) while it is open, final and
//! frozen — with the fingerprint of its anonymised ballots — once it closes.

use serde::{Deserialize, Serialize};

use crate::domain::{Campaign, CampaignStatus};
use crate::export::ballots::{BallotLine, CampaignLayout, Fingerprinter, Preamble, Publication, Recount};
use crate::intake::mixer::{self, MixError};
use crate::intake::seal::Sealer;
use crate::scoring::formula::Formula;
use crate::scoring::{self, Results, Tally};
use crate::store::{AuditEntry, FinalResults, Store, StoreError, TallyRow};

/// Why results could not be read or computed. Apart from a bad `flagged`, each means the
/// database holds what the program never writes, or cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("flagged must be include or exclude, not `{0}`")]
    UnknownFlagged(String),
    #[error("the counters name unit `{0}`, which the campaign lacks")]
    UnknownUnit(String),
    #[error("the counters name option `{0}`, which the scale lacks")]
    UnknownOption(String),
    #[error("a negative counter")]
    NegativeCounter(#[source] std::num::TryFromIntError),
    #[error("the frozen results are not readable")]
    Unreadable(#[source] serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a campaign could not be closed and its results frozen.
#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    /// A draft never took a ballot: there is nothing to close (the only refusal staff can cause).
    #[error("campaign `{0}` has not opened; there is nothing to close")]
    Draft(String),
    #[error("the counters of campaign `{0}` disagree with a recount of its ballots; results are not frozen")]
    Disagree(String),
    #[error("the last sealed ballots of the campaign could not be mixed")]
    Mix(#[from] MixError),
    #[error(transparent)]
    Results(#[from] ResultsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which results staff ask for: those of now, or what they would be with flagged ballots
/// counted or not ([`what_if_flagged`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Now,
    WhatIf { count_flagged: bool },
}

impl View {
    /// From the `flagged` query parameter: absent, `include` or `exclude`.
    pub fn parse(flagged: Option<&str>) -> Result<Self, ResultsError> {
        match flagged {
            None => Ok(Self::Now),
            Some("include") => Ok(Self::WhatIf { count_flagged: true }),
            Some("exclude") => Ok(Self::WhatIf { count_flagged: false }),
            Some(other) => Err(ResultsError::UnknownFlagged(other.to_owned())),
        }
    }
}

/// The results a [`View`] names.
pub async fn view(store: &dyn Store, campaign: &Campaign, view: View) -> Result<Report, ResultsError> {
    match view {
        View::Now => report(store, campaign).await,
        View::WhatIf { count_flagged } => what_if_flagged(store, campaign, count_flagged).await,
    }
}

/// Results with what they are results of: the document every export is made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub campaign: String,
    pub title: String,
    /// `provisional` while the campaign is open, `final` once it is closed and frozen.
    pub status: String,
    pub ballots: u64,
    /// Present once final.
    pub fingerprint: Option<String>,
    /// Unix seconds when these figures were computed (frozen, for final results).
    pub computed_at: i64,
    pub formula: Formula,
    /// The campaign's anonymity threshold k: no figure of a group under it is in `results`.
    #[serde(default)]
    pub anonymity_threshold: u64,
    /// Panel ballots cast with a credential issued after the campaign opened (an approved
    /// import or re-issue, a reminder): what the 督查办 checks against the approvals.
    #[serde(default)]
    pub late_credential_ballots: u64,
    /// The scale's options, for reading the counts.
    pub scale: Vec<ScaleLabel>,
    pub results: Results,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleLabel {
    pub code: String,
    pub label: String,
}

impl Report {
    /// An option's label, for tables; its code when the scale lacks it.
    pub fn option_label(&self, code: &str) -> String {
        (self.scale.iter().find(|o| o.code == code)).map_or_else(|| code.to_owned(), |o| o.label.clone())
    }
}

fn scale_labels(campaign: &Campaign) -> Vec<ScaleLabel> {
    (campaign.definition.scale.iter())
        .map(|o| ScaleLabel { code: o.code.clone(), label: o.label.clone() })
        .collect()
}

/// The scoring module's counters from the store's rows; rows of units or options the
/// campaign does not have (there are none unless the database was edited) are refused.
pub fn tallies(campaign: &Campaign, rows: &[TallyRow]) -> Result<Vec<Tally>, ResultsError> {
    rows.iter()
        .map(|r| {
            let unit = (campaign.unit_index(&r.unit_code))
                .ok_or_else(|| ResultsError::UnknownUnit(r.unit_code.clone()))?;
            let option = (campaign.option_index(&r.option_code))
                .ok_or_else(|| ResultsError::UnknownOption(r.option_code.clone()))?;
            Ok(Tally {
                unit,
                option,
                class: r.class.clone(),
                segment: r.segment.clone(),
                flagged: r.flagged,
                count: u64::try_from(r.count).map_err(ResultsError::NegativeCounter)?,
            })
        })
        .collect()
}

/// Results now: the frozen ones of a closed campaign, otherwise computed from the counters.
pub async fn report(store: &dyn Store, campaign: &Campaign) -> Result<Report, ResultsError> {
    if let Some(frozen) = store.final_results(campaign.id).await? {
        let late = store.late_credential_ballots(campaign.id).await? as u64;
        return frozen_report(campaign, &frozen, late);
    }
    let rows = store.tallies(campaign.id).await?;
    let formula = &campaign.definition.formula;
    let results =
        scoring::compute(&CampaignLayout::of(campaign).layout(), formula, &tallies(campaign, &rows)?);
    let late = store.late_credential_ballots(campaign.id).await? as u64;
    Ok(Report {
        campaign: campaign.slug().to_owned(),
        title: campaign.definition.title.clone(),
        status: "provisional".into(),
        ballots: store.ballot_count(campaign.id).await? as u64,
        fingerprint: None,
        computed_at: crate::clock::now_unix(),
        formula: campaign.definition.formula.clone(),
        anonymity_threshold: campaign.definition.anonymity_threshold,
        late_credential_ballots: late,
        scale: scale_labels(campaign),
        results: shown(campaign, formula, results),
    })
}

/// What staff and the public may see of `results`: no group under the campaign's anonymity
/// threshold (`scoring::disclose`). Every [`Report`] goes through it; scores do not change.
pub fn shown(campaign: &Campaign, formula: &Formula, mut results: Results) -> Results {
    scoring::disclose(&mut results, formula, campaign.definition.anonymity_threshold);
    results
}

/// The results as they would be with flagged ballots counted (or not), whatever the
/// formula says: staff see what the suspicious ballots change. Status `what_if`: never
/// frozen, never the published figures.
pub async fn what_if_flagged(
    store: &dyn Store,
    campaign: &Campaign,
    count_flagged: bool,
) -> Result<Report, ResultsError> {
    let mut formula = campaign.definition.formula.clone();
    formula.count_flagged = count_flagged;
    let rows = store.tallies(campaign.id).await?;
    let counted = campaign.definition.formula.count_flagged;
    let k = campaign.definition.anonymity_threshold;
    let valid = |option: usize| formula.points.contains_key(&campaign.definition.scale[option].code);
    let tallies = compare_only_k(tallies(campaign, &rows)?, counted, count_flagged, k, &valid);
    let mut results = scoring::compute(&CampaignLayout::of(campaign).layout(), &formula, &tallies.tallies);
    for unit in tallies.as_counted {
        results.units[unit].hidden.push(AS_COUNTED.into());
    }
    let late = store.late_credential_ballots(campaign.id).await? as u64;
    Ok(Report {
        campaign: campaign.slug().to_owned(),
        title: campaign.definition.title.clone(),
        status: "what_if".into(),
        ballots: store.ballot_count(campaign.id).await? as u64,
        fingerprint: None,
        computed_at: crate::clock::now_unix(),
        anonymity_threshold: campaign.definition.anonymity_threshold,
        late_credential_ballots: late,
        scale: scale_labels(campaign),
        results: shown(campaign, &formula, results),
        formula,
    })
}

/// `hidden` entry of a what-if unit shown as the formula counts its flagged ballots.
pub const AS_COUNTED: &str = "what_if";

struct WhatIfTallies {
    tallies: Vec<Tally>,
    /// Units whose flagged ballots are left as the formula counts them.
    as_counted: Vec<usize>,
}

/// The tallies of a what-if view. Set beside the results of now, a what-if's difference is
/// exactly the flagged ballots of each unit and class: where a class's flagged ballots at a
/// unit have fewer than k valid ratings, that difference would show them (docs/ANONYMITY.md).
/// Such a unit's flagged ballots stay counted as the formula says — kept flagged and left
/// out when it excludes them, turned into plain counts when it counts them — so the what-if
/// moves nothing there.
fn compare_only_k(
    tallies: Vec<Tally>,
    counted: bool,
    what_if: bool,
    k: u64,
    valid: &dyn Fn(usize) -> bool,
) -> WhatIfTallies {
    let mut flagged: std::collections::BTreeMap<(usize, String), u64> = Default::default();
    for t in tallies.iter().filter(|t| t.flagged) {
        *flagged.entry((t.unit, t.class.clone())).or_default() += if valid(t.option) { t.count } else { 0 };
    }
    let mut as_counted: Vec<usize> = (flagged.into_iter())
        .filter(|(_, n)| counted != what_if && *n < k)
        .map(|((unit, _), _)| unit)
        .collect();
    as_counted.dedup();
    let tallies = (tallies.into_iter())
        .filter_map(|mut t| {
            if t.flagged && as_counted.contains(&t.unit) {
                if !counted {
                    return None;
                }
                t.flagged = false;
            }
            Some(t)
        })
        .collect();
    WhatIfTallies { tallies, as_counted }
}

fn frozen_report(campaign: &Campaign, frozen: &FinalResults, late: u64) -> Result<Report, ResultsError> {
    Ok(Report {
        campaign: campaign.slug().to_owned(),
        title: campaign.definition.title.clone(),
        status: "final".into(),
        ballots: frozen.ballots as u64,
        fingerprint: Some(frozen.fingerprint.clone()),
        computed_at: frozen.frozen_at,
        formula: campaign.definition.formula.clone(),
        anonymity_threshold: campaign.definition.anonymity_threshold,
        late_credential_ballots: late,
        scale: scale_labels(campaign),
        results: shown(
            campaign,
            &campaign.definition.formula,
            serde_json::from_str(&frozen.results).map_err(ResultsError::Unreadable)?,
        ),
    })
}

/// Closes a campaign and freezes its results; a draft is refused. Safe to repeat: a campaign
/// closed but not yet frozen (the process stopped in between) is frozen; a frozen one is left
/// as it is.
///
/// Closing waits for every batch of ballots being committed, on any instance; after it no
/// ballot of the campaign is acknowledged. The final figures come from the counters, and are
/// checked against a recount of the stored ballots, whose export the fingerprint covers.
pub async fn close(
    store: &dyn Store,
    sealer: &Sealer,
    campaign: &Campaign,
    actor: &str,
) -> Result<Report, CloseError> {
    let slug = campaign.slug();
    if campaign.status == CampaignStatus::Draft {
        return Err(CloseError::Draft(slug.to_owned()));
    }
    if let Some(frozen) = store.final_results(campaign.id).await? {
        let late = store.late_credential_ballots(campaign.id).await? as u64;
        return Ok(frozen_report(campaign, &frozen, late)?);
    }
    if store.close_campaign(campaign.id).await? {
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "campaign.close".into(),
            campaign_id: Some(campaign.id),
            detail: format!("closed campaign `{slug}`"),
        };
        store.append_audit(&entry).await?;
    }
    // No batch can add a ballot now: every sealed one becomes content, the last step
    // included (the mixer kept at least k back for it while the campaign was open).
    mixer::mix_campaign(store, sealer, campaign, true).await?;

    let layout = CampaignLayout::of(campaign);
    let formula = campaign.definition.formula.clone();
    let preamble = Preamble::of(store, campaign).await?;
    let publication = Publication::of(store, campaign).await?;
    let mut fingerprint = Fingerprinter::new(&preamble);
    let (mut recount, mut published) = (Recount::new(&layout), Recount::new(&layout));
    store
        .for_each_ballot(campaign.id, &mut |ballot| {
            let line = BallotLine::of(ballot, &formula);
            recount.add(&line)?;
            let line = line.published(&publication);
            fingerprint.line(&line.to_line());
            published.add(&line)?;
            Ok(())
        })
        .await?;
    let counters =
        scoring::compute(&layout.layout(), &formula, &tallies(campaign, &store.tallies(campaign.id).await?)?);
    let recounted = scoring::compute(&layout.layout(), &formula, &recount.tallies());
    if counters != recounted {
        return Err(CloseError::Disagree(slug.to_owned()));
    }
    // The final results are those of the published lines, so anyone can recount them; they
    // differ from the counters' only where small 界别 were merged, which moves no score.
    let results = scoring::compute(&layout.layout(), &formula, &published.tallies());
    // Merging moves no score by construction (a merged 界别 never reaches min_class_valid);
    // were that ever untrue — a weight under the merged name — the close refuses.
    let scored = |r: &Results| -> Vec<_> {
        r.units.iter().map(|u| (u.unit_score.clone(), u.score_component.clone(), u.rank)).collect()
    };
    if scored(&results) != scored(&counters) {
        return Err(CloseError::Disagree(slug.to_owned()));
    }

    let frozen = FinalResults {
        fingerprint: fingerprint.finish(),
        ballots: recount.ballots as i64,
        results: serde_json::to_string(&results).expect("results serialise"),
        frozen_at: crate::clock::now_unix(),
    };
    store.save_final_results(campaign.id, &frozen).await?;
    let entry = AuditEntry {
        actor: actor.to_owned(),
        action: "results.freeze".into(),
        campaign_id: Some(campaign.id),
        detail: format!("{} ballots, {}", frozen.ballots, frozen.fingerprint),
    };
    store.append_audit(&entry).await?;
    let late = store.late_credential_ballots(campaign.id).await? as u64;
    Ok(frozen_report(campaign, &frozen, late)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(unit: usize, flagged: bool, count: u64) -> Tally {
        Tally { unit, option: 0, class: "public".into(), segment: String::new(), flagged, count }
    }

    #[test]
    fn a_what_if_moves_only_units_with_k_flagged_ballots() {
        let tallies =
            || vec![tally(0, false, 40), tally(0, true, 3), tally(1, false, 40), tally(1, true, 12)];
        // Counted by the formula, excluded in the what-if: unit 0's three stay counted.
        let valid = |option: usize| option == 0;
        let excluded = compare_only_k(tallies(), true, false, 10, &valid);
        assert_eq!(excluded.as_counted, vec![0]);
        let flagged: Vec<(usize, bool, u64)> =
            excluded.tallies.iter().map(|t| (t.unit, t.flagged, t.count)).collect();
        assert_eq!(flagged, vec![(0, false, 40), (0, false, 3), (1, false, 40), (1, true, 12)]);
        // Excluded by the formula, counted in the what-if: unit 0's three stay out.
        let included = compare_only_k(tallies(), false, true, 10, &valid);
        assert_eq!(included.tallies.len(), 3);
        assert!(included.tallies.iter().all(|t| t.unit == 1 || !t.flagged));
        // The what-if is the formula itself: nothing to compare, nothing changed.
        assert!(compare_only_k(tallies(), true, true, 10, &valid).as_counted.is_empty());
    }
}
