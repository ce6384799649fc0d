//! A campaign: its units, grouped in categories, and the scale they are rated on.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

use super::channel::{CampaignSettings, PublicChannel, SettingsError};
use super::formula::{Formula, FormulaError};
use super::scale::{default_scale, ScaleOption};

/// The stored, serialisable description of a campaign (kept as JSON in the database). A
/// misspelt field in a campaign file is refused, not ignored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignDefinition {
    pub slug: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// Whether a ballot must rate every unit.
    #[serde(default = "yes")]
    pub require_all: bool,
    #[serde(default = "default_reason_max")]
    pub reason_max_chars: usize,
    #[serde(default = "default_suggestion_max")]
    pub suggestion_max_chars: usize,
    #[serde(default = "default_scale")]
    pub scale: Vec<ScaleOption>,
    /// How the tallies become the score component.
    #[serde(default)]
    pub formula: Formula,
    /// The announced dates, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_on: Option<String>,
    /// The panel response rate aimed at, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_target: Option<u8>,
    /// Who besides the panel may take part, and how; phone + SMS code by default.
    #[serde(default)]
    pub public: PublicChannel,
    /// The districts (区县) the survey page offers the public to say where they live, optionally.
    /// Fixed once the campaign opens, like the units: the live view counts ballots per name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
    pub categories: Vec<CategoryDefinition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryDefinition {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub units: Vec<UnitDefinition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitDefinition {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

fn yes() -> bool {
    true
}
fn default_reason_max() -> usize {
    200
}
fn default_suggestion_max() -> usize {
    500
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    Draft,
    Open,
    Closed,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DefinitionError {
    #[error("slug `{0}` must be 1–40 characters of a–z, 0–9 and '-'")]
    BadSlug(String),
    #[error("the campaign has no units")]
    NoUnits,
    #[error("code `{0}` is used twice")]
    DuplicateCode(String),
    #[error("code `{0}` must be 1–20 characters of A–Z, a–z, 0–9, '-' and '_'")]
    BadCode(String),
    #[error("the scale needs 2 to 10 options, it has {0}")]
    ScaleSize(usize),
    #[error("the campaign has {0} units; at most {max} are supported", max = MAX_UNITS)]
    TooManyUnits(usize),
    #[error("formula: {0}")]
    Formula(#[from] FormulaError),
    #[error("{0}")]
    Settings(#[from] SettingsError),
    #[error("district `{0}` must be 1–40 characters, without control characters or spaces at either end")]
    BadDistrict(String),
    #[error("district `{0}` is listed twice")]
    DuplicateDistrict(String),
}

/// Why a campaign takes no ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotOpen {
    #[error("this campaign has not opened yet")]
    Draft,
    #[error("this campaign has closed")]
    Closed,
}

/// Ballots store ratings compactly, one character per unit; see [`crate::domain::ballot`].
pub const MAX_UNITS: usize = 1000;

/// A unit as the rest of the program sees it: its place in the campaign's order is its index.
#[derive(Debug, Clone)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub category: usize,
}

/// A validated campaign with the lookups the hot path needs.
#[derive(Debug)]
pub struct Campaign {
    pub id: i64,
    pub status: CampaignStatus,
    pub definition: CampaignDefinition,
    pub units: Vec<Unit>,
    unit_index: HashMap<String, usize>,
    option_index: HashMap<String, usize>,
    /// The public JSON of `GET /api/v1/campaigns/{slug}` (see [`super::survey_view`]),
    /// rendered once: every phone asks for it.
    pub public_json: Arc<[u8]>,
}

impl Campaign {
    pub fn new(
        id: i64,
        status: CampaignStatus,
        definition: CampaignDefinition,
    ) -> Result<Self, DefinitionError> {
        definition.validate()?;
        let units: Vec<Unit> = definition
            .categories
            .iter()
            .enumerate()
            .flat_map(|(category, c)| {
                c.units.iter().map(move |u| Unit { code: u.code.clone(), name: u.name.clone(), category })
            })
            .collect();
        let unit_index = units.iter().enumerate().map(|(i, u)| (u.code.clone(), i)).collect();
        let option_index = (definition.scale.iter().enumerate()).map(|(i, o)| (o.code.clone(), i)).collect();
        let public_json = super::survey_view::render(&definition, status).into();
        Ok(Self { id, status, definition, units, unit_index, option_index, public_json })
    }

    pub fn slug(&self) -> &str {
        &self.definition.slug
    }

    /// Whether ballots may be taken now.
    pub fn ensure_open(&self) -> Result<(), NotOpen> {
        match self.status {
            CampaignStatus::Open => Ok(()),
            CampaignStatus::Closed => Err(NotOpen::Closed),
            CampaignStatus::Draft => Err(NotOpen::Draft),
        }
    }

    pub fn unit_index(&self, code: &str) -> Option<usize> {
        self.unit_index.get(code).copied()
    }

    pub fn option_index(&self, code: &str) -> Option<usize> {
        self.option_index.get(code).copied()
    }

    pub fn option(&self, index: usize) -> &ScaleOption {
        &self.definition.scale[index]
    }
}

impl CampaignDefinition {
    pub fn validate(&self) -> Result<(), DefinitionError> {
        let slug_ok = (1..=40).contains(&self.slug.len())
            && (self.slug.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            return Err(DefinitionError::BadSlug(self.slug.clone()));
        }
        if !(2..=10).contains(&self.scale.len()) {
            return Err(DefinitionError::ScaleSize(self.scale.len()));
        }
        let unit_count = self.unit_count();
        if unit_count == 0 {
            return Err(DefinitionError::NoUnits);
        }
        if unit_count > MAX_UNITS {
            return Err(DefinitionError::TooManyUnits(unit_count));
        }
        let codes = (self.categories.iter().map(|c| &c.code))
            .chain(self.categories.iter().flat_map(|c| c.units.iter().map(|u| &u.code)));
        check_unique_codes(codes)?;
        check_unique_codes(self.scale.iter().map(|o| &o.code))?;
        let options: Vec<&str> = self.scale.iter().map(|o| o.code.as_str()).collect();
        let units: Vec<&str> =
            self.categories.iter().flat_map(|c| c.units.iter().map(|u| u.code.as_str())).collect();
        self.formula.validate(&options, &units)?;
        self.settings().validate()?;
        check_districts(&self.districts)?;
        Ok(())
    }

    pub fn has_district(&self, name: &str) -> bool {
        self.districts.iter().any(|d| d == name)
    }

    /// What may change while the campaign runs.
    pub fn settings(&self) -> CampaignSettings {
        CampaignSettings {
            opens_on: self.opens_on.clone(),
            closes_on: self.closes_on.clone(),
            response_target: self.response_target,
            public: self.public.clone(),
        }
    }

    pub fn set_settings(&mut self, settings: CampaignSettings) {
        self.opens_on = settings.opens_on;
        self.closes_on = settings.closes_on;
        self.response_target = settings.response_target;
        self.public = settings.public;
    }

    pub fn unit_count(&self) -> usize {
        self.categories.iter().map(|c| c.units.len()).sum()
    }

    /// Reads a campaign file (TOML, the same fields; see docs/CAMPAIGNS.md) and validates it.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let definition: Self = toml::from_str(text)?;
        definition.validate()?;
        Ok(definition)
    }
}

fn check_unique_codes<'a>(codes: impl Iterator<Item = &'a String>) -> Result<(), DefinitionError> {
    let mut seen = std::collections::HashSet::new();
    for code in codes {
        let well_formed = (1..=20).contains(&code.len())
            && (code.bytes()).all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(DefinitionError::BadCode(code.clone()));
        }
        if !seen.insert(code) {
            return Err(DefinitionError::DuplicateCode(code.clone()));
        }
    }
    Ok(())
}

