//! The parameters of the catalogue's messages: what varies under one stable code (which
//! step a campaign refuses, who may do what a staff member may not), so that a client
//! matching on the code never has to care.

/// What a campaign that has not opened refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotYet {
    Ballots,
    Closing,
    Reminders,
}

/// What a closed campaign refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLonger {
    Ballots,
    Reminders,
}

/// Which rating is missing: every one, or the first unit of a campaign that asks for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unrated {
    All,
    Unit { code: String, name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeText {
    Reason,
    Suggestion,
}

/// Who may do what a staff member was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    Admins,
    AdminsAndAuditors,
}

/// The table staff uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    Roster,
    UnitList,
}

/// What does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nowhere {
    Address,
    Export,
}

/// What is unavailable for a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// The store, the writer, or staff sessions: said as to someone submitting a ballot.
    Saving,
    /// Hot state, without which there are no captchas and no codes.
    Verifying,
}
