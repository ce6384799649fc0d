//! The rating scale: the options a respondent picks from for each unit.

use serde::{Deserialize, Serialize};

/// One option of a campaign's scale. Codes are stable machine keys; labels are what people read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScaleOption {
    pub code: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Points used by the conversion (issue: scoring). `None` for an option that is not valid.
    #[serde(default)]
    pub points: Option<f64>,
    /// Whether choosing this option opens the reason box.
    #[serde(default)]
    pub asks_reason: bool,
}

impl ScaleOption {
    /// An option counts towards the satisfaction rate and score only when it carries points.
    pub fn is_valid(&self) -> bool {
        self.points.is_some()
    }
}

/// The default four-option scale of the domain brief: 满意 / 基本满意 / 不满意 / 不了解.
pub fn default_scale() -> Vec<ScaleOption> {
    let option = |code: &str, label: &str, en: &str, points: Option<f64>, asks_reason: bool| ScaleOption {
        code: code.into(),
        label: label.into(),
        label_en: Some(en.into()),
        points,
        asks_reason,
    };
    vec![
        option("satisfied", "满意", "Satisfied", Some(100.0), false),
        option("basically_satisfied", "基本满意", "Basically satisfied", Some(80.0), false),
        option("dissatisfied", "不满意", "Dissatisfied", Some(0.0), true),
        option("unknown", "不了解", "Don't know", None, false),
    ]
}
