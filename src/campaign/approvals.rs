//! Two people for sensitive acts (双人复核; docs/SECURITY.md). Once a campaign is open,
//! adding or removing panel members, re-issuing a member's credential, changing the formula
//! (class weights included) and changing the anonymity threshold are *requests*: they wait
//! until a second staff member — an auditor, or another admin, never the requester —
//! approves, and are carried out then, in the approver's name with the requester's beside
//! it. Both, the request and the outcome go to the audit log. A credential the act issues is
//! shown once, to the approver, who hands the letter over.

use serde::{Deserialize, Serialize};

use crate::campaign::lifecycle::{self, LifecycleError};
use crate::domain::{Campaign, CampaignSettings, CampaignStatus};
use crate::identity::Secret;
use crate::panel::roster::{self, InvitationLine, IssueError, Member, ReissueError};
use crate::scoring::formula::Formula;
use crate::store::{ApprovalRecord, AuditEntry, NewApproval, Removal, Store, StoreError};

/// A sensitive act, as it waits for approval: what carrying it out needs, no phone number
/// (members carry only its keyed hash) and no credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Act {
    AddMembers { members: Vec<Member> },
    RemoveMember { member: String },
    Reissue { member: String },
    Formula { formula: Formula, reason: String },
    Settings { settings: CampaignSettings },
}

impl Act {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AddMembers { .. } => "add_members",
            Self::RemoveMember { .. } => "remove_member",
            Self::Reissue { .. } => "reissue",
            Self::Formula { .. } => "formula",
            Self::Settings { .. } => "settings",
        }
    }

    /// The act in words, for the list staff decide from and the audit log: everything it
    /// would change, before → after, against `campaign` as it is when asked — the approver
    /// decides on what will be done, not on the requester's description of it.
    pub fn summary(&self, campaign: &Campaign) -> String {
        match self {
            Self::AddMembers { members } => {
                let listed: Vec<String> = (members.iter().take(20))
                    .map(|m| {
                        let number = if m.phone_hash.is_some() { "有手机号" } else { "无手机号" };
                        format!("{}（{}·{}，{number}）", m.member_code, m.segment, m.district)
                    })
                    .collect();
                let more = if members.len() > 20 { " 等" } else { "" };
                format!("新增评议团成员 {} 名并发放邀请：{}{more}", members.len(), listed.join("、"))
            }
            Self::RemoveMember { member } => format!("移除评议团成员 {member}"),
            Self::Reissue { member } => format!("补发成员 {member} 的邀请（原邀请作废）"),
            Self::Formula { formula, reason } => {
                let changes = changes(&campaign.definition.formula, formula);
                format!("修改计分规则（理由：{reason}）：{changes}")
            }
            Self::Settings { settings } => {
                format!("修改评议设置：{}", changes(&campaign.definition.settings(), settings))
            }
        }
    }
}

/// Every top-level field that differs, `name: before → after`, in JSON.
fn changes<T: Serialize>(before: &T, after: &T) -> String {
    let (before, after) = (serde_json::to_value(before), serde_json::to_value(after));
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) = (before, after)
    else {
        return String::new();
    };
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let null = serde_json::Value::Null;
    let changed: Vec<String> = (keys.into_iter())
        .filter(|k| before.get(*k).unwrap_or(&null) != after.get(*k).unwrap_or(&null))
        .map(|k| format!("{k}: {} → {}", before.get(k).unwrap_or(&null), after.get(k).unwrap_or(&null)))
        .collect();
    if changed.is_empty() {
        "无变化".into()
    } else {
        changed.join("；")
    }
}

