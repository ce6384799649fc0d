//! The panel roster (评议团名单): imported from CSV or XLSX, each member given an invitation
//! drawn at random and shown once — as the list for mail-merge and the letters to print —
//! and re-issued when one is lost.
//!
//! A roster holds member codes, segments (界别) and districts — not names. A mobile number,
//! when given, is kept only as a keyed hash (to recognise the member on the public channel)
//! and then discarded.

use std::collections::HashSet;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::domain::{Campaign, CampaignStatus};
use crate::identity::{IssuedInvitation, PhoneNumber, Secret};
use crate::spreadsheet::cell::write_csv_record;
use crate::spreadsheet::{self, RowError};
use crate::store::{Invitation, Issued, IssuedRecord, NewInvitation, Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    pub member_code: String,
    pub segment: String,
    pub district: String,
    /// A mainland mobile number; only its keyed hash is stored.
    pub mobile: Option<PhoneNumber>,
}

/// The columns, by their Chinese header (the template's) or machine key.
const COLUMNS: [(&str, &str, bool); 4] = [
    ("成员编号", "member_code", true),
    ("界别", "segment", true),
    ("区县", "district", true),
    ("手机号", "mobile", false),
];

/// The template staff fill in.
pub fn template_csv() -> String {
    "\u{feff}成员编号,界别,区县,手机号\nP0001,人大代表,城关区,13800138000\nP0002,企业界,高新区,\n".into()
}

/// A roster file refused whole: every faulty cell, with its row and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the roster has {} faults", .0.len())]
pub struct BadRoster(pub Vec<RowError>);

impl std::ops::Deref for BadRoster {
    type Target = [RowError];
    fn deref(&self) -> &[RowError] {
        &self.0
    }
}

/// Parses a roster file (XLSX, or CSV in UTF-8): every row or none. Each fault is reported
/// with its row and column.
pub fn parse(bytes: &[u8]) -> Result<Vec<RosterRow>, BadRoster> {
    rows(bytes).map_err(BadRoster)
}

fn rows(bytes: &[u8]) -> Result<Vec<RosterRow>, Vec<RowError>> {
    let records = spreadsheet::records(bytes, &COLUMNS)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for record in records {
        let row = record.row;
        let [member_code, segment, district, raw_mobile]: [String; 4] =
            record.cells.try_into().expect("one cell per column");
        let mut fail =
            |column: &str, reason: String| errors.push(RowError { row, column: column.into(), reason });
        if !(1..=40).contains(&member_code.len())
            || !member_code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            fail("成员编号", format!("“{member_code}”须为 1–40 位字母、数字、- 或 _"));
        } else if !seen.insert(member_code.clone()) {
            fail("成员编号", format!("“{member_code}”重复出现"));
        }
        for (column, value) in [("界别", &segment), ("区县", &district)] {
            if value.is_empty() || value.chars().count() > 40 {
                fail(column, "须为 1–40 个字".into());
            }
        }
        // The name the published ballots give the small 界别 merged together.
        if segment == crate::export::ballots::MERGED_SEGMENTS {
            fail("界别", format!("“{segment}”是系统保留的名称，请换一个"));
        }
        let mobile = if raw_mobile.is_empty() {
            None
        } else {
            let parsed = PhoneNumber::parse(&raw_mobile).ok();
            if parsed.is_none() {
                fail("手机号", "不是有效的大陆手机号（以 1 开头的 11 位数字）".into());
            }
            parsed
        };
        rows.push(RosterRow { member_code, segment, district, mobile });
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(spreadsheet::whole_file("文件中没有成员"));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// A member as the panel keeps them: the mobile number already reduced to its keyed hash, so
/// a member can wait in an approval request (docs/SECURITY.md) without their number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub member_code: String,
    pub segment: String,
    pub district: String,
    /// Hex of the keyed hash of the member's mobile number.
    pub phone_hash: Option<String>,
}

/// The roster's rows as members: numbers hashed, then dropped.
pub fn members(secret: &Secret, rows: &[RosterRow]) -> Vec<Member> {
    rows.iter()
        .map(|r| Member {
            member_code: r.member_code.clone(),
            segment: r.segment.clone(),
            district: r.district.clone(),
            phone_hash: r.mobile.as_ref().map(|m| hex::encode(m.keyed_hash(secret))),
        })
        .collect()
}

