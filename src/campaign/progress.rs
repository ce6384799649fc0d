//! The live view of a campaign for staff: ballots so far and per hour, the panel's response
//! by segment and district, each unit's valid ballots against the campaign's minimum, and
//! the public channel's ballots by self-reported district, abuse signals and SMS budget.
//! Read from counters, and computed at most once every two seconds per instance however
//! many staff watch.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::campaign::results::{shown, ResultsError};
use crate::domain::Campaign;
use crate::export::ballots::CampaignLayout;
use crate::guard::Guard;
use crate::hot::HotState;
use crate::scoring::disclose::{self, hide, Cell};
use crate::store::{Store, StoreError};

/// Why the live figures could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Results(#[from] ResultsError),
}

const FRESH_FOR: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub slug: String,
    pub title: String,
    pub status: &'static str,
    /// Unix seconds when these figures were read.
    pub at: i64,
    pub ballots: i64,
    pub by_hour: Vec<HourCount>,
    pub panel: PanelProgress,
    pub min_valid: u64,
    /// The campaign's anonymity threshold k: a figure under it is `null` here.
    pub anonymity_threshold: u64,
    pub units: Vec<UnitProgress>,
    /// The panel response rate aimed at, in percent (the target line), and the announced dates.
    pub response_target: Option<u8>,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    /// Ballots so far by respondent class (`panel`, `public`, `device`).
    pub by_class: BTreeMap<String, i64>,
    pub public: PublicProgress,
}

/// The public channel as staff watch it: its ballots by district, abuse signals and the SMS budget.
#[derive(Debug, Clone, Serialize)]
pub struct PublicProgress {
    pub mode: &'static str,
    /// Public ballots (phone and device) by the district people chose; see [`by_district`].
    pub by_district: Vec<DistrictCount>,
    /// Every abuse signal by name, 0 when it never happened.
    pub signals: BTreeMap<&'static str, i64>,
    pub sms: SmsBudget,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictCount {
    pub name: String,
    /// `None` when hidden: fewer than k, or needed to keep such a district from being
    /// worked out from the public's total (`scoring::disclose`).
    pub ballots: Option<i64>,
}

/// How the live view names public ballots that came without a district.
pub const NO_DISTRICT: &str = "未填写";

/// Public ballots per district from the counters `(class, district, count)`: every district of
/// the campaign's list in its order (0 when none), then [`NO_DISTRICT`] when some came
/// without one. Phone and device ballots are added up: both are the public's word. The
/// district is part of what a ballot says, so a district under k is not shown.
pub fn by_district(campaign: &Campaign, counters: Vec<(String, String, i64)>) -> Vec<DistrictCount> {
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for (_class, district, n) in counters {
        *sums.entry(district).or_default() += n;
    }
    let not_given = sums.remove("").unwrap_or(0);
    let mut rows: Vec<(String, i64)> = (campaign.definition.districts.iter())
        .map(|name| (name.clone(), sums.remove(name).unwrap_or(0)))
        .collect();
    // The list is fixed once a campaign opens, so nothing should be left; if something is,
    // it is shown rather than lost, so the rows always add up to the public's ballots.
    rows.extend(sums.into_iter().filter(|(_, n)| *n > 0));
    if not_given > 0 {
        rows.push((NO_DISTRICT.into(), not_given));
    }
    let cells: Vec<Cell> =
        (rows.iter()).map(|(_, n)| Cell { ballots: *n as u64, valid: *n as u64 }).collect();
    let (hidden, _) = hide(&cells, campaign.definition.anonymity_threshold);
    (rows.into_iter().zip(hidden))
        .map(|((name, n), hidden)| DistrictCount { name, ballots: (!hidden).then_some(n) })
        .collect()
}

/// SMS codes sent in the current hour's window, against the budgets.
#[derive(Debug, Clone, Serialize)]
pub struct SmsBudget {
    pub sent_this_hour: u64,
    pub per_hour: u64,
    /// The campaign's own budget, or `None` when `per_hour` is the deployment's default.
    pub campaign_per_hour: Option<u64>,
    pub all_campaigns_this_hour: u64,
    pub all_campaigns_per_hour: u64,
}

/// Where the live figures come from: counters in the database and hot state, never ballots.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub store: &'a dyn Store,
    pub hot: &'a dyn HotState,
    pub guard: &'a Guard,
}

