//! Reminder batches (催办短信): an SMS to each panel member who has not answered yet, with a
//! freshly drawn invitation that no person sees (the member's previous one is void). The
//! database keeps no mobile numbers (only keyed hashes), so a batch works from the roster
//! file staff already hold: a number is used only when its hash is the one the roster was
//! imported with — a file cannot send a member's credential to someone else — then dropped,
//! never stored, never logged. Every message counts against the same hourly SMS budgets as
//! the public channel's codes.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

use futures_util::StreamExt;
use serde::Serialize;

use crate::domain::{Campaign, NotOpen};
use crate::guard::limits::{charge, LimitKind, Limits};
use crate::guard::signals::{self, Signals};
use crate::hot::HotState;
use crate::identity::{PhoneNumber, Secret};
use crate::panel::roster::{self, InvitationLine, RosterRow};
use crate::sms::SmsGateway;
use crate::store::{IssuedRecord, Store, StoreError};

/// Messages handed to the gateway at once.
const CONCURRENCY: usize = 8;
/// The gateway failing this many times in a row stops the batch: it is down, and each
/// further try would only wait for its timeout.
const FAILURES_IN_A_ROW: usize = 10;

/// Only members of this segment and district (absent or empty: any): the filter of both the
/// non-responder list and reminder batches. Matched against the roster as imported.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub segment: Option<String>,
    pub district: Option<String>,
}

impl Filter {
    pub fn admits(&self, segment: &str, district: &str) -> bool {
        let wanted = |value: &str, filter: &Option<String>| {
            filter.as_deref().is_none_or(|f| f.is_empty() || f == value)
        };
        wanted(segment, &self.segment) && wanted(district, &self.district)
    }

    fn describe(&self) -> String {
        let named = |what: &str, v: &Option<String>| {
            v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("; {what} {v}")).unwrap_or_default()
        };
        format!("{}{}", named("segment", &self.segment), named("district", &self.district))
    }
}

/// What became of each member of the file: every member lands in exactly one count, the
/// first that applies in this order — not invited, already responded, filtered out,
/// without a number, a number other than the roster's — and otherwise sent, failed or over
/// budget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub sent: usize,
    pub failed: usize,
    pub already_responded: usize,
    pub without_number: usize,
    pub not_invited: usize,
    pub filtered_out: usize,
    /// The file's number is not the one the member was imported with: nothing is sent.
    pub number_mismatch: usize,
    /// Left unsent because the hour's SMS budget was used up.
    pub over_budget: usize,
}

impl Counts {
    /// The audit log's line: counts and filters, never a number.
    pub fn summary(&self, filter: &Filter) -> String {
        format!(
            "sent {}, failed {}, over the SMS budget {}, already responded {}, without a number {}, \
             not invited {}, filtered out {}, number not the roster's {}{}",
            self.sent,
            self.failed,
            self.over_budget,
            self.already_responded,
            self.without_number,
            self.not_invited,
            self.filtered_out,
            self.number_mismatch,
            filter.describe()
        )
    }
}

/// One reminder to send; its number lives only as long as the batch, its credential is drawn
/// when it is sent.
pub struct Reminder {
    number: PhoneNumber,
    member: IssuedRecord,
}

/// The reminders a roster file yields, before anything is sent.
pub struct Plan {
    pub reminders: Vec<Reminder>,
    /// Everyone the file names but who gets no reminder, and why.
    pub counts: Counts,
}

/// Reminders go out while a campaign runs: before it opens there is nothing to answer yet,
/// after it closes nothing can be.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("reminders go out while a campaign is open: {0}")]
pub struct NotSending(pub NotOpen);

/// Whether reminders may go out for the campaign now.
pub fn may_send(campaign: &Campaign) -> Result<(), NotSending> {
    campaign.ensure_open().map_err(NotSending)
}

/// Sorts the file's members: a reminder for each invited non-responder who passes the filter
/// and whose number is the roster's. Nothing changes until the plan is sent.
pub async fn plan(
    store: &dyn Store,
    secret: &Secret,
    campaign: &Campaign,
    rows: Vec<RosterRow>,
    filter: &Filter,
) -> Result<Plan, StoreError> {
    let mut invited: HashMap<String, _> =
        (store.invitations(campaign.id).await?).into_iter().map(|r| (r.member_code.clone(), r)).collect();
    let waiting: HashSet<String> =
        (store.non_responders(campaign.id).await?).into_iter().map(|m| m.member_code).collect();
    let mut counts = Counts::default();
    let mut reminders = Vec::new();
    for row in rows {
        let Some(record) = invited.remove(&row.member_code) else {
            counts.not_invited += 1;
            continue;
        };
        if !waiting.contains(&row.member_code) {
            counts.already_responded += 1;
        } else if !filter.admits(&record.segment, &record.district) {
            counts.filtered_out += 1;
        } else if let Some(number) = row.mobile {
            if record.phone_hash.as_deref() == Some(&number.keyed_hash(secret)[..]) {
                reminders.push(Reminder { number, member: record });
            } else {
                counts.number_mismatch += 1;
            }
        } else {
            counts.without_number += 1;
        }
    }
    Ok(Plan { reminders, counts })
}