/// The definition an act was asked against, by hash: an act that changes the definition is
/// carried out only on the definition the approver saw it against.
fn base(campaign: &Campaign) -> String {
    use sha2::Digest;
    let text = serde_json::to_string(&campaign.definition).expect("a definition serialises");
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// Who an audit actor is, whatever the channel: `staff:zhang` on the console and
/// `staff:zhang (cli, root@host)` on the command line are one person.
fn person(actor: &str) -> &str {
    actor.split(" (").next().unwrap_or(actor)
}

/// Whether an act on `campaign` needs a second person now: once it is open. (Before, there
/// are no ballots to sway; after the close, nothing changes at all.)
pub fn needed(campaign: &Campaign) -> bool {
    campaign.status == CampaignStatus::Open
}

#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    #[error("campaign `{campaign}` has no request {id}")]
    Unknown { campaign: String, id: i64 },
    #[error("request {id} was already {status}")]
    Decided { id: i64, status: String },
    #[error("a request is decided by someone other than who asked for it")]
    OwnRequest,
    #[error("campaign `{0}` is closed: nothing in it changes any more")]
    Closed(String),
    #[error("the stored request {0} is not readable")]
    Unreadable(i64),
    #[error("the campaign changed since request {0} was made: it is no longer what was asked")]
    Stale(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Files a request; the audit log names who asked.
pub async fn request(
    store: &dyn Store,
    campaign: &Campaign,
    act: &Act,
    requester: &str,
) -> Result<ApprovalRecord, ApprovalError> {
    if campaign.status == CampaignStatus::Closed {
        return Err(ApprovalError::Closed(campaign.slug().to_owned()));
    }
    let mut payload = serde_json::to_value(act).expect("an act serialises");
    payload["base"] = serde_json::Value::String(base(campaign));
    let approval = NewApproval {
        campaign_id: campaign.id,
        kind: act.kind().into(),
        summary: act.summary(campaign),
        payload: payload.to_string(),
        requested_by: requester.to_owned(),
    };
    let record = store.add_approval(&approval).await?;
    audit(
        store,
        requester,
        "approval.request",
        campaign,
        format!("request {}: {}", record.id, record.summary),
    )
    .await?;
    Ok(record)
}

/// What deciding a request came to: the request as it now stands, and the credentials an
/// approved act issued (shown this once).
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub approval: ApprovalRecord,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invitations: Vec<InvitationLine>,
}

/// Where carrying out an approved act reaches: the store, the secret for credentials, the
/// address their links point to.
pub struct Means<'a> {
    pub store: &'a dyn Store,
    pub secret: &'a Secret,
    pub base_url: &'a str,
}

/// Approves (and carries out) or rejects request `id`. The decider may not be its
/// requester; a request is decided once, even by two approvers at the same moment.
pub async fn decide(
    means: &Means<'_>,
    campaign: &Campaign,
    id: i64,
    approve: bool,
    decider: &str,
) -> Result<Decision, ApprovalError> {
    let store = means.store;
    let unknown = || ApprovalError::Unknown { campaign: campaign.slug().to_owned(), id };
    let record = store.approval(campaign.id, id).await?.ok_or_else(unknown)?;
    if record.status != "pending" {
        return Err(ApprovalError::Decided { id, status: record.status });
    }
    if person(&record.requested_by) == person(decider) {
        return Err(ApprovalError::OwnRequest);
    }
    if campaign.status == CampaignStatus::Closed {
        return Err(ApprovalError::Closed(campaign.slug().to_owned()));
    }
    let payload: serde_json::Value =
        serde_json::from_str(&record.payload).map_err(|_| ApprovalError::Unreadable(id))?;
    let asked_on = payload["base"].as_str().map(str::to_owned);
    let act: Act = serde_json::from_value(payload).map_err(|_| ApprovalError::Unreadable(id))?;
    let changes_definition = matches!(act, Act::Formula { .. } | Act::Settings { .. });
    if approve && changes_definition && asked_on.as_deref() != Some(base(campaign).as_str()) {
        return Err(ApprovalError::Stale(id));
    }
    let status = if approve { "approved" } else { "rejected" };
    if !store.decide_approval(id, status, decider).await? {
        let now = store.approval(campaign.id, id).await?.ok_or_else(unknown)?;
        return Err(ApprovalError::Decided { id, status: now.status });
    }
    let verb = if approve { "approval.approve" } else { "approval.reject" };
    let detail = format!("request {id} by {}: {}", record.requested_by, record.summary);
    audit(store, decider, verb, campaign, detail).await?;
    let mut invitations = Vec::new();
    if approve {
        let actor = format!("{decider} (approving {} of {})", id, record.requested_by);
        let (status, outcome) = match carry_out(means, campaign, act, &actor).await {
            Ok((outcome, lines)) => {
                invitations = lines;
                ("approved", outcome)
            }
            Err(failure) => ("failed", failure),
        };
        store.set_approval_outcome(id, status, &outcome).await?;
        audit(store, decider, "approval.outcome", campaign, format!("request {id}: {outcome}")).await?;
    }
    let approval = store.approval(campaign.id, id).await?.ok_or_else(unknown)?;
    Ok(Decision { approval, invitations })
}

