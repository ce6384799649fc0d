//! The check against the database: every receipt handed out is stored, the ballots added
//! are the ones acknowledged, no credential counts twice, the counters agree with a recount.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use minping::domain::{Campaign, Receipt};
use minping::store::Store;

/// The store the server uses: `DATABASE_URL` (or the configuration) for PostgreSQL, else
/// the SQLite file in `--data-dir`.
pub async fn open(data_dir: Option<&Path>) -> anyhow::Result<Arc<dyn Store>> {
    let mut settings = minping::server::config::Settings::load(None)?;
    if let Some(dir) = data_dir {
        settings.data_dir = dir.to_owned();
    }
    if settings.database_url.is_none() {
        let file = settings.data_dir.join("minping.sqlite3");
        anyhow::ensure!(
            file.exists(),
            "no database at {} (give the server's --data-dir, set DATABASE_URL, or --no-verify)",
            file.display()
        );
    }
    Ok(minping::store::open(settings.database_url.as_deref(), &settings.data_dir).await?)
}

pub async fn campaign(store: &dyn Store, slug: &str) -> anyhow::Result<Campaign> {
    store.campaign(slug).await?.with_context(|| format!("the database has no campaign `{slug}`"))
}

#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub ballots: i64,
    pub claims: i64,
}

pub async fn counts(store: &dyn Store, campaign_id: i64) -> anyhow::Result<Counts> {
    Ok(Counts {
        ballots: store.ballot_count(campaign_id).await?,
        claims: store.claim_count(campaign_id).await?,
    })
}

/// What the clients saw, to hold against the database.
pub struct Seen {
    /// Every receipt given with a `201`, as shown.
    pub receipts: Vec<String>,
    /// Valid ballot POSTs that got no answer (each may or may not have been committed).
    pub unanswered: u64,
    /// `201`s that must not have been given (re-used invitations, faulty ballots, races).
    pub wrongly_accepted: u64,
}

#[derive(Debug, Default)]
pub struct Verdict {
    pub lost: u64,
    pub duplicated: u64,
    /// Other faults: counters against recount, claims against ballots.
    pub faults: Vec<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.faults.is_empty()
    }
}

/// Only what the clients saw can be checked (no database at hand).
pub fn client_side(seen: &Seen) -> Verdict {
    let unique: HashSet<&String> = seen.receipts.iter().collect();
    Verdict {
        lost: 0,
        duplicated: seen.wrongly_accepted + (seen.receipts.len() - unique.len()) as u64,
        faults: Vec::new(),
    }
}

