//! The mixer: a campaign's sealed ballots become readable content — counted in the
//! tallies, visible in the feedback and the export — only in groups of at least k (the
//! campaign's anonymity threshold), written in random order in a transaction that writes no
//! claim. Who left the non-responder list between two snapshots therefore narrows a ballot
//! to no fewer than k people.
//!
//! It keeps k ballots back while a campaign is open (it mixes only when at least 2k wait,
//! and then all but k, chosen at random): so the last step, made at the close, is at least
//! k ballots too, whenever the campaign received that many since the previous step.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;

use super::seal::{SealError, Sealer};
use crate::domain::{Ballot, Campaign, RespondentClass};
use crate::store::{BallotContent, Mix, MixDelta, Store, StoreError};

/// Rows opened per transaction, to bound memory and the length of one transaction.
const MAX_PER_MIX: u64 = 5000;

#[derive(Debug, thiserror::Error)]
pub enum MixError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("a sealed ballot's ratings do not fit campaign `{0}`")]
    Ratings(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many of `waiting` sealed ballots to mix now: all of them at the close; otherwise all
/// but k once at least 2k wait, else none.
pub fn how_many(waiting: u64, k: u64, closing: bool) -> u64 {
    match closing {
        true => waiting,
        false if waiting >= 2 * k => waiting - k,
        false => 0,
    }
}

/// A mix of opened ballots: their contents shuffled, their counter increments summed.
pub fn plan(campaign: &Campaign, opened: Vec<(Vec<u8>, BallotContent)>) -> Result<Mix, MixError> {
    let mut tallies: BTreeMap<(String, String, String, String, bool), i64> = BTreeMap::new();
    let mut districts: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut mix = Mix::default();
    for (id, content) in opened {
        let ratings = (Ballot::decode_ratings(campaign, &content.ratings))
            .ok_or_else(|| MixError::Ratings(campaign.slug().to_owned()))?;
        let segment = content.segment.clone().unwrap_or_default();
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
        mix.taken.push(id);
        mix.ballots.push(content);
    }
    // Random order: the rows' order (and so the file's) says nothing about arrival.
    mix.ballots.shuffle(&mut rand::rng());
    // Counters in key order, like every counter upsert, so concurrent writers cannot deadlock.
    mix.tallies = (tallies.into_iter())
        .map(|((unit_code, option_code, class, segment, flagged), count)| MixDelta {
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

/// Mixes what is due of one campaign's sealed ballots; returns how many were mixed.
pub async fn mix_campaign(
    store: &dyn Store,
    sealer: &Sealer,
    campaign: &Campaign,
    closing: bool,
) -> Result<u64, MixError> {
    let k = campaign.definition.anonymity_threshold;
    let mut mixed = 0;
    loop {
        let waiting = (store.sealed_counts().await?.into_iter())
            .find(|(id, _, _)| *id == campaign.id)
            .map_or(0, |(_, _, n)| n as u64);
        let due = how_many(waiting, k, closing);
        if due == 0 {
            return Ok(mixed);
        }
        // Ids are random, so the first rows by id are a random choice among those waiting.
        // A final step bigger than one transaction is split, each part still ≥ k.
        let take = if due > MAX_PER_MIX && due - MAX_PER_MIX >= k { MAX_PER_MIX } else { due };
        let rows = store.sealed(campaign.id, take as i64).await?;
        let opened = (rows.into_iter())
            .map(|row| Ok((row.id, sealer.open(campaign.id, &row.sealed)?)))
            .collect::<Result<Vec<_>, MixError>>()?;
        let n = opened.len() as u64;
        if store.write_mix(campaign.id, &plan(campaign, opened)?).await? {
            mixed += n;
            metrics::counter!("minping_ballots_mixed_total").increment(n);
        }
        // Taken by another instance's mixer meanwhile: look again.
    }
}

/// One round over every campaign with sealed ballots waiting (the housekeeping task's).
pub async fn mix_due(store: &dyn Store, sealer: &Sealer) -> Result<u64, MixError> {
    let mut mixed = 0;
    for (_, slug, _) in store.sealed_counts().await? {
        let Some(campaign) = store.campaign(&slug).await? else { continue };
        mixed += mix_campaign(store, sealer, &campaign, false).await?;
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
            hour: 0,
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
}