/// Carries an approved act out: its outcome in words, and any credentials it issued. A
/// failure (the member answered meanwhile, the formula no longer fits) is the outcome.
async fn carry_out(
    means: &Means<'_>,
    campaign: &Campaign,
    act: Act,
    actor: &str,
) -> Result<(String, Vec<InvitationLine>), String> {
    let (store, slug) = (means.store, campaign.slug());
    match act {
        Act::AddMembers { members } => {
            let lines = roster::import(store, means.secret, campaign, &members, means.base_url, &|_| {})
                .await
                .map_err(|e: IssueError| e.to_string())?;
            let done = format!("added {} members, each with a new invitation", lines.len());
            audit(store, actor, "roster.import", campaign, done.clone()).await.map_err(|e| e.to_string())?;
            Ok((done, lines))
        }
        Act::RemoveMember { member } => {
            match store.remove_invitation(campaign.id, &member).await.map_err(|e| e.to_string())? {
                Removal::Removed => {}
                Removal::Unknown => return Err(format!("there is no member {member}")),
                Removal::Responded => return Err(format!("{member} has answered: a member who has stays")),
            }
            let done = format!("removed {member}");
            audit(store, actor, "roster.remove", campaign, done.clone()).await.map_err(|e| e.to_string())?;
            Ok((done, Vec::new()))
        }
        Act::Reissue { member } => {
            let line = roster::reissue(store, means.secret, campaign, &member, means.base_url)
                .await
                .map_err(|e: ReissueError| e.to_string())?;
            let done = format!("re-issued the invitation of {member}");
            audit(store, actor, "invitation.reissue", campaign, done.clone())
                .await
                .map_err(|e| e.to_string())?;
            Ok((done, vec![line]))
        }
        Act::Formula { formula, reason } => {
            lifecycle::change_formula(store, slug, formula, Some(&reason), actor)
                .await
                .map_err(|e: LifecycleError| e.to_string())?;
            Ok(("the formula is changed".into(), Vec::new()))
        }
        Act::Settings { settings } => {
            lifecycle::change_settings(store, slug, settings, actor).await.map_err(|e| e.to_string())?;
            Ok(("the settings are changed".into(), Vec::new()))
        }
    }
}

async fn audit(
    store: &dyn Store,
    actor: &str,
    action: &str,
    campaign: &Campaign,
    detail: String,
) -> Result<(), StoreError> {
    let entry =
        AuditEntry { actor: actor.to_owned(), action: action.into(), campaign_id: Some(campaign.id), detail };
    store.append_audit(&entry).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_act_keeps_no_number_and_reads_in_chinese() {
        let member = Member {
            member_code: "P0001".into(),
            segment: "企业界".into(),
            district: "城关区".into(),
            phone_hash: Some("ab12".into()),
        };
        let act = Act::AddMembers { members: vec![member] };
        let json = serde_json::to_string(&act).unwrap();
        assert!(json.contains("\"kind\":\"add_members\"") && !json.contains("199"), "{json}");
        assert_eq!(serde_json::from_str::<Act>(&json).unwrap(), act);
        let campaign =
            Campaign::new(1, CampaignStatus::Open, crate::domain::campaign::tests::small_definition())
                .unwrap();
        assert_eq!(act.summary(&campaign), "新增评议团成员 1 名并发放邀请：P0001（企业界·城关区，有手机号）");
        let mut formula = campaign.definition.formula.clone();
        formula.min_valid = 7;
        let change = Act::Formula { formula, reason: "更正".into() }.summary(&campaign);
        assert!(change.contains("min_valid: 30 → 7"), "the approver sees what changes: {change}");
    }
}
