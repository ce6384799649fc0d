//! A ballot: one respondent's ratings of a campaign's units, parsed against the campaign.

use std::collections::HashMap;

use serde::Deserialize;

use super::campaign::Campaign;
use super::text::{parse_free_text, TextError};

/// The ballot as it arrives over HTTP. Credentials sit beside the ratings; the public
/// channel (phone + code, device) adds its own fields here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotInput {
    /// The panel's credential: an invitation token or short code.
    #[serde(default)]
    pub invitation: Option<String>,
    /// Phone mode of the public channel: the number and its SMS code.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub otp: Option<String>,
    /// Device mode of the public channel: a captcha with every ballot.
    #[serde(default)]
    pub captcha_id: Option<String>,
    #[serde(default)]
    pub captcha_answer: Option<String>,
    /// Public channel only: the district (区县) the respondent says they live in, one of the
    /// campaign's `districts`; optional and unverified. A panel member's comes from the roster.
    #[serde(default)]
    pub district: Option<String>,
    /// The honeypot: a field people never see, so only scripts fill it in.
    #[serde(default)]
    pub homepage: Option<String>,
    pub ratings: HashMap<String, String>,
    #[serde(default)]
    pub reasons: HashMap<String, String>,
    #[serde(default)]
    pub suggestion: Option<String>,
    /// When the page was opened (client clock); kept for the abuse signals of the public channel.
    #[serde(default)]
    pub opened_at_ms: Option<i64>,
    /// A receipt the client drew itself, so that resending a ballot whose answer was lost
    /// is recognised without the server ever linking a person to a ballot.
    #[serde(default)]
    pub receipt: Option<String>,
}

/// Who a ballot speaks for, as a reporting and weighting dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RespondentClass {
    Panel,
    /// A member of the public proven by a phone number and SMS code.
    Public,
    /// A member of the public known only by a device cookie and a captcha: weaker.
    Device,
}

impl RespondentClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Panel => "panel",
            Self::Public => "public",
            Self::Device => "device",
        }
    }
}

/// Marks a unit left unrated in the compact encoding.
const UNRATED: u8 = b'-';

/// A valid ballot. Ratings are kept in the campaign's unit order, one option index per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballot {
    ratings: Vec<Option<u8>>,
    pub reasons: Vec<(usize, String)>,
    pub suggestion: Option<String>,
    /// The district a member of the public chose, one of the campaign's; `None` when not given.
    pub district: Option<String>,
}

/// Why a ballot does not fit its campaign. The English here is for logs; what respondents
/// read, in both languages, is in the message catalogue (`error::messages`).
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum BallotError {
    #[error("the ballot rates no unit")]
    NoRatings,
    #[error("`{0}` is not a unit of this campaign")]
    UnknownUnit(String),
    #[error("`{option}` is not an option of this campaign's scale")]
    UnknownOption { unit: String, option: String },
    #[error("unit `{unit}` ({name}) is not rated; this campaign asks for every unit")]
    MissingUnit { unit: String, name: String },
    #[error("a reason is only taken for a unit rated with an option that asks for one")]
    ReasonNotAsked { unit: String },
    #[error("the reason {error}")]
    Reason { unit: String, error: TextError },
    #[error("the suggestion {0}")]
    Suggestion(TextError),
    #[error("`{0}` is not one of this campaign's districts")]
    UnknownDistrict(String),
    #[error("a district is only asked of the public; a panel member's comes from the roster")]
    DistrictNotAsked,
}

impl BallotError {
    /// The JSON path of the offending input, for the client to point at.
    pub fn field(&self) -> String {
        match self {
            Self::NoRatings => "ratings".into(),
            Self::UnknownUnit(unit) | Self::UnknownOption { unit, .. } => format!("ratings.{unit}"),
            Self::MissingUnit { unit, .. } => format!("ratings.{unit}"),
            Self::ReasonNotAsked { unit } | Self::Reason { unit, .. } => format!("reasons.{unit}"),
            Self::Suggestion(_) => "suggestion".into(),
            Self::UnknownDistrict(_) | Self::DistrictNotAsked => "district".into(),
        }
    }
}

