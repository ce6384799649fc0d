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

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::campaign::tests::small_definition;
    use crate::domain::RespondentKey;
    use crate::domain::{Campaign, CampaignStatus, Receipt, RespondentClass};

    /// A panel member's ballot; the batch never looks inside the sealed content.
    pub fn pending(campaign: &Arc<Campaign>, member_code: &str) -> PendingBallot {
        PendingBallot {
            campaign: campaign.clone(),
            respondent_key: RespondentKey::panel(member_code),
            class: RespondentClass::Panel,
            segment: None,
            district: None,
            receipt: Receipt::generate(),
            sealed: vec![0; 8],
            hour: 0,
        }
    }

    #[test]
    fn a_respondent_twice_in_one_batch_counts_once() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let batch = vec![pending(&c, "P1"), pending(&c, "P2"), pending(&c, "P1")];
        let offered = first_claims(&batch, &HashSet::new());
        assert_eq!(offered, vec![0, 1]);
        // P2 was already in the database, so only P1's claim was accepted.
        let accepted = HashSet::from([(1, RespondentKey::panel("P1").to_string())]);
        let result = outcomes(&batch, &HashSet::new(), &offered, &accepted);
        assert_eq!(result, vec![Commit::Counted, Commit::Duplicate, Commit::Duplicate]);
        let counted = counted_by_receipt(&batch, &result);
        assert_eq!(counted.len(), 1);
        assert_eq!(counted[0].respondent_key, RespondentKey::panel("P1"));
    }

    #[test]
    fn a_taken_receipt_refuses_only_its_ballot() {
        let c = Arc::new(Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap());
        let batch = vec![pending(&c, "P1"), pending(&c, "P2")];
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
        let batch = vec![pending(&c, "P1")];
        let closed = HashSet::from([1]);
        let offered = first_claims(&batch, &closed);
        assert!(offered.is_empty());
        assert_eq!(outcomes(&batch, &closed, &offered, &HashSet::new()), vec![Commit::Closed]);
    }
}
