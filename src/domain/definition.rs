//! A campaign's stored, serialisable description — units grouped in categories, the scale,
//! the formula, the public channel — and the rules a description must keep to be opened.

use serde::{Deserialize, Serialize};

use super::channel::{CampaignSettings, PublicChannel, SettingsError};
use super::scale::{default_scale, ScaleOption};
use crate::scoring::formula::{Formula, FormulaError};

/// Ballots store ratings compactly, one character per unit; see [`crate::domain::ballot`].
pub const MAX_UNITS: usize = 1000;

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
    /// k: no figure, file or table may narrow a ballot's content to fewer than this many
    /// people (docs/ANONYMITY.md). Ballots become content in groups of at least k.
    #[serde(default = "default_anonymity_threshold")]
    pub anonymity_threshold: u64,
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
    #[error("anonymity_threshold must be at least {MIN_ANONYMITY_THRESHOLD}, not {0}")]
    AnonymityThreshold(u64),
    #[error("formula: min_class_valid ({min_class_valid}) must be at least anonymity_threshold ({k})")]
    ClassFloorBelowK { min_class_valid: u64, k: u64 },
    #[error("`{field}` {error}")]
    BadName { field: String, error: super::text::TextError },
}

/// The lowest anonymity threshold a campaign may set: below it, a group is a handful of
/// people one can ask.
pub const MIN_ANONYMITY_THRESHOLD: u64 = 5;

fn default_anonymity_threshold() -> u64 {
    10
}

/// Why a campaign file is refused. Transparent, so that a message shows the parser's or the
/// rule's own words and their causes.
#[derive(Debug, thiserror::Error)]
pub enum CampaignFileError {
    #[error("a campaign file must be UTF-8 TOML")]
    NotUtf8,
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    #[error(transparent)]
    Invalid(#[from] DefinitionError),
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
        if self.anonymity_threshold < MIN_ANONYMITY_THRESHOLD {
            return Err(DefinitionError::AnonymityThreshold(self.anonymity_threshold));
        }
        if self.formula.min_class_valid < self.anonymity_threshold {
            let (min_class_valid, k) = (self.formula.min_class_valid, self.anonymity_threshold);
            return Err(DefinitionError::ClassFloorBelowK { min_class_valid, k });
        }
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
            anonymity_threshold: Some(self.anonymity_threshold),
        }
    }

    pub fn set_settings(&mut self, settings: CampaignSettings) {
        self.opens_on = settings.opens_on;
        self.closes_on = settings.closes_on;
        self.response_target = settings.response_target;
        self.public = settings.public;
        if let Some(k) = settings.anonymity_threshold {
            self.anonymity_threshold = k;
        }
    }

    pub fn unit_count(&self) -> usize {
        self.categories.iter().map(|c| c.units.len()).sum()
    }

    /// Reads a campaign file (TOML, the same fields; see docs/CAMPAIGNS.md) and validates it.
    /// Its names are NFC-normalised, and refused (path named) when they hold a control,
    /// bidi or zero-width character or a noncharacter (`domain::text`).
    pub fn from_toml(text: &str) -> Result<Self, CampaignFileError> {
        let mut definition: Self = toml::from_str(text)?;
        for (field, name) in definition.names_mut() {
            super::text::check_name(name).map_err(|error| DefinitionError::BadName { field, error })?;
            *name = super::text::nfc(name);
        }
        definition.validate()?;
        Ok(definition)
    }

    /// Every name people read, with its path in the file.
    fn names_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut names = vec![("title".to_owned(), &mut self.title)];
        names.extend(self.title_en.as_mut().map(|n| ("title_en".to_owned(), n)));
        for (i, o) in self.scale.iter_mut().enumerate() {
            names.push((format!("scale[{i}].label"), &mut o.label));
            names.extend(o.label_en.as_mut().map(|n| (format!("scale[{i}].label_en"), n)));
        }
        for (i, d) in self.districts.iter_mut().enumerate() {
            names.push((format!("districts[{i}]"), d));
        }
        for (i, c) in self.categories.iter_mut().enumerate() {
            names.push((format!("categories[{i}].name"), &mut c.name));
            names.extend(c.name_en.as_mut().map(|n| (format!("categories[{i}].name_en"), n)));
            for (j, u) in c.units.iter_mut().enumerate() {
                names.push((format!("categories[{i}].units[{j}].name"), &mut u.name));
                names.extend(u.name_en.as_mut().map(|n| (format!("categories[{i}].units[{j}].name_en"), n)));
            }
        }
        names
    }

    /// [`Self::from_toml`] of a file's bytes, which must be UTF-8.
    pub fn from_file(bytes: &[u8]) -> Result<Self, CampaignFileError> {
        Self::from_toml(std::str::from_utf8(bytes).map_err(|_| CampaignFileError::NotUtf8)?)
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
mod hostile_tests {
    use super::*;

    #[test]
    fn a_deeply_nested_campaign_file_is_an_error_not_a_crash() {
        let deep = format!("slug = {}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(CampaignDefinition::from_toml(&deep).is_err());
        let inline = format!("a = {}1{}", "{b = ".repeat(100_000), "}".repeat(100_000));
        assert!(CampaignDefinition::from_toml(&inline).is_err());
    }

    #[test]
    fn names_in_a_campaign_file_are_nfc_and_invisible_characters_refused_by_path() {
        let example = include_str!("../../examples/campaign.toml");
        let name = toml::from_str::<CampaignDefinition>(example).unwrap().categories[0].units[1].name.clone();
        let hidden = example.replacen(&name, &format!("{name}\u{202E}"), 1);
        let error = CampaignDefinition::from_toml(&hidden).unwrap_err().to_string();
        assert!(error.contains("categories[0].units[1].name") && error.contains("U+202E"), "{error}");
        let decomposed = example.replacen(&name, &format!("{name}e\u{301}"), 1);
        let definition = CampaignDefinition::from_toml(&decomposed).unwrap();
        assert_eq!(definition.categories[0].units[1].name, format!("{name}\u{e9}"));
    }
}