impl Ballot {
    pub fn parse(campaign: &Campaign, input: &BallotInput) -> Result<Self, BallotError> {
        if input.ratings.is_empty() {
            return Err(BallotError::NoRatings);
        }
        let mut ratings = vec![None; campaign.units.len()];
        // Sorted so that a ballot with several faults always reports the same one first.
        let mut given: Vec<_> = input.ratings.iter().collect();
        given.sort();
        for (unit, option) in given {
            let u = campaign.unit_index(unit).ok_or_else(|| BallotError::UnknownUnit(unit.clone()))?;
            let o = campaign
                .option_index(option)
                .ok_or_else(|| BallotError::UnknownOption { unit: unit.clone(), option: option.clone() })?;
            ratings[u] = Some(o as u8);
        }
        if campaign.definition.require_all {
            if let Some(missing) = ratings.iter().position(Option::is_none) {
                let unit = &campaign.units[missing];
                return Err(BallotError::MissingUnit { unit: unit.code.clone(), name: unit.name.clone() });
            }
        }
        let mut reasons = Vec::new();
        let mut given: Vec<_> = input.reasons.iter().collect();
        given.sort();
        for (unit, raw) in given {
            let u = campaign.unit_index(unit).ok_or_else(|| BallotError::UnknownUnit(unit.clone()))?;
            let max = campaign.definition.reason_max_chars;
            let parsed = parse_free_text(raw, max)
                .map_err(|error| BallotError::Reason { unit: unit.clone(), error })?;
            let Some(text) = parsed else { continue };
            let asks = ratings[u].is_some_and(|o| campaign.option(o as usize).asks_reason);
            if !asks {
                return Err(BallotError::ReasonNotAsked { unit: unit.clone() });
            }
            reasons.push((u, text));
        }
        let suggestion = match &input.suggestion {
            Some(raw) => parse_free_text(raw, campaign.definition.suggestion_max_chars)
                .map_err(BallotError::Suggestion)?,
            None => None,
        };
        let district = parse_district(campaign, input)?;
        Ok(Self { ratings, reasons, suggestion, district })
    }

    /// `(unit index, option index)` for every rated unit.
    pub fn rated(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (self.ratings.iter().enumerate()).filter_map(|(u, o)| o.map(|o| (u, o as usize)))
    }

    /// The stored form: one character per unit in campaign order, the option's index as a
    /// digit or `-` when unrated. 60 ratings fit in 60 bytes, and the campaign's unit order
    /// is fixed once it opens.
    pub fn encode_ratings(&self) -> String {
        let bytes: Vec<u8> = (self.ratings.iter()).map(|o| o.map_or(UNRATED, |o| b'0' + o)).collect();
        String::from_utf8(bytes).expect("digits and '-' are ASCII")
    }

    /// Reads the stored form back; `None` when it does not fit the campaign.
    pub fn decode_ratings(campaign: &Campaign, encoded: &str) -> Option<Vec<Option<usize>>> {
        if encoded.len() != campaign.units.len() {
            return None;
        }
        let options = campaign.definition.scale.len();
        (encoded.bytes())
            .map(|b| match b {
                UNRATED => Some(None),
                b'0'..=b'9' if ((b - b'0') as usize) < options => Some(Some((b - b'0') as usize)),
                _ => None,
            })
            .collect()
    }

    /// Reasons as a JSON object keyed by unit code, or `None` when there are none.
    pub fn reasons_json(&self, campaign: &Campaign) -> Option<String> {
        if self.reasons.is_empty() {
            return None;
        }
        let map: serde_json::Map<String, serde_json::Value> = (self.reasons.iter())
            .map(|(u, text)| (campaign.units[*u].code.clone(), text.clone().into()))
            .collect();
        Some(serde_json::Value::Object(map).to_string())
    }
}

