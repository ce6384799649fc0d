//! The audit log's chain, as pure rules: how an entry's hash is made from the hash before it
//! and its content, and how a stored chain is checked. One chain per campaign, and one for
//! entries of no campaign (sign-ins, staff accounts), so that a campaign's chain can be
//! checked from its own entries and its head pinned in its results fingerprint.
//!
//! The hash is plain SHA-256, not keyed: anyone holding the entries can check them. Someone
//! who can write the database can still rewrite a chain from the edited row onwards; what
//! stops that is a head published before the edit (the results fingerprint at close).

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::AuditRecord;

/// The `prev_hash` of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain an entry belongs to: its campaign, or 0 for entries of no campaign.
pub fn chain_of(campaign_id: Option<i64>) -> i64 {
    campaign_id.unwrap_or(0)
}

/// An entry's hash: SHA-256, in hex, of the previous hash and the entry's fields as a JSON
/// array (unambiguous however the fields are written).
pub fn entry_hash(
    prev: &str,
    at: i64,
    actor: &str,
    action: &str,
    campaign_id: Option<i64>,
    detail: &str,
) -> String {
    let content = serde_json::to_vec(&(prev, at, actor, action, campaign_id, detail))
        .expect("an audit entry serialises");
    hex::encode(Sha256::digest(&content))
}

/// What a check of one chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub chain: i64,
    pub entries: usize,
    /// The last entry's hash: what a fingerprint pins.
    pub head: String,
    /// The first entry that does not hold, and why; `None` when the chain is whole.
    pub broken: Option<Broken>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The entry's id; `None` when the fault is after the last entry (the stored head).
    pub id: Option<i64>,
    pub reason: BrokenReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokenReason {
    /// The entry has no hash: written around the chain.
    Unsealed,
    /// The entry does not point at the one before it: an entry was removed or inserted.
    Link,
    /// The entry's content no longer matches its hash: it was edited.
    Content,
    /// The chain's stored head is not its last entry's hash: entries were removed at the end.
    Head,
}

/// Checks one chain's entries, in the order they were written (by id), against the head
/// stored for it.
pub fn check(chain: i64, entries: &[AuditRecord], stored_head: Option<&str>) -> ChainReport {
    let mut prev = GENESIS.to_owned();
    let mut broken = None;
    for e in entries {
        let fault = match (&e.prev_hash, &e.hash) {
            (Some(p), Some(h)) if *p != prev => Some((BrokenReason::Link, h)),
            (Some(p), Some(h)) => {
                let expected = entry_hash(p, e.at, &e.actor, &e.action, e.campaign_id, &e.detail);
                (expected != *h).then_some((BrokenReason::Content, h))
            }
            _ => {
                broken = Some(Broken { id: Some(e.id), reason: BrokenReason::Unsealed });
                break;
            }
        };
        if let Some((reason, _)) = fault {
            broken = Some(Broken { id: Some(e.id), reason });
            break;
        }
        prev = e.hash.clone().unwrap_or_default();
    }
    if broken.is_none() && stored_head.unwrap_or(GENESIS) != prev {
        broken = Some(Broken { id: None, reason: BrokenReason::Head });
    }
    ChainReport { chain, entries: entries.len(), head: prev, broken }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_owned();
        (0..n as i64)
            .map(|i| {
                let detail = format!("step {i}");
                let hash = entry_hash(&prev, 100 + i, "staff:zhang", "campaign.settings", Some(1), &detail);
                let record = AuditRecord {
                    id: i + 1,
                    at: 100 + i,
                    actor: "staff:zhang".into(),
                    action: "campaign.settings".into(),
                    campaign_id: Some(1),
                    detail,
                    prev_hash: Some(prev.clone()),
                    hash: Some(hash.clone()),
                };
                prev = hash;
                record
            })
            .collect()
    }

    #[test]
    fn a_whole_chain_holds_and_names_its_head() {
        let entries = chain(5);
        let head = entries[4].hash.clone().unwrap();
        let report = check(1, &entries, Some(&head));
        assert_eq!((report.broken, report.head, report.entries), (None, head, 5));
        assert_eq!(check(1, &[], None).broken, None, "an empty chain holds");
    }

    #[test]
    fn an_edit_a_removal_and_a_cut_tail_are_each_found() {
        let entries = chain(5);
        let head = entries[4].hash.clone();
        let mut edited = entries.clone();
        edited[2].detail = "step 2, quietly changed".into();
        let broken = check(1, &edited, head.as_deref()).broken.unwrap();
        assert_eq!((broken.id, broken.reason), (Some(3), BrokenReason::Content));

        let mut removed = entries.clone();
        removed.remove(1);
        let broken = check(1, &removed, head.as_deref()).broken.unwrap();
        assert_eq!((broken.id, broken.reason), (Some(3), BrokenReason::Link));

        let cut = &entries[..4];
        assert_eq!(check(1, cut, head.as_deref()).broken.unwrap().reason, BrokenReason::Head);

        let mut unsealed = entries.clone();
        unsealed[0].hash = None;
        assert_eq!(check(1, &unsealed, head.as_deref()).broken.unwrap().reason, BrokenReason::Unsealed);
    }
}
