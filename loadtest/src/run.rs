//! The state every simulated user of one run shares: the campaign's form, the invitation
//! list and its cursor, the receipts handed out, and what each scenario measured.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::ballots::{Form, Phones};

/// The scenarios, as named in `--mix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Panel,
    Public,
    Page,
    Dashboard,
    Duplicate,
    Bad,
    Ballot,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::Panel, Kind::Public, Kind::Page, Kind::Dashboard, Kind::Duplicate, Kind::Bad, Kind::Ballot];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Panel => "panel",
            Kind::Public => "public",
            Kind::Page => "page",
            Kind::Dashboard => "dashboard",
            Kind::Duplicate => "duplicate",
            Kind::Bad => "bad",
            Kind::Ballot => "ballot",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Scenarios whose ballots are all meant to be counted: the ballot POST latency of the
    /// final line is theirs.
    pub fn submits_valid_ballots(self) -> bool {
        matches!(self, Kind::Panel | Kind::Public | Kind::Ballot)
    }

    /// Scenarios that use up panel invitations.
    pub fn needs_invitations(self) -> bool {
        matches!(self, Kind::Panel | Kind::Duplicate | Kind::Bad | Kind::Ballot)
    }
}

/// What one scenario measured.
#[derive(Default)]
pub struct Stats {
    pub users: AtomicU64,
    pub requests: AtomicU64,
    /// Ballots answered `201`.
    pub accepted: AtomicU64,
    /// Microseconds from sending a ballot POST to having read its answer, for every answered one.
    pub ballot_micros: Mutex<Vec<u32>>,
    /// Unexpected answers and transport failures, by kind.
    pub errors: Mutex<BTreeMap<String, u64>>,
    /// Refusals the scenario asked for (`409` to a re-used invitation, `422` to a bad ballot).
    pub expected: Mutex<BTreeMap<String, u64>>,
    /// Anything else worth a count (SSE events, exhausted invitations).
    pub notes: Mutex<BTreeMap<String, u64>>,
    /// Microseconds of every answered request, by step (`page`, `captcha`, `ballot` …).
    pub steps: Mutex<BTreeMap<String, Vec<u32>>>,
}

fn bump(map: &Mutex<BTreeMap<String, u64>>, key: String) {
    *map.lock().unwrap().entry(key).or_default() += 1;
}

impl Stats {
    pub fn error(&self, kind: String) {
        bump(&self.errors, kind);
    }
    pub fn expected(&self, kind: String) {
        bump(&self.expected, kind);
    }
    pub fn note(&self, kind: &str) {
        bump(&self.notes, kind.to_owned());
    }
    pub fn step(&self, step: &str, micros: u32) {
        let mut steps = self.steps.lock().unwrap();
        match steps.get_mut(step) {
            Some(list) => list.push(micros),
            None => {
                steps.insert(step.to_owned(), vec![micros]);
            }
        }
    }
    pub fn error_count(&self) -> u64 {
        self.errors.lock().unwrap().values().sum()
    }
}

/// One panel invitation of the demo's list.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub token: String,
    pub short_code: String,
}

/// Where invitations come from.
pub enum Invitations {
    /// The rows of an invitation CSV, each used once.
    List(Vec<Invitation>),
    /// Made up, for the bare ceiling server, which checks none.
    Synthetic,
}

pub struct Run {
    pub slug: String,
    pub form: Form,
    invitations: Invitations,
    cursor: AtomicUsize,
    /// Invitations whose ballot was answered `201`, for the `duplicate` scenario.
    used: Mutex<Vec<Invitation>>,
    /// Every receipt a client was given, as shown (`XXXX-XXXX-XXXX-XXXX`).
    pub receipts: Mutex<Vec<String>>,
    pub phones: Phones,
    phone_counter: AtomicU64,
    pub staff: Option<(String, String)>,
    stats: Vec<Stats>,
    epoch: Instant,
    first_start: AtomicU64,
    last_end: AtomicU64,
    /// When the run is due to end, for bounded waits (an SSE stream held open).
    pub deadline: Instant,
    /// Valid ballot POSTs that got no answer: committed or not, nobody knows.
    pub unanswered: AtomicU64,
    /// `201`s the server must never give: to a re-used invitation, to a faulty ballot, or a
    /// second one in a race for one invitation.
    pub wrongly_accepted: AtomicU64,
}

impl Run {
    pub fn new(
        slug: String,
        form: Form,
        invitations: Invitations,
        staff: Option<(String, String)>,
        duration: Duration,
    ) -> Self {
        let now = Instant::now();
        Self {
            slug,
            form,
            invitations,
            cursor: AtomicUsize::new(0),
            used: Mutex::new(Vec::new()),
            receipts: Mutex::new(Vec::new()),
            phones: Phones::new(&mut rand::rng()),
            phone_counter: AtomicU64::new(0),
            staff,
            stats: Kind::ALL.iter().map(|_| Stats::default()).collect(),
            epoch: now,
            first_start: AtomicU64::new(u64::MAX),
            last_end: AtomicU64::new(0),
            deadline: now + duration,
            unanswered: AtomicU64::new(0),
            wrongly_accepted: AtomicU64::new(0),
        }
    }

    pub fn stats(&self, kind: Kind) -> &Stats {
        &self.stats[Kind::ALL.iter().position(|k| *k == kind).expect("every kind has stats")]
    }

    /// The next unused invitation, each handed out once across all users.
    pub fn next_invitation(&self) -> Option<Invitation> {
        let n = self.cursor.fetch_add(1, Relaxed);
        match &self.invitations {
            Invitations::List(list) => list.get(n).cloned(),
            Invitations::Synthetic => {
                Some(Invitation { token: format!("bare{n:018}"), short_code: String::new() })
            }
        }
    }

    /// How many invitations this run took from the list.
    pub fn invitations_taken(&self) -> usize {
        let n = self.cursor.load(Relaxed);
        match &self.invitations {
            Invitations::List(list) => n.min(list.len()),
            Invitations::Synthetic => n,
        }
    }

    pub fn next_phone(&self) -> String {
        self.phones.number(self.phone_counter.fetch_add(1, Relaxed))
    }

    pub fn mark_used(&self, invitation: Invitation) {
        self.used.lock().unwrap().push(invitation);
    }

    /// An invitation that already has a counted ballot, if any yet.
    pub fn some_used(&self) -> Option<Invitation> {
        use rand::Rng;
        let used = self.used.lock().unwrap();
        (!used.is_empty()).then(|| used[rand::rng().random_range(0..used.len())].clone())
    }

    pub fn receipt(&self, receipt: String) {
        self.receipts.lock().unwrap().push(receipt);
    }

    fn micros(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch).as_micros() as u64
    }

    pub fn request_started(&self, at: Instant) {
        self.first_start.fetch_min(self.micros(at), Relaxed);
    }

    pub fn request_ended(&self, at: Instant) {
        self.last_end.fetch_max(self.micros(at), Relaxed);
    }

    /// From the first request sent to the last answer read.
    pub fn window(&self) -> Duration {
        let (first, last) = (self.first_start.load(Relaxed), self.last_end.load(Relaxed));
        Duration::from_micros(last.saturating_sub(first.min(last)))
    }
}

/// The run in progress. Goose transactions are plain functions, so they find it here.
static CURRENT: RwLock<Option<Arc<Run>>> = RwLock::new(None);

pub fn set_current(run: Option<Arc<Run>>) {
    *CURRENT.write().unwrap() = run;
}

pub fn current() -> Arc<Run> {
    CURRENT.read().unwrap().clone().expect("a run is in progress")
}
