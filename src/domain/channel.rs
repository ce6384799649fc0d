//! What may change while a campaign runs: its public channel (whether people outside the
//! panel may take part, and how each of them is made to count once), its dates and the
//! response target staff watch. Units, scale and formula are fixed once it opens.

use serde::{Deserialize, Serialize};

/// The settings staff may change at any time before the close (audited).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSettings {
    /// Dates shown to respondents and staff, `YYYY-MM-DD`. Opening and closing stay
    /// deliberate acts of staff; the dates only say what was announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_on: Option<String>,
    /// The panel response rate aimed at, in percent: the target line of the live view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_target: Option<u8>,
    #[serde(default)]
    pub public: PublicChannel,
    /// The campaign's anonymity threshold k (docs/ANONYMITY.md); unchanged when absent. Once
    /// the campaign is open it may only rise: figures already shown were cut at the old k.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymity_threshold: Option<u64>,
}

/// Why settings are refused; what staff read is in the message catalogue (`error::messages`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("`{field}` must be a date written YYYY-MM-DD, not `{value}`")]
    BadDate { field: &'static str, value: String },
    #[error("closes_on ({closes}) is before opens_on ({opens})")]
    ClosesBeforeOpens { opens: String, closes: String },
    #[error("response_target must be a percentage from 1 to 100, not {0}")]
    BadTarget(u8),
    #[error("public.sms_per_hour must be at least 1")]
    NoSmsBudget,
    #[error("the campaign is open: anonymity_threshold may rise, not fall from {from} to {to}")]
    ThresholdLowered { from: u64, to: u64 },
}

impl SettingsError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::BadDate { field, .. } => field,
            Self::ClosesBeforeOpens { .. } => "closes_on",
            Self::BadTarget(_) => "response_target",
            Self::NoSmsBudget => "public.sms_per_hour",
            Self::ThresholdLowered { .. } => "anonymity_threshold",
        }
    }
}

impl CampaignSettings {
    pub fn validate(&self) -> Result<(), SettingsError> {
        let opens = check_date("opens_on", self.opens_on.as_deref())?;
        let closes = check_date("closes_on", self.closes_on.as_deref())?;
        if let (Some(opens), Some(closes)) = (opens, closes) {
            if closes < opens {
                return Err(SettingsError::ClosesBeforeOpens {
                    opens: self.opens_on.clone().unwrap_or_default(),
                    closes: self.closes_on.clone().unwrap_or_default(),
                });
            }
        }
        if let Some(target) = self.response_target {
            if !(1..=100).contains(&target) {
                return Err(SettingsError::BadTarget(target));
            }
        }
        if self.public.sms_per_hour == Some(0) {
            return Err(SettingsError::NoSmsBudget);
        }
        Ok(())
    }
}

fn check_date(field: &'static str, value: Option<&str>) -> Result<Option<time::Date>, SettingsError> {
    let Some(value) = value else { return Ok(None) };
    let bad = || SettingsError::BadDate { field, value: value.to_owned() };
    let mut parts = value.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if (y.len(), m.len(), d.len()) != (4, 2, 2) {
        return Err(bad());
    }
    let number = |s: &str| s.parse::<u16>().map_err(|_| bad());
    let month = time::Month::try_from(number(m)? as u8).map_err(|_| bad())?;
    time::Date::from_calendar_date(number(y)? as i32, month, number(d)? as u8).map(Some).map_err(|_| bad())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(opens: &str, closes: &str) -> CampaignSettings {
        CampaignSettings {
            opens_on: Some(opens.into()),
            closes_on: Some(closes.into()),
            ..CampaignSettings::default()
        }
    }

    #[test]
    fn dates_are_real_and_in_order() {
        assert_eq!(dates("2026-12-01", "2026-12-20").validate(), Ok(()));
        assert_eq!(dates("2026-12-01", "2026-12-01").validate(), Ok(()));
        for bad in ["2026-02-30", "2026-13-01", "26-12-01", "2026/12/01", "2026-12-1", "soon"] {
            let error = dates(bad, "2027-01-01").validate().unwrap_err();
            assert_eq!(error.field(), "opens_on", "{bad}");
        }
        let error = dates("2026-12-20", "2026-12-01").validate().unwrap_err();
        assert_eq!(error.field(), "closes_on");
    }

    #[test]
    fn targets_and_budgets_must_make_sense() {
        let target = |t| CampaignSettings { response_target: Some(t), ..CampaignSettings::default() };
        assert!(target(85).validate().is_ok());
        assert_eq!(target(0).validate().unwrap_err().field(), "response_target");
        assert_eq!(target(101).validate().unwrap_err().field(), "response_target");
        let budget = CampaignSettings {
            public: PublicChannel { mode: PublicMode::Phone, sms_per_hour: Some(0) },
            ..CampaignSettings::default()
        };
        assert_eq!(budget.validate().unwrap_err().field(), "public.sms_per_hour");
    }
}