/// A ballot's district is compared with these names as sent (trimmed), so a name must be
/// what a person can send back: no spaces at either end, nothing invisible.
fn check_districts(districts: &[String]) -> Result<(), DefinitionError> {
    let mut seen = std::collections::HashSet::new();
    for name in districts {
        let well_formed = (1..=40).contains(&name.chars().count())
            && name.trim() == name
            && !name.chars().any(char::is_control);
        if !well_formed {
            return Err(DefinitionError::BadDistrict(name.clone()));
        }
        if !seen.insert(name) {
            return Err(DefinitionError::DuplicateDistrict(name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn small_definition() -> CampaignDefinition {
        let unit =
            |code: &str, name: &str| UnitDefinition { code: code.into(), name: name.into(), name_en: None };
        CampaignDefinition {
            slug: "t".into(),
            title: "测试".into(),
            title_en: None,
            require_all: true,
            reason_max_chars: 10,
            suggestion_max_chars: 20,
            scale: default_scale(),
            formula: Formula::default(),
            opens_on: None,
            closes_on: None,
            response_target: None,
            public: PublicChannel::default(),
            districts: vec!["城关区".into(), "东湖区".into()],
            categories: vec![
                CategoryDefinition {
                    code: "A".into(),
                    name: "党政综合服务".into(),
                    name_en: None,
                    units: vec![unit("A01", "市委办公室"), unit("A02", "市政府办公室")],
                },
                CategoryDefinition {
                    code: "B".into(),
                    name: "政府经济管理".into(),
                    name_en: None,
                    units: vec![unit("B01", "市财政局")],
                },
            ],
        }
    }

    #[test]
    fn units_are_indexed_in_category_order() {
        let c = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        assert_eq!(c.unit_index("B01"), Some(2));
        assert_eq!(c.units[2].category, 1);
        assert_eq!(c.option_index("unknown"), Some(3));
    }

    #[test]
    fn duplicate_codes_are_rejected() {
        let mut d = small_definition();
        d.categories[1].units[0].code = "A01".into();
        assert_eq!(d.validate(), Err(DefinitionError::DuplicateCode("A01".into())));
    }

    #[test]
    fn bad_slug_is_rejected() {
        let mut d = small_definition();
        d.slug = "Demo 1".into();
        assert!(matches!(d.validate(), Err(DefinitionError::BadSlug(_))));
    }

    #[test]
    fn districts_are_short_distinct_names() {
        let with = |names: &[&str]| {
            let mut d = small_definition();
            d.districts = names.iter().map(|n| n.to_string()).collect();
            d.validate()
        };
        assert_eq!(with(&[]), Ok(()));
        assert_eq!(with(&["城关区", "高新区"]), Ok(()));
        assert_eq!(with(&["城关区", "城关区"]), Err(DefinitionError::DuplicateDistrict("城关区".into())));
        let long = "区".repeat(41);
        for bad in ["", " 城关区", "城关区 ", "城关\n区", long.as_str()] {
            assert_eq!(with(&[bad]), Err(DefinitionError::BadDistrict(bad.into())), "{bad:?}");
        }
        assert_eq!(with(&[&"区".repeat(40)]), Ok(()), "40 characters, not bytes");
    }

    #[test]
    fn the_example_campaign_file_is_valid() {
        let definition = CampaignDefinition::from_toml(include_str!("../../examples/campaign.toml")).unwrap();
        assert_eq!(definition.public.mode, super::super::PublicMode::Phone);
        assert_eq!(definition.response_target, Some(85));
        assert!(definition.has_district("城关区"), "{:?}", definition.districts);
        // A misspelt setting is refused, not ignored.
        let typo = include_str!("../../examples/campaign.toml").replace("response_target", "response_targte");
        assert!(CampaignDefinition::from_toml(&typo).is_err());
        // A district listed twice is refused with its name.
        let twice = include_str!("../../examples/campaign.toml").replace("\"东湖区\"", "\"城关区\"");
        let error = CampaignDefinition::from_toml(&twice).unwrap_err().to_string();
        assert!(error.contains("`城关区` is listed twice"), "{error}");
    }

    #[test]
    fn public_json_has_no_points() {
        let c = Campaign::new(1, CampaignStatus::Open, small_definition()).unwrap();
        let text = std::str::from_utf8(&c.public_json).unwrap();
        assert!(text.contains("\"asks_reason\":true"));
        assert!(text.contains(r#""districts":["城关区","东湖区"]"#), "{text}");
        assert!(!text.contains("points"));
    }
}