/// The message: the campaign, the member's link, and the short code for typing.
pub fn text(campaign: &Campaign, line: &InvitationLine) -> String {
    format!(
        "【民评】{}：您尚未参加评议，请点击 {} 参加，或在评议页面输入邀请码 {}。",
        campaign.definition.title, line.url, line.short_code
    )
}

/// What sending needs: the store and secret to issue the fresh invitations, the gateway, the
/// budgets in hot state, the signal counters.
pub struct Sender<'a> {
    pub store: &'a dyn Store,
    pub secret: &'a Secret,
    pub base_url: &'a str,
    pub hot: &'a dyn HotState,
    pub sms: &'a dyn SmsGateway,
    pub signals: &'a Signals,
    pub limits: &'a Limits,
}

enum Outcome {
    Sent,
    Failed,
    OverBudget,
}

impl Sender<'_> {
    /// How many more SMS the hour's budgets allow now.
    pub async fn budget_left(&self, campaign: &Campaign) -> u64 {
        let mut left = u64::MAX;
        for budget in self.limits.sms_budgets(campaign) {
            let used = self.hot.count(&budget.key).await.unwrap_or(0);
            left = left.min(budget.per_hour.saturating_sub(used));
        }
        left
    }

    /// Counts one message against both budgets; `false` past either, or when hot state
    /// cannot count (the budget is a cost guard: without it, nothing is sent).
    async fn charge(&self, campaign: &Campaign) -> bool {
        for budget in self.limits.sms_budgets(campaign) {
            match charge(self.hot, &budget.key, 3600, budget.per_hour, LimitKind::SmsBudget).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return false,
                Err(e) => {
                    tracing::warn!(error = %e, "the SMS budget cannot be counted; reminders stop");
                    return false;
                }
            }
        }
        true
    }

    /// Sends the plan's reminders, a few at a time, until done, the budget is used up, or
    /// the gateway is down; `progress` hears how many were handled so far.
    pub async fn send(&self, campaign: &Campaign, plan: Plan, progress: &(dyn Fn(usize) + Sync)) -> Counts {
        let Plan { reminders, mut counts } = plan;
        let (spent, down) = (&AtomicBool::new(false), &AtomicBool::new(false));
        let (in_a_row, done) = (&AtomicUsize::new(0), &AtomicUsize::new(0));
        let outcomes: Vec<Outcome> = futures_util::stream::iter(&reminders)
            .map(|reminder| async move {
                let outcome = self.send_one(campaign, reminder, spent, down, in_a_row).await;
                progress(done.fetch_add(1, Relaxed) + 1);
                outcome
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for outcome in outcomes {
            match outcome {
                Outcome::Sent => counts.sent += 1,
                Outcome::Failed => counts.failed += 1,
                Outcome::OverBudget => counts.over_budget += 1,
            }
        }
        counts
    }

    async fn send_one(
        &self,
        campaign: &Campaign,
        reminder: &Reminder,
        spent: &AtomicBool,
        down: &AtomicBool,
        in_a_row: &AtomicUsize,
    ) -> Outcome {
        if down.load(Relaxed) {
            return Outcome::Failed;
        }
        if spent.load(Relaxed) || !self.charge(campaign).await {
            spent.store(true, Relaxed);
            return Outcome::OverBudget;
        }
        // The member's new invitation replaces the old before it is sent: an SMS that fails
        // leaves the member to be reminded again, never a second valid credential.
        let store = (self.store, self.secret, self.base_url);
        let line = match roster::reissue_record(store.0, store.1, campaign, reminder.member.clone(), store.2)
            .await
        {
            Ok(Some(line)) => line,
            Ok(None) => return Outcome::Failed,
            Err(e) => {
                tracing::warn!(error = %e, "a reminder's invitation could not be stored");
                return Outcome::Failed;
            }
        };
        match self.sms.send(&reminder.number, &text(campaign, &line), "").await {
            Ok(()) => {
                in_a_row.store(0, Relaxed);
                self.signals.record(campaign.id, signals::SMS_SENT);
                Outcome::Sent
            }
            Err(e) => {
                tracing::warn!(error = %e, "a reminder SMS was not sent");
                self.signals.record(campaign.id, signals::SMS_FAILED);
                if in_a_row.fetch_add(1, Relaxed) + 1 >= FAILURES_IN_A_ROW {
                    down.store(true, Relaxed);
                }
                Outcome::Failed
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_like_the_non_responder_list() {
        let none = Filter::default();
        assert!(none.admits("企业界", "城关区"));
        let empty = Filter { segment: Some(String::new()), district: None };
        assert!(empty.admits("企业界", "城关区"));
        let both = Filter { segment: Some("企业界".into()), district: Some("高新区".into()) };
        assert!(both.admits("企业界", "高新区"));
        assert!(!both.admits("企业界", "城关区"));
        assert_eq!(both.describe(), "; segment 企业界; district 高新区");
    }

    #[test]
    fn the_audit_line_has_counts_only() {
        let counts = Counts { sent: 3, already_responded: 2, ..Counts::default() };
        let line = counts.summary(&Filter::default());
        assert!(line.starts_with("sent 3, failed 0") && line.contains("already responded 2"), "{line}");
    }
}
