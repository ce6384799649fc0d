//! The catalogue's longer sentences, built from their parameters: waits and limits, and
//! faults of free text (campaign settings have `settings.rs`). Kept apart so that
//! `messages.rs` stays one table.

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