/// Stores the members and issues each an invitation drawn at random, reporting progress every
/// thousand members. The lines returned are the only time anyone sees these credentials:
/// the store keeps their hashes. Members who already have one are refused, all together,
/// before anything is stored — a member's invitation is issued once (re-issuing voids it);
/// a closed campaign's roster is frozen.
pub async fn import(
    store: &dyn Store,
    secret: &Secret,
    campaign: &Campaign,
    members: &[Member],
    base_url: &str,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<InvitationLine>, IssueError> {
    if campaign.status == CampaignStatus::Closed {
        return Err(IssueError::Frozen);
    }
    all_new(store, campaign, members).await?;
    let issued_when =
        if campaign.status == CampaignStatus::Draft { Issued::BeforeOpen } else { Issued::Approved };
    let mut short_codes = HashSet::new();
    let mut invitations = Vec::with_capacity(members.len());
    let mut lines = Vec::with_capacity(members.len());
    for (n, member) in members.iter().enumerate() {
        // Short codes are 40 bits: a collision within the import draws again.
        let issued = std::iter::repeat_with(IssuedInvitation::draw)
            .find(|i| short_codes.insert(i.short_code.clone()))
            .expect("a free short code is drawn");
        invitations.push(NewInvitation {
            token_hash: issued.token_hash(secret),
            short_code_hash: issued.short_code_hash(secret),
            member: Invitation {
                member_code: member.member_code.clone(),
                segment: member.segment.clone(),
                district: member.district.clone(),
            },
            issue: 0,
            phone_hash: member.phone_hash.as_ref().and_then(|h| hex::decode(h).ok()),
            issued: issued_when,
        });
        lines.push(line(
            campaign,
            member.member_code.clone(),
            &member.segment,
            &member.district,
            issued,
            base_url,
        ));
        if (n + 1) % 1000 == 0 {
            progress(n + 1);
        }
    }
    store.add_invitations(campaign.id, &invitations).await?;
    progress(members.len());
    Ok(lines)
}

/// Refuses, all together, members who already have an invitation.
pub async fn all_new(store: &dyn Store, campaign: &Campaign, members: &[Member]) -> Result<(), IssueError> {
    let existing: HashSet<String> =
        (store.invitations(campaign.id).await?).into_iter().map(|r| r.member_code).collect();
    let taken: Vec<String> =
        members.iter().filter(|m| existing.contains(&m.member_code)).map(|m| m.member_code.clone()).collect();
    if !taken.is_empty() {
        return Err(IssueError::AlreadyInvited(taken));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("the campaign is closed: its roster is frozen")]
    Frozen,
    #[error("these members already have an invitation: {}", .0.join(", "))]
    AlreadyInvited(Vec<String>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One line of the invitation list: what a letter or an SMS carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvitationLine {
    pub member_code: String,
    pub segment: String,
    pub district: String,
    pub token: String,
    pub short_code: String,
    pub url: String,
}

fn line(
    campaign: &Campaign,
    member_code: String,
    segment: &str,
    district: &str,
    issued: IssuedInvitation,
    base_url: &str,
) -> InvitationLine {
    InvitationLine {
        url: format!("{base_url}/s/{}#i={}", campaign.slug(), issued.token),
        short_code: issued.short_code_display(),
        token: issued.token,
        member_code,
        segment: segment.to_owned(),
        district: district.to_owned(),
    }
}

/// The list as CSV (UTF-8 with BOM) for an SMS provider's mail-merge.
pub fn write_csv(lines: &[InvitationLine], out: &mut dyn Write) -> Result<(), csv::Error> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["member_code", "segment", "district", "token", "short_code", "url"])?;
    for l in lines {
        // Every cell, credentials included: they never start like a formula (the invitation
        // module draws them so), so they pass through unchanged.
        write_csv_record(
            &mut csv,
            [&l.member_code, &l.segment, &l.district, &l.token, &l.short_code, &l.url],
        )?;
    }
    csv.flush()?;
    Ok(())
}

/// The list as CSV text, for a response that carries it once.
pub fn csv_text(lines: &[InvitationLine]) -> String {
    let mut out = Vec::new();
    write_csv(lines, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("CSV of UTF-8 text")
}

#[derive(Debug, thiserror::Error)]
pub enum ReissueError {
    #[error("the campaign is closed: its invitations are frozen")]
    Frozen,
    #[error("`{campaign}` has no member `{member}`")]
    UnknownMember { campaign: String, member: String },
    /// A member who has answered needs no credential; a new one would only count as a late
    /// credential and blur `late_credential_ballots`.
    #[error("`{0}` has answered: there is nothing to re-issue or remove")]
    Answered(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The member a re-issue (or a removal) is about: on the panel, and not yet answered.
pub async fn waiting_member(
    store: &dyn Store,
    campaign: &Campaign,
    member_code: &str,
) -> Result<IssuedRecord, ReissueError> {
    let unknown = || ReissueError::UnknownMember {
        campaign: campaign.slug().to_owned(),
        member: member_code.to_owned(),
    };
    let invited = store.invitations(campaign.id).await?;
    let current = invited.into_iter().find(|r| r.member_code == member_code).ok_or_else(unknown)?;
    let waiting = store.non_responders(campaign.id).await?;
    if !waiting.iter().any(|m| m.member_code == member_code) {
        return Err(ReissueError::Answered(member_code.to_owned()));
    }
    Ok(current)
}

/// Voids a member's invitation and draws the next one: returned once, for a letter, or sent
/// straight to the member's number by a reminder.
pub async fn reissue(
    store: &dyn Store,
    secret: &Secret,
    campaign: &Campaign,
    member_code: &str,
    base_url: &str,
) -> Result<InvitationLine, ReissueError> {
    if campaign.status == CampaignStatus::Closed {
        return Err(ReissueError::Frozen);
    }
    let unknown = || ReissueError::UnknownMember {
        campaign: campaign.slug().to_owned(),
        member: member_code.to_owned(),
    };
    let current = waiting_member(store, campaign, member_code).await?;
    let when = if campaign.status == CampaignStatus::Draft { Issued::BeforeOpen } else { Issued::Approved };
    reissue_record(store, secret, campaign, current, when, base_url).await?.ok_or_else(unknown)
}

/// [`reissue`] of a member already looked up; `None` when they were removed meanwhile.
pub async fn reissue_record(
    store: &dyn Store,
    secret: &Secret,
    campaign: &Campaign,
    current: IssuedRecord,
    when: Issued,
    base_url: &str,
) -> Result<Option<InvitationLine>, StoreError> {
    let issued = IssuedInvitation::draw();
    let next = NewInvitation {
        token_hash: issued.token_hash(secret),
        short_code_hash: issued.short_code_hash(secret),
        member: Invitation {
            member_code: current.member_code.clone(),
            segment: current.segment.clone(),
            district: current.district.clone(),
        },
        issue: current.issue + 1,
        phone_hash: None,
        issued: when,
    };
    if !store.reissue_invitation(campaign.id, &current.member_code, &next).await? {
        return Ok(None);
    }
    Ok(Some(line(campaign, current.member_code, &current.segment, &current.district, issued, base_url)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_csv_parses_with_or_without_bom() {
        let rows = parse(template_csv().as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].mobile.as_ref().map(PhoneNumber::digits), Some("13800138000"));
        assert_eq!(rows[1].mobile, None);
        let plain = "member_code,segment,district\nA1,企业界,城关区\n";
        assert_eq!(parse(plain.as_bytes()).unwrap()[0].member_code, "A1");
    }

    #[test]
    fn every_bad_cell_is_reported_and_nothing_is_taken() {
        let text = "成员编号,界别,区县,手机号\nP1,人大代表,城关区,12345\nP1,,高新区,\nP 3,企业界,城关区,+86 139 0000 0000\n";
        let errors = parse(text.as_bytes()).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(found, [(2, "手机号"), (3, "成员编号"), (3, "界别"), (4, "成员编号")]);
    }

    #[test]
    fn a_missing_column_or_a_non_utf8_file_is_explained() {
        assert!(parse("成员编号,界别\nP1,x\n".as_bytes()).unwrap_err()[0].reason.contains("区县"));
        assert!(parse(&[0xb3, 0xc9, 0xd4, 0xb1]).unwrap_err()[0].reason.contains("UTF-8"));
    }
}
