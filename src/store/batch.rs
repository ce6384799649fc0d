//! The backend-independent half of a batch commit: which ballots may count, in what order
//! they are written, and the tally deltas they add up to.

use std::collections::{HashMap, HashSet};

use super::{Commit, NewInvitation, PendingBallot};
use crate::domain::RespondentClass;

/// Indices of the ballots whose respondent appears for the first time in the batch; the
/// claims of these are offered to the database.
pub fn first_claims(batch: &[PendingBallot], closed: &HashSet<i64>) -> Vec<usize> {
    let mut seen = HashSet::new();
    let mut offered: Vec<usize> = (0..batch.len())
        .filter(|&i| !closed.contains(&batch[i].campaign.id))
        .filter(|&i| seen.insert((batch[i].campaign.id, batch[i].respondent_key.as_str())))
        .collect();
    // In key order: batches committing side by side then take the claims' index entries in
    // one order, and cannot deadlock on a respondent sent to both.
    offered.sort_by(|&a, &b| {
        (batch[a].campaign.id, &batch[a].respondent_key)
            .cmp(&(batch[b].campaign.id, &batch[b].respondent_key))
    });
    offered
}

/// Outcomes in batch order, given the claims the database accepted.
pub fn outcomes(
    batch: &[PendingBallot],
    closed: &HashSet<i64>,
    offered: &[usize],
    accepted: &HashSet<(i64, String)>,
) -> Vec<Commit> {
    let mut result: Vec<Commit> = (batch.iter())
        .map(|p| if closed.contains(&p.campaign.id) { Commit::Closed } else { Commit::Duplicate })
        .collect();
    for &i in offered {
        let p = &batch[i];
        if accepted.contains(&(p.campaign.id, p.respondent_key.to_string())) {
            result[i] = Commit::Counted;
        }
    }
    result
}

/// The counted ballots in receipt order, so the order rows are written in says nothing
/// about the order their claims were.
pub fn counted_by_receipt<'a>(batch: &'a [PendingBallot], outcomes: &[Commit]) -> Vec<&'a PendingBallot> {
    let mut counted: Vec<&PendingBallot> =
        (batch.iter().zip(outcomes)).filter(|(_, o)| **o == Commit::Counted).map(|(p, _)| p).collect();
    // Receipts are random, so their order is one no arrival or claim can be lined up
    // with; and a fixed order keeps side-by-side batches from deadlocking on a receipt.
    counted.sort_unstable_by(|a, b| a.receipt.as_str().cmp(b.receipt.as_str()));
    counted
}

/// Turns the counted ballots whose receipt the database refused into [`Commit::ReceiptTaken`];
/// returns them, so that their claims can be withdrawn in the same transaction.
pub fn refuse_taken_receipts<'a>(
    batch: &'a [PendingBallot],
    outcomes: &mut [Commit],
    inserted: &HashSet<String>,
) -> Vec<&'a PendingBallot> {
    let mut refused = Vec::new();
    for (p, outcome) in batch.iter().zip(outcomes.iter_mut()) {
        if *outcome == Commit::Counted && !inserted.contains(p.receipt.as_str()) {
            *outcome = Commit::ReceiptTaken;
            refused.push(p);
        }
    }
    refused
}

/// Ballots per campaign, hour and class: one row per counter the batch advances, in a fixed order.
pub fn hour_deltas(counted: &[&PendingBallot]) -> Vec<(i64, i64, &'static str, i64)> {
    let mut sums: HashMap<(i64, i64, &'static str), i64> = HashMap::new();
    for p in counted {
        *sums.entry((p.campaign.id, p.hour, p.class.as_str())).or_default() += 1;
    }
    let mut deltas: Vec<_> = sums.into_iter().map(|((c, h, class), n)| (c, h, class, n)).collect();
    deltas.sort_unstable();
    deltas
}

/// Panel ballots per campaign, segment and district: the response counters the batch advances.
pub fn panel_deltas<'a>(counted: &[&'a PendingBallot]) -> Vec<(i64, &'a str, &'a str, i64)> {
    let mut sums: HashMap<(i64, &'a str, &'a str), i64> = HashMap::new();
    for p in counted.iter().filter(|p| p.class == RespondentClass::Panel) {
        let (Some(segment), Some(district)) = (p.segment.as_deref(), p.district.as_deref()) else { continue };
        *sums.entry((p.campaign.id, segment, district)).or_default() += 1;
    }
    let mut deltas: Vec<_> = sums.into_iter().map(|((c, s, d), n)| (c, s, d, n)).collect();
    deltas.sort_unstable();
    deltas
}

