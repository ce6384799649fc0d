//! Validated domain types. A value of these types that exists is valid: input becomes
//! them once, at the edge, and the rest of the code trusts them.

pub mod ballot;
pub mod campaign;
pub mod channel;
pub mod definition;
pub mod receipt;
pub mod respondent;
pub mod scale;
pub mod survey_view;
pub mod text;

pub use ballot::{Ballot, BallotInput, RespondentClass};
pub use campaign::{Campaign, CampaignDefinition, CampaignStatus, NotOpen};
pub use channel::{CampaignSettings, PublicChannel, PublicMode};
pub use receipt::Receipt;
pub use respondent::RespondentKey;
