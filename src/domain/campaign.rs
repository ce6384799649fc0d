//! A campaign as the program runs it: a definition checked once, with the lookups the
//! hot path needs, and whether it takes ballots now.

use std::collections::HashMap;
use std::sync::Arc;

pub use super::definition::{
    CampaignDefinition, CampaignFileError, CampaignStatus, CategoryDefinition, DefinitionError,
    UnitDefinition, MAX_UNITS,
};
use super::scale::ScaleOption;

/// Why a campaign takes no ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotOpen {
    #[error("this campaign has not opened yet")]
    Draft,
    #[error("this campaign has closed")]
    Closed,
}

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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::scale::default_scale;
    use crate::domain::PublicChannel;
    use crate::scoring::formula::Formula;

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
            anonymity_threshold: 10,
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