/// Public ballots (every class but the panel) per campaign, class and self-reported district,
/// `""` when none was given: the counters of the live view's public ballots by district.
pub fn public_deltas<'a>(counted: &[&'a PendingBallot]) -> Vec<(i64, &'static str, &'a str, i64)> {
    let mut sums: HashMap<(i64, &'static str, &'a str), i64> = HashMap::new();
    for p in counted.iter().filter(|p| p.class != RespondentClass::Panel) {
        let district = p.district.as_deref().unwrap_or_default();
        *sums.entry((p.campaign.id, p.class.as_str(), district)).or_default() += 1;
    }
    let mut deltas: Vec<_> = sums.into_iter().map(|((c, class, d), n)| (c, class, d, n)).collect();
    // In key order, like every counter upsert, so side-by-side batches cannot deadlock.
    deltas.sort_unstable();
    deltas
}

/// Invitations per segment and district, for the `invited` counters.
pub fn invited_deltas(invitations: &[NewInvitation]) -> Vec<(&str, &str, i64)> {
    let mut sums: HashMap<(&str, &str), i64> = HashMap::new();
    for i in invitations {
        *sums.entry((i.member.segment.as_str(), i.member.district.as_str())).or_default() += 1;
    }
    let mut deltas: Vec<_> = sums.into_iter().map(|((s, d), n)| (s, d, n)).collect();
    deltas.sort_unstable();
    deltas
}

/// One row of the tally upsert.
#[derive(Debug, PartialEq, Eq)]
pub struct TallyDelta<'a> {
    pub campaign_id: i64,
    pub unit_code: &'a str,
    pub option_code: &'a str,
    pub class: &'static str,
    pub segment: &'a str,
    pub flagged: bool,
    pub count: i64,
}