pub async fn check(
    store: &dyn Store,
    campaign: &Campaign,
    before: Counts,
    seen: &Seen,
) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::default();
    let after = counts(store, campaign.id).await?;
    let added = after.ballots - before.ballots;
    let acknowledged = seen.receipts.len() as i64;
    println!(
        "database: ballots {} → {} (+{added}), claims {} → {}; the clients got {acknowledged} receipts",
        before.ballots, after.ballots, before.claims, after.claims
    );

    // Every receipt handed out is stored, in this campaign.
    let mut stored = HashSet::with_capacity(after.ballots.max(0) as usize);
    store
        .for_each_receipt(campaign.id, &mut |r| {
            stored.insert(r);
            Ok(())
        })
        .await?;
    let mut missing = 0u64;
    let mut canonical = HashSet::with_capacity(seen.receipts.len());
    for shown in &seen.receipts {
        let Some(receipt) = Receipt::parse(shown) else {
            verdict.faults.push(format!("the server gave a malformed receipt `{shown}`"));
            continue;
        };
        if !canonical.insert(receipt.clone()) {
            verdict.duplicated += 1;
            println!("  receipt {shown} was given twice");
            continue;
        }
        if !stored.contains(receipt.as_str()) {
            missing += 1;
            let elsewhere = store.receipt_campaign(&receipt).await?;
            if missing <= 5 {
                println!(
                    "  receipt {shown} is not stored in `{}` (found in: {elsewhere:?})",
                    campaign.slug()
                );
            }
        }
    }
    println!(
        "receipts: {} given, {} stored in `{}`, {missing} missing",
        seen.receipts.len(),
        canonical.len() as u64 - missing,
        campaign.slug()
    );

    // The ballots added are the acknowledged ones, give or take the unanswered requests.
    let short = (acknowledged - added).max(0) as u64;
    verdict.lost = missing.max(short);
    let extra = (added - acknowledged).max(0) as u64;
    if extra > 0 {
        println!(
            "  {extra} ballots stored without a 201 seen ({} requests went unanswered)",
            seen.unanswered
        );
    }
    verdict.duplicated += extra.saturating_sub(seen.unanswered) + seen.wrongly_accepted;

    // No credential counted twice: one claim per ballot.
    if after.claims != after.ballots {
        let msg = format!("claims ({}) differ from ballots ({})", after.claims, after.ballots);
        println!("  {msg}");
        if after.ballots > after.claims {
            verdict.duplicated += (after.ballots - after.claims) as u64;
        } else {
            verdict.faults.push(msg);
        }
    }

    // The counters agree with a recount of every mixed ballot; the rest wait sealed (at
    // least k are always held back for the close), unreadable here, and are counted apart.
    let (recounted, ballots) = recount(store, campaign).await?;
    let sealed = (store.sealed_counts().await?.into_iter())
        .find(|(id, _, _)| *id == campaign.id)
        .map_or(0, |(_, _, n)| n as u64);
    let mut counters: HashMap<Key, i64> = HashMap::new();
    for row in store.tallies(campaign.id).await? {
        if row.count != 0 {
            counters.insert((row.unit_code, row.option_code, row.class, row.segment, row.flagged), row.count);
        }
    }
    let keys: HashSet<&Key> = counters.keys().chain(recounted.keys()).collect();
    let differing: Vec<&&Key> = keys.iter().filter(|k| counters.get(**k) != recounted.get(**k)).collect();
    if differing.is_empty() {
        println!(
            "tallies: {} counters agree with a recount of {ballots} mixed ballots ({sealed} still sealed)",
            counters.len()
        );
    } else {
        for key in differing.iter().take(5) {
            println!(
                "  counter {key:?}: stored {:?}, recounted {:?}",
                counters.get(**key),
                recounted.get(**key)
            );
        }
        verdict
            .faults
            .push(format!("{} tally counters disagree with a recount of the ballots", differing.len()));
    }
    if ballots + sealed != after.ballots as u64 {
        verdict.faults.push(format!(
            "the recount saw {ballots} mixed and {sealed} sealed ballots, the count says {}",
            after.ballots
        ));
    }
    Ok(verdict)
}

/// unit, option, class, segment, flagged
type Key = (String, String, String, String, bool);

/// Recounts the campaign's stored ballots into the counters' shape.
async fn recount(store: &dyn Store, campaign: &Campaign) -> anyhow::Result<(HashMap<Key, i64>, u64)> {
    let units = campaign.units.len();
    let options = campaign.definition.scale.len();
    // Per (class, segment, flagged): a units × options grid.
    let mut groups: HashMap<(String, String, bool), Vec<i64>> = HashMap::new();
    let mut ballots = 0u64;
    let mut malformed = 0u64;
    store
        .for_each_ballot(campaign.id, &mut |b| {
            ballots += 1;
            let key = (b.class, b.segment.unwrap_or_default(), b.flags != 0);
            let grid = groups.entry(key).or_insert_with(|| vec![0; units * options]);
            if b.ratings.len() != units {
                malformed += 1;
                return Ok(());
            }
            for (u, c) in b.ratings.bytes().enumerate() {
                match c {
                    b'-' => {}
                    b'0'..=b'9' if ((c - b'0') as usize) < options => {
                        grid[u * options + (c - b'0') as usize] += 1
                    }
                    _ => malformed += 1,
                }
            }
            Ok(())
        })
        .await?;
    anyhow::ensure!(malformed == 0, "{malformed} stored ratings do not fit the campaign");
    let mut counters = HashMap::new();
    for ((class, segment, flagged), grid) in groups {
        for (i, &n) in grid.iter().enumerate() {
            if n != 0 {
                let unit = campaign.units[i / options].code.clone();
                let option = campaign.definition.scale[i % options].code.clone();
                counters.insert((unit, option, class.clone(), segment.clone(), flagged), n);
            }
        }
    }
    Ok((counters, ballots))
}
