//! The catalogue's longer sentences, built from their parameters: waits and limits, faults of
//! free text and of campaign settings. Kept apart so that `messages.rs` stays one table.

use crate::domain::channel::SettingsError;
use crate::domain::text::TextError;
use crate::guard::limits::LimitKind;

use super::params::FreeText;

pub(super) fn text_fault(what: FreeText, error: &TextError) -> (String, String) {
    let (zh, en) = match error {
        TextError::TooLong { len, max } => (
            format!("共 {len} 字，最多 {max} 字"),
            format!("is {len} characters long; at most {max} are allowed"),
        ),
        TextError::ControlCharacter => {
            ("含有不允许的控制字符（换行以外）".into(), "contains a control character".into())
        }
        TextError::Invisible(c) => (
            format!("含有看不见的特殊字符（U+{:04X}，如方向控制符或零宽字符），请删除后重试", *c as u32),
            error.to_string(),
        ),
    };
    match what {
        FreeText::Reason => (format!("原因{zh}"), format!("the reason {en}")),
        FreeText::Suggestion => (format!("意见建议{zh}"), format!("the suggestion {en}")),
    }
}

pub(super) fn limited(what: LimitKind, retry_after: u64) -> (String, String) {
    let wait = wait_zh(retry_after);
    let s = retry_after;
    match what {
        LimitKind::CaptchaRate => (
            format!("刷新验证图片过于频繁，请{wait}后再试"),
            format!("Too many captchas; try again in {s} s"),
        ),
        LimitKind::OtpCooldown => (
            format!("验证码已发送，请{wait}后再重新获取"),
            format!("A code was just sent; ask again in {s} s"),
        ),
        LimitKind::OtpNumberDaily => (
            "该号码今天获取验证码的次数已达上限，请明天再试".into(),
            "This number has had its codes for today; try again tomorrow".into(),
        ),
        LimitKind::OtpAddress => (
            format!("您所在网络获取验证码过于频繁，请{wait}后再试"),
            format!("Too many codes from your network; try again in {s} s"),
        ),
        LimitKind::SmsBudget => (
            format!("短信发送量已达本时段上限，请{wait}后再试"),
            format!("The SMS budget for this hour is used up; try again in {s} s"),
        ),
        LimitKind::SubmitRate => {
            (format!("提交过于频繁，请{wait}后再试"), format!("Too many submissions; try again in {s} s"))
        }
        LimitKind::DeviceAddress => (
            format!("您所在网络提交的评价过多，请{wait}后再试"),
            format!("Too many ballots from your network; try again in {s} s"),
        ),
        LimitKind::InvitationGuesses => (
            format!("邀请码输错次数过多，请{wait}后再试"),
            format!("Too many unknown invitations; try again in {s} s"),
        ),
        // The window is fixed (a quarter of an hour), so it is said in minutes.
        LimitKind::SignIn => (
            format!("登录失败次数过多，请{wait}后再试"),
            format!("Too many failed sign-ins; try again in {} minutes", s.div_ceil(60)),
        ),
    }
}

/// A wait as people say it: seconds, minutes or hours, rounded up.
fn wait_zh(seconds: u64) -> String {
    match seconds {
        0..=90 => format!(" {seconds} 秒"),
        91..=5400 => format!(" {} 分钟", seconds.div_ceil(60)),
        _ => format!(" {} 小时", seconds.div_ceil(3600)),
    }
}

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
    }
}
