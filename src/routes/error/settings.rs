//! What staff read when campaign settings are refused, in Chinese and in English (the
//! catalogue's part for `SettingsError`).

use crate::domain::channel::SettingsError;

pub(super) fn settings(error: &SettingsError) -> (String, String) {
    match error {
        SettingsError::BadDate { field, value } => (
            format!("日期“{value}”格式不正确，应为 年-月-日，如 2026-12-01"),
            format!("`{field}` must be a date written YYYY-MM-DD, not `{value}`"),
        ),
        SettingsError::ClosesBeforeOpens { opens, closes } => {
            ("结束日期早于开始日期".into(), format!("closes_on ({closes}) is before opens_on ({opens})"))
        }
        SettingsError::BadTarget(target) => (
            "目标参与率应为 1 到 100 之间的百分数".into(),
            format!("response_target must be a percentage from 1 to 100, not {target}"),
        ),
        SettingsError::NoSmsBudget => {
            ("每小时短信上限至少为 1".into(), "public.sms_per_hour must be at least 1".into())
        }
        SettingsError::ThresholdLowered { from, to } => (
            format!("评议已开始，匿名门槛只能提高，不能从 {from} 降到 {to}：已公布的数字是按 {from} 保护的"),
            format!("the campaign is open: anonymity_threshold may rise, not fall from {from} to {to}"),
        ),
    }
}
