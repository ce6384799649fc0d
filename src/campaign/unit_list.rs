//! A campaign made from a list of units (CSV or XLSX: category code and name, unit code and
//! name), for offices that keep their units in a spreadsheet. The scale and formula are the
//! defaults, changeable while the campaign is a draft.

use crate::domain::campaign::{CategoryDefinition, UnitDefinition};
use crate::domain::CampaignDefinition;
use crate::spreadsheet::{self, RowError};

const COLUMNS: [(&str, &str, bool); 5] = [
    ("类别代码", "category_code", true),
    ("类别名称", "category_name", true),
    ("单位代码", "unit_code", true),
    ("单位名称", "unit_name", true),
    ("英文名称", "unit_name_en", false),
];

/// The template staff fill in.
pub fn template_csv() -> String {
    "\u{feff}类别代码,类别名称,单位代码,单位名称,英文名称\n\
     A,党政综合服务,A01,市委办公室,General Office of the Municipal Party Committee\n\
     B,政府经济管理,B01,市财政局,Municipal Bureau of Finance\n"
        .into()
}

fn code_ok(code: &str) -> bool {
    (1..=20).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A unit list refused whole: every faulty cell, with its row and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the unit list has {} faults", .0.len())]
pub struct BadUnitList(pub Vec<RowError>);

impl std::ops::Deref for BadUnitList {
    type Target = [RowError];
    fn deref(&self) -> &[RowError] {
        &self.0
    }
}

/// A draft campaign from a unit list: every row or none, each fault with its row and column.
pub fn parse(bytes: &[u8], slug: &str, title: &str) -> Result<CampaignDefinition, BadUnitList> {
    definition(bytes, slug, title).map_err(BadUnitList)
}

fn definition(bytes: &[u8], slug: &str, title: &str) -> Result<CampaignDefinition, Vec<RowError>> {
    let records = spreadsheet::records(bytes, &COLUMNS)?;
    let mut categories: Vec<CategoryDefinition> = Vec::new();
    let mut units = std::collections::HashSet::new();
    let mut errors = Vec::new();
    for record in records {
        let row = record.row;
        let [category_code, category_name, unit_code, unit_name, name_en]: [String; 5] =
            record.cells.try_into().expect("one cell per column");
        let mut fail =
            |column: &str, reason: String| errors.push(RowError { row, column: column.into(), reason });
        for (column, code) in [("类别代码", &category_code), ("单位代码", &unit_code)] {
            if !code_ok(code) {
                fail(column, format!("“{code}”须为 1–20 位字母、数字、- 或 _"));
            }
        }
        for (column, name) in [("类别名称", &category_name), ("单位名称", &unit_name)] {
            if name.is_empty() || name.chars().count() > 60 {
                fail(column, "须为 1–60 个字".into());
            }
        }
        if !units.insert(unit_code.clone()) {
            fail("单位代码", format!("“{unit_code}”重复出现"));
        }
        let name_en = Some(name_en).filter(|n| !n.is_empty());
        let unit = UnitDefinition { code: unit_code, name: unit_name, name_en };
        match categories.iter_mut().find(|c| c.code == category_code) {
            Some(c) if c.name != category_name => {
                fail("类别名称", format!("类别“{category_code}”在前面的行中名为“{}”", c.name))
            }
            Some(c) => c.units.push(unit),
            None => categories.push(CategoryDefinition {
                code: category_code,
                name: category_name,
                name_en: None,
                units: vec![unit],
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut definition: CampaignDefinition = serde_json::from_value(serde_json::json!({
        "slug": slug, "title": title, "categories": [],
    }))
    .expect("a definition with defaults");
    definition.categories = categories;
    definition.validate().map_err(|e| spreadsheet::whole_file(format!("评议活动设置有误：{e}")))?;
    Ok(definition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_makes_a_campaign() {
        let d = parse(template_csv().as_bytes(), "2027-city", "2027 年度评议").unwrap();
        assert_eq!(d.categories.len(), 2);
        assert_eq!(d.categories[0].units[0].name, "市委办公室");
        assert_eq!(d.scale.len(), 4, "the default scale");
    }

    #[test]
    fn faults_are_reported_by_row_and_column() {
        let text = "类别代码,类别名称,单位代码,单位名称\nA,党政,A01,市委办公室\nA,党政综合,A02,市政府办公室\nB,经济,A01,\n";
        let errors = parse(text.as_bytes(), "x", "x").unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(found, [(3, "类别名称"), (4, "单位名称"), (4, "单位代码")]);
        assert!(parse("类别代码,单位代码\n".as_bytes(), "x", "x").unwrap_err()[0]
            .reason
            .contains("类别名称"));
        assert!(parse(template_csv().as_bytes(), "Bad Slug", "x").is_err());
    }
}
