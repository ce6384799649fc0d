//! The staff API's refusals, mapped to HTTP: access, sign-in, campaign files and unit lists,
//! lifecycle, results and closing, downloads, the roster and reminders. The type, the
//! public API's refusals and the catalogue are beside it: this is still the one place.

use actix_web::http::StatusCode;
use serde_json::json;

use super::accounts::{frozen, FrozenPart};
use super::builder::chain;
use super::messages::Message;
use super::params::{NoLonger, NotYet, Nowhere, Only, Upload};
use super::{ApiError, CONFLICT, UNPROCESSABLE};
use crate::campaign::tables::TableError;
use crate::campaign::{downloads::DownloadError, lifecycle::LifecycleError, progress::ProgressError};
use crate::campaign::{results::CloseError, results::ResultsError, unit_list::BadUnitList};
use crate::domain::campaign::{CampaignFileError, DefinitionError};
use crate::domain::NotOpen;
use crate::export::ballots::ExportError;
use crate::panel::letters::LetterError;
use crate::panel::reminders::NotSending;
use crate::panel::roster::{BadRoster, IssueError, ReissueError};
use crate::staff::AccessError;
use crate::store::StoreError;

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::SignedOut => Self::new(StatusCode::UNAUTHORIZED, Message::Unauthenticated),
            AccessError::StaleToken => Self::new(StatusCode::FORBIDDEN, Message::CsrfToken),
            AccessError::NotAdmin => Self::new(StatusCode::FORBIDDEN, Message::Forbidden(Only::Admins)),
            AccessError::NotAuditor => {
                Self::new(StatusCode::FORBIDDEN, Message::Forbidden(Only::AdminsAndAuditors))
            }
            AccessError::Sessions(_) => Self::unavailable(),
        }
    }
}

impl From<CampaignFileError> for ApiError {
    fn from(e: CampaignFileError) -> Self {
        match e {
            CampaignFileError::NotUtf8 => Self::new(StatusCode::BAD_REQUEST, Message::InvalidFile),
            e => Self::new(UNPROCESSABLE, Message::InvalidCampaign { detail: chain(&e) }),
        }
    }
}

impl From<BadUnitList> for ApiError {
    fn from(BadUnitList(rows): BadUnitList) -> Self {
        Self::invalid_rows(Upload::UnitList, rows)
    }
}

impl From<LifecycleError> for ApiError {
    fn from(e: LifecycleError) -> Self {
        match e {
            LifecycleError::UnknownCampaign(_) => Self::new(StatusCode::NOT_FOUND, Message::UnknownCampaign),
            LifecycleError::NotDraft(slug) => Self::new(CONFLICT, Message::NotDraft(slug)),
            LifecycleError::NeedsOverride(slug) => {
                Self::new(CONFLICT, Message::NeedsOverride(slug)).field("override_reason")
            }
            LifecycleError::Frozen(slug) => Self::new(CONFLICT, Message::Frozen(slug)),
            LifecycleError::SettingsFrozen(_) => frozen(FrozenPart::Settings),
            LifecycleError::SlugMismatch { file, named } => {
                Self::new(UNPROCESSABLE, Message::SlugMismatch { file, named }).field("slug")
            }
            LifecycleError::SegmentsFixed(_) => {
                Self::new(UNPROCESSABLE, Message::InvalidFormula { detail: e.to_string() })
                    .field("formula.segment_weights")
            }
            LifecycleError::FlaggedFixed(_) => {
                Self::new(UNPROCESSABLE, Message::InvalidFormula { detail: e.to_string() })
                    .field("formula.count_flagged")
            }
            LifecycleError::Invalid(DefinitionError::Settings(s)) => {
                let field = s.field();
                Self::new(UNPROCESSABLE, Message::InvalidSettings(s)).field(field)
            }
            LifecycleError::Invalid(d) => {
                let field = match &d {
                    DefinitionError::Formula(f) => format!("formula.{}", f.field()),
                    DefinitionError::AnonymityThreshold(_) => "anonymity_threshold".into(),
                    DefinitionError::ClassFloorBelowK { .. } => "formula.min_class_valid".into(),
                    _ => "formula".into(),
                };
                Self::new(UNPROCESSABLE, Message::InvalidFormula { detail: d.to_string() }).field(field)
            }
            LifecycleError::Store(StoreError::CampaignExists(slug)) => {
                Self::new(CONFLICT, Message::CampaignExists(slug)).field("slug")
            }
            LifecycleError::Store(s) => s.into(),
        }
    }
}

impl From<ResultsError> for ApiError {
    fn from(e: ResultsError) -> Self {
        match e {
            ResultsError::UnknownFlagged(_) => {
                Self::new(UNPROCESSABLE, Message::InvalidQuery).field("flagged")
            }
            // Every other fault of the results is a 500, even the database being down.
            e => Self::internal(&e),
        }
    }
}

impl From<CloseError> for ApiError {
    fn from(e: CloseError) -> Self {
        match e {
            CloseError::Draft(_) => Self::new(CONFLICT, Message::NotOpen(NotYet::Closing)),
            e => Self::internal(&e),
        }
    }
}

impl From<DownloadError> for ApiError {
    fn from(e: DownloadError) -> Self {
        match e {
            DownloadError::Unknown(_) => Self::new(StatusCode::NOT_FOUND, Message::NotFound(Nowhere::Export)),
            DownloadError::Ballots(ExportError::NotClosed(_)) => Self::new(CONFLICT, Message::NotClosed),
            // Whether the campaign is closed is asked of the store before anything is written.
            DownloadError::Ballots(ExportError::Frozen(e)) => e.into(),
            e => Self::internal(&e),
        }
    }
}

impl From<BadRoster> for ApiError {
    fn from(BadRoster(rows): BadRoster) -> Self {
        Self::invalid_rows(Upload::Roster, rows)
    }
}

impl From<IssueError> for ApiError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::AlreadyInvited(members) => {
                Self::new(CONFLICT, Message::AlreadyInvited { members: members.len() })
                    .details(json!({ "members": members }))
            }
            IssueError::Frozen => frozen(FrozenPart::Roster),
            IssueError::Store(e) => e.into(),
        }
    }
}

impl From<ReissueError> for ApiError {
    fn from(e: ReissueError) -> Self {
        match e {
            ReissueError::UnknownMember { .. } => {
                Self::new(StatusCode::NOT_FOUND, Message::UnknownMember).field("member")
            }
            ReissueError::Frozen => frozen(FrozenPart::Reissue),
            ReissueError::Answered(_) => Self::new(CONFLICT, Message::AlreadyAnswered).field("member"),
            ReissueError::Store(e) => e.into(),
        }
    }
}

impl From<NotSending> for ApiError {
    fn from(NotSending(why): NotSending) -> Self {
        match why {
            NotOpen::Draft => Self::new(CONFLICT, Message::NotOpen(NotYet::Reminders)),
            NotOpen::Closed => Self::new(CONFLICT, Message::Closed(NoLonger::Reminders)),
        }
    }
}

/// Failures that are never the client's doing: a 500, with the cause in the log.
macro_rules! internal {
    ($($error:ty),*) => {$(
        impl From<$error> for ApiError {
            fn from(e: $error) -> Self {
                Self::internal(&e)
            }
        }
    )*};
}

internal!(ProgressError, TableError, csv::Error, LetterError);