/// The district a member of the public chose: blank is absent. Checked with the rest of the
/// ballot, before the credential, so a mistaken district never uses up a code or a captcha.
fn parse_district(campaign: &Campaign, input: &BallotInput) -> Result<Option<String>, BallotError> {
    let Some(name) = input.district.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    // An invitation's holder is on the roster, with their district: refused rather than
    // quietly dropped, since a client that sends one has misunderstood the API.
    if input.invitation.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return Err(BallotError::DistrictNotAsked);
    }
    if !campaign.definition.has_district(name) {
        return Err(BallotError::UnknownDistrict(name.to_owned()));
    }
    Ok(Some(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::campaign::tests::small_definition;
    use crate::domain::CampaignStatus;

    fn campaign() -> Campaign {
        Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap()
    }

    fn input(ratings: &[(&str, &str)]) -> BallotInput {
        BallotInput {
            ratings: ratings.iter().map(|(u, o)| (u.to_string(), o.to_string())).collect(),
            ..Default::default()
        }
    }

    const ALL: [(&str, &str); 3] = [("A01", "satisfied"), ("A02", "dissatisfied"), ("B01", "unknown")];

    #[test]
    fn a_complete_ballot_encodes_in_unit_order() {
        let c = campaign();
        let mut i = input(&ALL);
        i.reasons.insert("A02".into(), " 排队太久 ".into());
        i.suggestion = Some("  ".into());
        let b = Ballot::parse(&c, &i).unwrap();
        assert_eq!(b.encode_ratings(), "023");
        assert_eq!(b.reasons, vec![(1, "排队太久".to_string())]);
        assert_eq!(b.suggestion, None);
        assert_eq!(Ballot::decode_ratings(&c, "023"), Some(vec![Some(0), Some(2), Some(3)]));
        assert_eq!(b.reasons_json(&c).unwrap(), r#"{"A02":"排队太久"}"#);
    }

    #[test]
    fn each_fault_names_its_field() {
        let c = campaign();
        let cases: Vec<(BallotInput, &str)> = vec![
            (input(&[]), "ratings"),
            (input(&[("A01", "satisfied"), ("Z9", "satisfied")]), "ratings.Z9"),
            (input(&[("A01", "great"), ("A02", "satisfied"), ("B01", "satisfied")]), "ratings.A01"),
            (input(&[("A01", "satisfied"), ("B01", "satisfied")]), "ratings.A02"),
        ];
        for (i, field) in cases {
            assert_eq!(Ballot::parse(&c, &i).unwrap_err().field(), field);
        }
    }

    #[test]
    fn reasons_only_for_options_that_ask() {
        let c = campaign();
        let mut i = input(&ALL);
        i.reasons.insert("A01".into(), "很好".into());
        assert_eq!(Ballot::parse(&c, &i), Err(BallotError::ReasonNotAsked { unit: "A01".into() }));
        let mut i = input(&ALL);
        i.reasons.insert("A02".into(), "一二三四五六七八九十十一".into());
        assert_eq!(Ballot::parse(&c, &i).unwrap_err().field(), "reasons.A02");
    }

    #[test]
    fn partial_ballots_when_the_campaign_allows() {
        let mut d = small_definition();
        d.require_all = false;
        let c = Campaign::new(1, CampaignStatus::Open, d).unwrap();
        let b = Ballot::parse(&c, &input(&[("B01", "satisfied")])).unwrap();
        assert_eq!(b.encode_ratings(), "--0");
        assert_eq!(b.rated().collect::<Vec<_>>(), vec![(2, 0)]);
    }

    #[test]
    fn a_district_is_one_of_the_campaigns_and_only_from_the_public() {
        let c = campaign();
        let with = |district: &str, invitation: Option<&str>| {
            let mut i = input(&ALL);
            i.district = Some(district.into());
            i.invitation = invitation.map(String::from);
            Ballot::parse(&c, &i)
        };
        assert_eq!(with(" 东湖区 ", None).unwrap().district.as_deref(), Some("东湖区"));
        assert_eq!(with("  ", None).unwrap().district, None, "blank is absent");
        assert_eq!(with("  ", Some("GXQJ-S9X7")).unwrap().district, None);
        assert_eq!(with("月球区", None), Err(BallotError::UnknownDistrict("月球区".into())));
        assert_eq!(with("东湖区", Some("GXQJ-S9X7")), Err(BallotError::DistrictNotAsked));
        assert_eq!(with("月球区", None).unwrap_err().field(), "district");
        assert_eq!(Ballot::parse(&c, &input(&ALL)).unwrap().district, None);
    }

    #[test]
    fn decoding_refuses_what_does_not_fit() {
        let c = campaign();
        assert_eq!(Ballot::decode_ratings(&c, "02"), None);
        assert_eq!(Ballot::decode_ratings(&c, "029"), None);
    }
}
