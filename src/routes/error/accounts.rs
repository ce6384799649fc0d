//! Staff accounts and signing in, mapped to HTTP with their own part of the catalogue (the
//! main catalogue, `messages.rs`, is full): each refusal's stable code, and its words in
//! Chinese and English side by side. Also the `409 frozen` of a closed campaign's roster
//! and settings.

use actix_web::http::StatusCode;

use super::messages::Message;
use super::ApiError;
use crate::guard::limits::{LimitKind, Limited};
use crate::staff::accounts::AccountError;
use crate::staff::password::{Guessable, WeakPassword};
use crate::staff::sign_in::SignInError;

/// What a closed campaign no longer lets change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrozenPart {
    Roster,
    Reissue,
    Settings,
}

/// The words of this part of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    CaptchaRequired,
    BadCaptcha,
    AccountDisabled,
    OtpRequired,
    OtpWrong,
    SecondFactorNotSet,
    WeakPassword(WeakPassword),
    InvalidName,
    UnknownUser(String),
    UserExists(String),
    LastAdmin(String),
    Frozen(FrozenPart),
}

impl Said {
    /// The stable code, and the words in Chinese and English.
    pub fn entry(&self) -> (&'static str, String, String) {
        let both = |code, zh: &str, en: &str| (code, zh.to_owned(), en.to_owned());
        match self {
            Self::CaptchaRequired => both(
                "captcha_required",
                "该账号近期登录尝试较多，请输入图片验证码后再登录",
                "This name has had many sign-in attempts lately: answer the captcha to sign in",
            ),
            Self::BadCaptcha => both(
                "bad_captcha",
                "图片验证码不正确或已失效，请看新图片重新输入",
                "The captcha answer is wrong or expired; try the new picture",
            ),
            Self::AccountDisabled => {
                both("account_disabled", "该账号已停用，请联系管理员", "This account is disabled")
            }
            Self::OtpRequired => both(
                "otp_required",
                "请输入身份验证器 App 中显示的 6 位动态验证码",
                "Enter the 6-digit code your authenticator app shows",
            ),
            Self::OtpWrong => both(
                "otp_wrong",
                "动态验证码不正确或已使用过，请输入 App 中最新的验证码",
                "The code is wrong or was already used; enter the app's current code",
            ),
            Self::SecondFactorNotSet => both(
                "second_factor_not_set",
                "管理员和督查人员须先设置动态验证码（两步验证）才能登录，请联系管理员",
                "Admins and auditors need a second factor before they can sign in; ask an admin to set one up",
            ),
            Self::WeakPassword(WeakPassword::TooShort) => both(
                "weak_password",
                &format!("密码至少需要 {} 个字符", crate::staff::password::MIN_LENGTH),
                &format!("A password needs at least {} characters", crate::staff::password::MIN_LENGTH),
            ),
            Self::WeakPassword(WeakPassword::Guessable(why)) => {
                let zh = match why {
                    Guessable::Common => "这是常见密码或与常见密码相似",
                    Guessable::Keyboard => "含有键盘上连续的按键",
                    Guessable::Repeats => "含有重复的字符或片段",
                    Guessable::Sequence => "含有 123、abc 这样的顺序字符",
                    Guessable::Dates => "含有日期或年份",
                    Guessable::Names => "含有姓名或账号名本身",
                    Guessable::Other => "强度不足",
                };
                (
                    "weak_password",
                    format!("密码太容易被猜到：{zh}。请换一个更长、更不规则的密码，例如几个不相关的词组合"),
                    format!("The password is too easy to guess ({why}); choose a longer, less regular one"),
                )
            }
            Self::InvalidName => both(
                "invalid_name",
                "用户名须为 1–40 个字符，不能含空格",
                "A staff name has 1–40 characters and no spaces",
            ),
            Self::UnknownUser(name) => (
                "unknown_user",
                format!("没有名为“{name}”的工作人员账号"),
                format!("There is no staff user `{name}`"),
            ),
            Self::UserExists(name) => (
                "user_exists",
                format!("已有名为“{name}”的工作人员账号"),
                format!("A staff user `{name}` already exists"),
            ),
            Self::LastAdmin(name) => (
                "last_admin",
                format!("“{name}”是唯一启用的管理员，不能停用、删除或改为其他角色；请先另设一名管理员"),
                format!("`{name}` is the last enabled admin: add another admin first"),
            ),
            Self::Frozen(part) => {
                let (zh, en) = match part {
                    FrozenPart::Roster => ("名单已冻结，不能再导入成员", "its roster is frozen"),
                    FrozenPart::Reissue => ("邀请已冻结，不能再重新发放", "its invitations can no longer be re-issued"),
                    FrozenPart::Settings => ("评议设置已冻结，不能再修改", "its settings can no longer change"),
                };
                ("frozen", format!("评议已结束，{zh}"), format!("The campaign is closed: {en}"))
            }
        }
    }
}

