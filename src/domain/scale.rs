//! The rating scale: the options a respondent picks from for each unit.

use serde::{Deserialize, Serialize};

/// One option of a campaign's scale. Codes are stable machine keys; labels are what people
/// read. What an option is worth is the formula's business (`domain::formula`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScaleOption {
    pub code: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Whether choosing this option opens the reason box.
    #[serde(default)]
    pub asks_reason: bool,
}

/// The default four-option scale of the domain brief: 满意 / 基本满意 / 不满意 / 不了解.
pub fn default_scale() -> Vec<ScaleOption> {
    let option = |code: &str, label: &str, en: &str, asks_reason: bool| ScaleOption {
        code: code.into(),
        label: label.into(),
        label_en: Some(en.into()),
        asks_reason,
    };
    vec![
        option("satisfied", "满意", "Satisfied", false),
        option("basically_satisfied", "基本满意", "Basically satisfied", false),
        option("dissatisfied", "不满意", "Dissatisfied", true),
        option("unknown", "不了解", "Don't know", false),
    ]
}
