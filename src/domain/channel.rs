//! The public channel of a campaign: whether people outside the panel may take part, and
//! how each of them is made to count once.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicChannel {
    #[serde(default)]
    pub mode: PublicMode,
    /// SMS codes this campaign may send per hour; unset means the deployment's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_per_hour: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicMode {
    /// A mainland mobile number proven by an SMS code: one ballot per number.
    #[default]
    Phone,
    /// No phone: a captcha, a signed device cookie and per-address limits. Weaker, so its
    /// ballots form their own class (`device`) in the results.
    Device,
    /// Panel invitations only.
    Off,
}

impl PublicMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Device => "device",
            Self::Off => "off",
        }
    }
}
