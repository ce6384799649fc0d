//! The mixer: a campaign's sealed ballots become readable content — counted in the
//! tallies, visible in the feedback and the export — only in groups of at least k (the
//! campaign's anonymity threshold), written in random order in a transaction that writes no
//! claim. Who left the non-responder list between two snapshots therefore narrows a ballot
//! to no fewer than k people.
//!
//! The counters are kept per class, 界别 and flag, so a step must be at least k *within each
//! of those groups*: a step of k ballots with a single panel ballot in it would move the
//! panel's counters by that one ballot. Ballots wait sealed per group, and a group is mixed
//! only when at least 2k of it wait, all but k of them chosen at random: the k held back
//! make the close's last step of the group at least k too, whenever k arrived since its
//! previous step. A group that never reaches k is mixed at the close (docs/ANONYMITY.md).

use std::collections::{BTreeMap, HashMap};

use rand::seq::SliceRandom;

use super::seal::{SealError, Sealer};
use crate::domain::{Ballot, Campaign, RespondentClass};
use crate::scoring::formula::PANEL_CLASS;
use crate::store::{BallotContent, Mix, SealedRow, Store, StoreError, TallyRow};

/// Sealed ballots one mix reads at most. A mix holds the campaign's mix lock (on SQLite the
/// one write lock) while it opens and writes: short mixes let the ballot batches in between.
const MAX_READ: i64 = 1000;
/// Mixes per round while a campaign is open: enough to keep up with thousands of ballots a
/// second, each a short transaction.
const MAX_ROUNDS: u32 = 16;