impl ApiError {
    /// An answer in this part of the catalogue's words.
    pub(super) fn said(status: StatusCode, said: Said) -> Self {
        let (code, zh, en) = said.entry();
        Self::with_words(status, code, zh, en)
    }

    /// The Chinese words of the answer, for the command line.
    pub fn zh(&self) -> &str {
        &self.message
    }
}

impl From<SignInError> for ApiError {
    fn from(e: SignInError) -> Self {
        let unauthorized = StatusCode::UNAUTHORIZED;
        match e {
            SignInError::TooMany { retry_after } => Limited { what: LimitKind::SignIn, retry_after }.into(),
            SignInError::CaptchaRequired => {
                Self::said(unauthorized, Said::CaptchaRequired).field("captcha_answer")
            }
            SignInError::BadCaptcha => {
                Self::said(StatusCode::UNPROCESSABLE_ENTITY, Said::BadCaptcha).field("captcha_answer")
            }
            SignInError::Refused => Self::new(unauthorized, Message::BadCredentials),
            SignInError::Disabled => Self::said(StatusCode::FORBIDDEN, Said::AccountDisabled),
            SignInError::OtpRequired => Self::said(unauthorized, Said::OtpRequired).field("otp"),
            SignInError::WrongOtp => Self::said(unauthorized, Said::OtpWrong).field("otp"),
            SignInError::SecondFactorNotSet => Self::said(StatusCode::FORBIDDEN, Said::SecondFactorNotSet),
            SignInError::Hot(_) => Self::unavailable(),
            SignInError::Store(e) => e.into(),
            e @ (SignInError::Interrupted(_) | SignInError::Unreadable(_)) => Self::internal(&e),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidName => {
                Self::said(StatusCode::UNPROCESSABLE_ENTITY, Said::InvalidName).field("name")
            }
            AccountError::Unknown(name) => Self::said(StatusCode::NOT_FOUND, Said::UnknownUser(name)),
            AccountError::Exists(name) => {
                Self::said(StatusCode::CONFLICT, Said::UserExists(name)).field("name")
            }
            AccountError::Weak(w) => w.into(),
            AccountError::LastAdmin(name) => Self::said(StatusCode::CONFLICT, Said::LastAdmin(name)),
            AccountError::Store(e) => e.into(),
            e @ (AccountError::Hash(_) | AccountError::Totp(_)) => Self::internal(&e),
        }
    }
}

impl From<WeakPassword> for ApiError {
    fn from(w: WeakPassword) -> Self {
        Self::said(StatusCode::UNPROCESSABLE_ENTITY, Said::WeakPassword(w)).field("password")
    }
}

/// `409 frozen`: the campaign is closed, and this part of it no longer changes.
pub(super) fn frozen(part: FrozenPart) -> ApiError {
    ApiError::said(StatusCode::CONFLICT, Said::Frozen(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_said_in_both_languages() {
        let guessable = [
            Guessable::Common,
            Guessable::Keyboard,
            Guessable::Repeats,
            Guessable::Sequence,
            Guessable::Dates,
            Guessable::Names,
            Guessable::Other,
        ];
        let mut all = vec![
            Said::CaptchaRequired,
            Said::BadCaptcha,
            Said::AccountDisabled,
            Said::OtpRequired,
            Said::OtpWrong,
            Said::SecondFactorNotSet,
            Said::WeakPassword(WeakPassword::TooShort),
            Said::InvalidName,
            Said::UnknownUser("li".into()),
            Said::UserExists("li".into()),
            Said::LastAdmin("li".into()),
        ];
        all.extend(guessable.map(|g| Said::WeakPassword(WeakPassword::Guessable(g))));
        all.extend([FrozenPart::Roster, FrozenPart::Reissue, FrozenPart::Settings].map(Said::Frozen));
        for said in all {
            let (code, zh, en) = said.entry();
            assert!(!code.is_empty() && code.is_ascii(), "{said:?}");
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{said:?}: {zh}");
            let cjk = en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(!cjk && !en.is_empty(), "{said:?}: {en}");
        }
    }
}