/// Adds the ratings of the counted ballots up per campaign, unit, option and class: one
/// row per counter, so one statement advances every counter the batch touches.
pub fn tally_deltas<'a>(counted: &[&'a PendingBallot]) -> Vec<TallyDelta<'a>> {
    type Key<'a> = (i64, usize, usize, &'static str, &'a str, bool);
    let mut sums: HashMap<Key<'a>, (&'a PendingBallot, i64)> = HashMap::new();
    for &p in counted {
        let segment = p.segment.as_deref().unwrap_or_default();
        for (unit, option) in p.ballot.rated() {
            let key = (p.campaign.id, unit, option, p.class.as_str(), segment, p.flagged);
            sums.entry(key).or_insert((p, 0)).1 += 1;
        }
    }
    let mut deltas: Vec<TallyDelta> = (sums.into_iter())
        .map(|((campaign_id, unit, option, class, segment, flagged), (p, count))| TallyDelta {
            campaign_id,
            unit_code: &p.campaign.units[unit].code,
            option_code: &p.campaign.definition.scale[option].code,
            class,
            segment,
            flagged,
            count,
        })
        .collect();
    // A fixed order keeps concurrent upserts (several instances on one PostgreSQL) from
    // taking row locks in opposite orders and deadlocking.
    deltas.sort_by(|a, b| {
        let key =
            |d: &TallyDelta<'a>| (d.campaign_id, d.unit_code, d.option_code, d.class, d.segment, d.flagged);
        key(a).cmp(&key(b))
    });
    deltas
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::campaign::tests::small_definition;
    use crate::domain::RespondentKey;
    use crate::domain::{Ballot, BallotInput, Campaign, CampaignStatus, Receipt, RespondentClass};

    pub fn pending(campaign: &Arc<Campaign>, member_code: &str, options: [&str; 3]) -> PendingBallot {
        let input = BallotInput {
            ratings: ["A01", "A02", "B01"]
                .iter()
                .zip(options)
                .map(|(u, o)| (u.to_string(), o.to_string()))
                .collect(),
            ..Default::default()
        };
        PendingBallot {
            campaign: campaign.clone(),
            respondent_key: RespondentKey::panel(member_code),
            class: RespondentClass::Panel,
            segment: None,
            district: None,
            receipt: Receipt::generate(),
            ballot: Ballot::parse(campaign, &input).unwrap(),
            hour: 0,
            flagged: false,
        }
    }

    #[test]
    fn a_respondent_twice_in_one_batch_counts_once() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let batch = vec![
            pending(&c, "P1", ["satisfied"; 3]),
            pending(&c, "P2", ["satisfied"; 3]),
            pending(&c, "P1", ["dissatisfied"; 3]),
        ];
        let offered = first_claims(&batch, &HashSet::new());
        assert_eq!(offered, vec![0, 1]);
        // P2 was already in the database, so only P1's claim was accepted.
        let accepted = HashSet::from([(1, RespondentKey::panel("P1").to_string())]);
        let result = outcomes(&batch, &HashSet::new(), &offered, &accepted);
        assert_eq!(result, vec![Commit::Counted, Commit::Duplicate, Commit::Duplicate]);
        let counted = counted_by_receipt(&batch, &result);
        assert_eq!(counted.len(), 1);
        let deltas = tally_deltas(&counted);
        assert_eq!(deltas.len(), 3);
        assert!(deltas.iter().all(|d| d.option_code == "satisfied" && d.count == 1));
    }

    #[test]
    fn a_taken_receipt_refuses_only_its_ballot() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let batch = vec![pending(&c, "P1", ["satisfied"; 3]), pending(&c, "P2", ["satisfied"; 3])];
        let mut outcomes = vec![Commit::Counted, Commit::Counted];
        let inserted = HashSet::from([batch[1].receipt.as_str().to_owned()]);
        let refused = refuse_taken_receipts(&batch, &mut outcomes, &inserted);
        assert_eq!(outcomes, vec![Commit::ReceiptTaken, Commit::Counted]);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].respondent_key, RespondentKey::panel("P1"));
    }

    #[test]
    fn ballots_of_a_closed_campaign_are_not_offered() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let batch = vec![pending(&c, "P1", ["satisfied"; 3])];
        let closed = HashSet::from([1]);
        let offered = first_claims(&batch, &closed);
        assert!(offered.is_empty());
        assert_eq!(outcomes(&batch, &closed, &offered, &HashSet::new()), vec![Commit::Closed]);
    }

    #[test]
    fn public_ballots_count_per_class_and_district_and_the_panel_not_at_all() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let ballot = |key: &str, class, district: Option<&str>| {
            let mut p = pending(&c, key, ["satisfied"; 3]);
            p.class = class;
            p.district = district.map(String::from);
            p
        };
        let batch = [
            ballot("pub:1", RespondentClass::Public, Some("东湖区")),
            ballot("pub:2", RespondentClass::Public, None),
            ballot("pub:3", RespondentClass::Public, Some("东湖区")),
            ballot("dev:1", RespondentClass::Device, Some("城关区")),
            ballot("P1", RespondentClass::Panel, Some("城关区")),
        ];
        let refs: Vec<&PendingBallot> = batch.iter().collect();
        assert_eq!(
            public_deltas(&refs),
            vec![(1, "device", "城关区", 1), (1, "public", "", 1), (1, "public", "东湖区", 2)]
        );
    }

    #[test]
    fn deltas_sum_per_counter() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let batch: Vec<_> =
            (0..5).map(|i| pending(&c, &format!("P{i}"), ["satisfied", "dissatisfied", "unknown"])).collect();
        let refs: Vec<&PendingBallot> = batch.iter().collect();
        let deltas = tally_deltas(&refs);
        assert_eq!(deltas.len(), 3);
        assert_eq!(deltas[0].unit_code, "A01");
        assert!(deltas.iter().all(|d| d.count == 5));
    }
}