#[derive(Debug, thiserror::Error)]
pub enum MixError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("a sealed ballot's ratings do not fit campaign `{0}`")]
    Ratings(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many of a group's `waiting` sealed ballots to mix now: all of them at the close;
/// otherwise all but k once at least 2k wait, else none.
pub fn how_many(waiting: u64, k: u64, closing: bool) -> u64 {
    match closing {
        true => waiting,
        false if waiting >= 2 * k => waiting - k,
        false => 0,
    }
}

/// The group a ballot's content is counted in: class, 界别 (`""` unless weighed) and flag.
type Group = (String, String, bool);

/// The 界别 a ballot is counted under: a panel ballot's, where the formula weighs segments;
/// otherwise none (counting it would split the panel into groups smaller than k for nothing).
fn counted_segment(campaign: &Campaign, content: &BallotContent) -> String {
    let weighed = campaign.definition.formula.segment_weights.is_some() && content.class == PANEL_CLASS;
    content.segment.clone().filter(|_| weighed).unwrap_or_default()
}

/// Chooses what to mix of the opened sealed ballots (per group, by [`how_many`]) and makes it
/// a mix: contents shuffled, counter increments summed. `None` when nothing is due.
pub fn choose(
    campaign: &Campaign,
    opened: Vec<(Vec<u8>, BallotContent)>,
    closing: bool,
) -> Result<Option<Mix>, MixError> {
    let k = campaign.definition.anonymity_threshold;
    let mut groups: HashMap<Group, Vec<(Vec<u8>, BallotContent)>> = HashMap::new();
    for (id, content) in opened {
        let group = (content.class.clone(), counted_segment(campaign, &content), content.flagged);
        groups.entry(group).or_default().push((id, content));
    }
    let mut chosen = Vec::new();
    for (_, mut members) in groups {
        let due = how_many(members.len() as u64, k, closing) as usize;
        members.shuffle(&mut rand::rng());
        chosen.extend(members.into_iter().take(due));
    }
    if chosen.is_empty() {
        return Ok(None);
    }
    plan(campaign, chosen).map(Some)
}

/// A mix of opened ballots: their counter increments summed, their contents shuffled and
/// cut to what the `ballots` row keeps.
pub fn plan(campaign: &Campaign, opened: Vec<(Vec<u8>, BallotContent)>) -> Result<Mix, MixError> {
    let mut tallies: BTreeMap<(String, String, String, String, bool), i64> = BTreeMap::new();
    let mut districts: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut mix = Mix::default();
    for (id, mut content) in opened {
        let ratings = (Ballot::decode_ratings(campaign, &content.ratings))
            .ok_or_else(|| MixError::Ratings(campaign.slug().to_owned()))?;
        let segment = counted_segment(campaign, &content);
        for (unit, option) in ratings.iter().enumerate().filter_map(|(u, o)| o.map(|o| (u, o))) {
            let key = (
                campaign.units[unit].code.clone(),
                campaign.definition.scale[option].code.clone(),
                content.class.clone(),
                segment.clone(),
                content.flagged,
            );
            *tallies.entry(key).or_default() += 1;
        }
        if content.class != RespondentClass::Panel.as_str() {
            let district = content.district.clone().unwrap_or_default();
            *districts.entry((content.class.clone(), district)).or_default() += 1;
        }
        // The row keeps what the recount needs: the 界别 only where it is weighed, no
        // district (counted above; the panel's is the roster's).
        content.district = None;
        content.segment = Some(segment).filter(|s| !s.is_empty());
        mix.taken.push(id);
        mix.ballots.push(content);
    }
    // Random order: the rows' order (and so the file's) says nothing about arrival.
    mix.ballots.shuffle(&mut rand::rng());
    // Counters in key order, like every counter upsert, so concurrent writers cannot deadlock.
    mix.tallies = (tallies.into_iter())
        .map(|((unit_code, option_code, class, segment, flagged), count)| TallyRow {
            unit_code,
            option_code,
            class,
            segment,
            flagged,
            count,
        })
        .collect();
    mix.public_districts = districts.into_iter().map(|((class, district), n)| (class, district, n)).collect();
    Ok(mix)
}

/// Mixes what is due of one campaign's sealed ballots (all of them when `closing`);
/// returns how many were mixed.
pub async fn mix_campaign(
    store: &dyn Store,
    sealer: &Sealer,
    campaign: &Campaign,
    closing: bool,
) -> Result<u64, MixError> {
    let mut mixed = 0;
    for _ in 0..if closing { u32::MAX } else { MAX_ROUNDS } {
        let mut decide = |rows: Vec<SealedRow>| {
            let opened = (rows.into_iter())
                .map(|row| Ok((row.id, sealer.open(campaign.id, &row.sealed)?)))
                .collect::<Result<Vec<_>, MixError>>()?;
            Ok(choose(campaign, opened, closing)?)
        };
        let n = store.mix(campaign.id, MAX_READ, &mut decide).await?;
        metrics::counter!("minping_ballots_mixed_total").increment(n);
        mixed += n;
        if n == 0 {
            break;
        }
    }
    Ok(mixed)
}

/// One round over every campaign with sealed ballots waiting (the housekeeping task's). A
/// campaign whose ballots cannot be mixed (a wrong secret, a broken row) is reported and
/// does not hold up the others.
pub async fn mix_due(store: &dyn Store, sealer: &Sealer) -> Result<u64, MixError> {
    let mut mixed = 0;
    for (_, slug, _) in store.sealed_counts().await? {
        let Some(campaign) = store.campaign(&slug).await? else { continue };
        match mix_campaign(store, sealer, &campaign, false).await {
            Ok(n) => mixed += n,
            Err(e) => {
                tracing::error!(campaign = %slug, error = %e, "sealed ballots of a campaign cannot be mixed")
            }
        }
    }
    Ok(mixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::campaign::tests::small_definition;
    use crate::domain::CampaignStatus;

    fn content(class: &str, district: Option<&str>, ratings: &str) -> BallotContent {
        BallotContent {
            class: class.into(),
            segment: None,
            district: district.map(String::from),
            ratings: ratings.into(),
            reasons: None,
            suggestion: None,
            flagged: false,
        }
    }

    #[test]
    fn a_mix_sums_its_ratings_per_counter_and_public_ballots_per_district() {
        let c = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        // Units A01, A02, B01; options 0 satisfied, 2 dissatisfied, 3 unknown.
        let opened = vec![
            (vec![1], content("panel", Some("城关区"), "023")),
            (vec![2], content("public", Some("东湖区"), "02-")),
            (vec![3], content("public", None, "0--")),
            (vec![4], content("device", Some("东湖区"), "0--")),
        ];
        let mix = plan(&c, opened).unwrap();
        assert_eq!(mix.taken.len(), 4);
        assert_eq!(mix.ballots.len(), 4);
        assert!(
            mix.ballots.iter().all(|b| b.district.is_none() && b.segment.is_none()),
            "rows keep no district"
        );
        let a01: Vec<_> = mix.tallies.iter().filter(|d| d.unit_code == "A01").collect();
        assert_eq!(a01.iter().map(|d| d.count).sum::<i64>(), 4);
        assert!(a01.iter().all(|d| d.option_code == "satisfied"));
        let public = |class: &str| a01.iter().find(|d| d.class == class).unwrap().count;
        assert_eq!((public("panel"), public("public"), public("device")), (1, 2, 1));
        // The panel's district is the roster's, counted elsewhere: not among the public's.
        assert_eq!(
            mix.public_districts,
            [
                ("device".into(), "东湖区".into(), 1),
                ("public".into(), "".into(), 1),
                ("public".into(), "东湖区".into(), 1)
            ]
        );
    }

    #[test]
    fn ratings_that_do_not_fit_the_campaign_stop_the_mix() {
        let c = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        assert!(matches!(plan(&c, vec![(vec![1], content("panel", None, "0"))]), Err(MixError::Ratings(_))));
    }

    #[test]
    fn every_step_is_at_least_k_and_k_wait_for_the_close() {
        assert_eq!(how_many(9, 10, false), 0);
        assert_eq!(how_many(19, 10, false), 0);
        assert_eq!(how_many(20, 10, false), 10);
        assert_eq!(how_many(57, 10, false), 47);
        assert_eq!(how_many(10, 10, true), 10);
        assert_eq!(how_many(3, 10, true), 3, "the close mixes what is left");
        // After any open step, k wait: the close's step is at least k.
        for waiting in 20..200 {
            assert_eq!(waiting - how_many(waiting, 10, false), 10);
        }
    }

    #[test]
    fn every_group_steps_by_at_least_k_on_its_own() {
        let c = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        let id = |i: usize| vec![i as u8, (i >> 8) as u8];
        let mut opened: Vec<_> = (0..25).map(|i| (id(i), content("panel", None, "000"))).collect();
        // One public ballot, and three flagged panel ballots: groups of their own, too small.
        opened.push((id(100), content("public", None, "222")));
        for i in 0..3 {
            let mut flagged = content("panel", None, "222");
            flagged.flagged = true;
            opened.push((id(200 + i), flagged));
        }
        let mix = choose(&c, opened.clone(), false).unwrap().unwrap();
        assert_eq!(mix.taken.len(), 15, "25 panel ballots: all but k");
        assert!(mix.ballots.iter().all(|b| b.class == "panel" && !b.flagged && b.ratings == "000"));
        // Below 2k in every group: nothing is due.
        assert!(choose(&c, opened[..19].to_vec(), false).unwrap().is_none());
        // At the close, everything.
        assert_eq!(choose(&c, opened, true).unwrap().unwrap().taken.len(), 29);
    }
}