#[derive(Debug, Clone, Serialize)]
pub struct HourCount {
    /// Unix seconds of the hour's start.
    pub hour: i64,
    pub ballots: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PanelProgress {
    pub invited: i64,
    pub responded: i64,
    pub by_segment: Vec<GroupProgress>,
    pub by_district: Vec<GroupProgress>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupProgress {
    pub name: String,
    pub invited: i64,
    pub responded: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitProgress {
    pub code: String,
    pub name: String,
    pub category: String,
    pub category_name: String,
    /// `None` when fewer than k (`scoring::disclose`).
    pub valid_n: Option<u64>,
}

pub async fn read(sources: Sources<'_>, campaign: &Campaign) -> Result<Progress, ProgressError> {
    let store = sources.store;
    let by_hour: Vec<HourCount> = (store.ballots_by_hour(campaign.id).await?)
        .into_iter()
        .map(|(hour, ballots)| HourCount { hour: hour * 3600, ballots })
        .collect();
    let mut panel = PanelProgress::default();
    let mut segments: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut districts: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for row in store.panel_response(campaign.id).await? {
        panel.invited += row.invited;
        panel.responded += row.responded;
        for (map, key) in [(&mut segments, row.segment), (&mut districts, row.district)] {
            let entry = map.entry(key).or_default();
            entry.0 += row.invited;
            entry.1 += row.responded;
        }
    }
    let groups = |map: BTreeMap<String, (i64, i64)>| {
        map.into_iter()
            .map(|(name, (invited, responded))| GroupProgress { name, invited, responded })
            .collect()
    };
    panel.by_segment = groups(segments);
    panel.by_district = groups(districts);

    let tallies = crate::campaign::results::tallies(campaign, &store.tallies(campaign.id).await?)?;
    let layout = CampaignLayout::of(campaign).layout();
    let formula = &campaign.definition.formula;
    let results = shown(campaign, formula, crate::scoring::compute(&layout, formula, &tallies));
    let category_names: HashMap<&str, &str> =
        layout.categories.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
    let units = (results.units.iter())
        .map(|u| UnitProgress {
            code: u.code.clone(),
            name: u.name.clone(),
            category: u.category.clone(),
            category_name: category_names.get(u.category.as_str()).copied().unwrap_or_default().to_owned(),
            valid_n: (!u.hidden.iter().any(|h| h == disclose::TOTALS)).then_some(u.valid_n),
        })
        .collect();
    let stored: HashMap<String, i64> = store.signals(campaign.id).await?.into_iter().collect();
    let signals = (crate::guard::signals::ALL.iter())
        .map(|name| (*name, stored.get(*name).copied().unwrap_or(0)))
        .collect();
    let [own, all] = sources.guard.limits.sms_budgets(campaign);
    // Hot state may be gone (flushed, restarting): the budget then reads 0, nothing fails.
    let count = |key: String| async move { sources.hot.count(&key).await.unwrap_or(0) };
    let sms = SmsBudget {
        sent_this_hour: count(own.key).await,
        per_hour: own.per_hour,
        campaign_per_hour: campaign.definition.public.sms_per_hour,
        all_campaigns_this_hour: count(all.key).await,
        all_campaigns_per_hour: all.per_hour,
    };
    let by_district = by_district(campaign, store.public_by_district(campaign.id).await?);
    let definition = &campaign.definition;
    Ok(Progress {
        response_target: definition.response_target,
        opens_on: definition.opens_on.clone(),
        closes_on: definition.closes_on.clone(),
        by_class: store.ballots_by_class(campaign.id).await?.into_iter().collect(),
        public: PublicProgress { mode: definition.public.mode.as_str(), by_district, signals, sms },
        slug: campaign.slug().to_owned(),
        title: campaign.definition.title.clone(),
        status: campaign.status.as_str(),
        at: crate::clock::now_unix(),
        ballots: by_hour.iter().map(|h| h.ballots).sum(),
        by_hour,
        panel,
        min_valid: campaign.definition.formula.min_valid,
        anonymity_threshold: campaign.definition.anonymity_threshold,
        units,
    })
}

/// The last progress JSON per campaign, shared by every viewer of this instance. One
/// viewer refreshes it at a time; the others wait for that refresh instead of repeating it.
#[derive(Default)]
pub struct ProgressCache {
    figures: Mutex<HashMap<String, (Instant, Arc<String>)>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl ProgressCache {
    fn fresh(&self, slug: &str) -> Option<Arc<String>> {
        let figures = self.figures.lock().expect("progress cache lock");
        figures.get(slug).filter(|(read_at, _)| read_at.elapsed() < FRESH_FOR).map(|(_, json)| json.clone())
    }

    pub async fn json(
        &self,
        sources: Sources<'_>,
        campaign: &Campaign,
    ) -> Result<Arc<String>, ProgressError> {
        if let Some(json) = self.fresh(campaign.slug()) {
            return Ok(json);
        }
        let _refreshing = self.refreshing.lock().await;
        if let Some(json) = self.fresh(campaign.slug()) {
            return Ok(json);
        }
        let json =
            Arc::new(serde_json::to_string(&read(sources, campaign).await?).expect("figures serialise"));
        self.figures
            .lock()
            .expect("progress cache lock")
            .insert(campaign.slug().to_owned(), (Instant::now(), json.clone()));
        Ok(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::campaign::tests::small_definition;
    use crate::domain::CampaignStatus;

    fn counters(rows: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
        rows.iter().map(|(c, d, n)| (c.to_string(), d.to_string(), *n)).collect()
    }

    #[test]
    fn every_listed_district_then_the_ballots_without_one() {
        let campaign = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        let rows = |list: &[(&str, &str, i64)]| {
            (by_district(&campaign, counters(list)).into_iter())
                .map(|r| (r.name, r.ballots))
                .collect::<Vec<_>>()
        };
        let listed = |a, b| vec![("城关区".to_string(), a), ("东湖区".to_string(), b)];
        assert_eq!(rows(&[]), listed(Some(0), Some(0)), "no ballots: every district at 0, no 未填写");
        let mut expected = listed(Some(0), Some(30));
        expected.push((NO_DISTRICT.to_string(), Some(20)));
        assert_eq!(
            rows(&[("device", "东湖区", 10), ("public", "", 20), ("public", "东湖区", 20)]),
            expected,
            "phone and device added up"
        );
    }

    #[test]
    fn a_district_under_k_is_hidden_with_another_so_the_total_does_not_give_it_away() {
        let campaign = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        let rows: Vec<Option<i64>> = (by_district(
            &campaign,
            counters(&[("public", "城关区", 3), ("public", "东湖区", 40), ("public", "", 12)]),
        )
        .into_iter())
        .map(|r| r.ballots)
        .collect();
        assert_eq!(rows, vec![None, Some(40), None], "3 under k, and 未填写's 12 hidden with it");
    }
}
