//! The message catalogue: every sentence the HTTP API says to a person, in Chinese and in
//! English, keyed by the stable code clients match on; one variant is one code (what varies
//! under it is a parameter, `params.rs`). Domain errors keep an English `Display` for logs:
//! what people read is written here, once, both languages side by side.

use crate::domain::channel::SettingsError;
use crate::domain::text::TextError;
use crate::domain::PublicMode;
use crate::guard::limits::LimitKind;
use crate::identity::PhoneError;
use crate::intake::admit::Credential;

use super::approvals;
use super::params::{Busy, FreeText, NoLonger, NotYet, Nowhere, Only, Unrated, Upload};
use super::phrases::{limited, text_fault};
use super::settings::settings;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    // The survey and its ballots.
    UnknownCampaign,
    NotOpen(NotYet),
    Closed(NoLonger),
    MalformedJson { detail: String },
    InvalidField { path: String, detail: String },
    DuplicateKey { path: String },
    NotJson,
    BodyTooSlow,
    BodyTooLarge { limit_bytes: usize },
    MissingRating(Unrated),
    UnknownUnit(String),
    UnknownOption(String),
    ReasonNotAsked,
    InvalidText { what: FreeText, error: TextError },
    UnknownDistrict(String),
    DistrictNotAsked,
    InvalidReceipt,
    ReceiptTaken,
    UnknownReceipt,
    // Credentials.
    MixedCredentials,
    MissingInvitation,
    UnknownInvitation,
    AlreadyUsed(Credential),
    InProgress,
    PublicClosed(PublicMode),
    BadPhone(PhoneError),
    BadCaptcha,
    CaptchaExpired,
    CaptchaRequired,
    ForgedDevice,
    BadOtp { tries_left: u64 },
    OtpExpired,
    SmsFailed,
    RateLimited { what: LimitKind, retry_after: u64 },
    // Staff.
    Unauthenticated,
    BadCredentials,
    CsrfToken,
    Forbidden(Only),
    InvalidQuery,
    NotClosed,
    InvalidFile,
    InvalidCampaign { detail: String },
    SlugMismatch { file: String, named: String },
    CampaignExists(String),
    NotDraft(String),
    NeedsOverride(String),
    Frozen(String),
    InvalidSettings(SettingsError),
    InvalidFormula { detail: String },
    InvalidRows { upload: Upload, faults: usize },
    AlreadyInvited { members: usize },
    UnknownMember,
    AlreadyAnswered,
    UnknownApproval(i64),
    AlreadyDecided { id: i64, status: String },
    OwnRequest,
    StaleRequest(i64),
    // Anywhere.
    NotFound(Nowhere),
    Unavailable(Busy),
    Internal,
}

impl Message {
    /// The stable machine code, e.g. `already_used`.
    pub fn code(&self) -> &'static str {
        self.entry().0
    }

    pub fn zh(&self) -> String {
        self.entry().1
    }

    pub fn en(&self) -> String {
        self.entry().2
    }

    /// The catalogue's entry: the code, and both languages written together.
    fn entry(&self) -> (&'static str, String, String) {
        let both = |code, zh: &str, en: &str| (code, zh.to_owned(), en.to_owned());
        let with = |code, (zh, en): (String, String)| (code, zh, en);
        match self {
            Self::UnknownCampaign => both("unknown_campaign", "没有找到这项评议活动", "No such campaign"),
            Self::NotOpen(NotYet::Ballots) => {
                both("not_open", "本次评议尚未开始", "This campaign has not opened yet")
            }
            Self::NotOpen(NotYet::Closing) => {
                both("not_open", "本次评议尚未开始", "This campaign has not opened")
            }
            Self::NotOpen(NotYet::Reminders) => both(
                "not_open",
                "评议尚未开始，不能发送催办短信",
                "The campaign has not opened; reminders go out while it runs",
            ),
            Self::Closed(NoLonger::Ballots) => both(
                "closed",
                "本次评议已经结束，不再接受提交",
                "This campaign has closed and no longer takes ballots",
            ),
            Self::Closed(NoLonger::Reminders) => {
                both("closed", "评议已结束，不能再发送催办短信", "The campaign is closed")
            }
            Self::MalformedJson { detail } => with("malformed_json", {
                (
                    format!("提交的内容不是有效的 JSON：{detail}"),
                    format!("The body is not valid JSON: {detail}"),
                )
            }),
            Self::InvalidField { path, detail } => with("invalid_field", {
                (format!("字段“{path}”的内容不正确：{detail}"), format!("`{path}` is not valid: {detail}"))
            }),
            Self::DuplicateKey { path } => with("duplicate_key", {
                (format!("字段“{path}”重复出现，请只填写一次"), format!("`{path}` appears more than once"))
            }),
            Self::NotJson => both(
                "unsupported_media_type",
                "请以 JSON 格式提交（Content-Type: application/json）",
                "The body must be sent as Content-Type: application/json",
            ),
            Self::BodyTooSlow => both(
                "body_too_slow",
                "网络过慢，提交的内容未能及时送达，请检查网络后重试",
                "The body did not arrive in time; check the connection and try again",
            ),
            Self::BodyTooLarge { limit_bytes } => with("body_too_large", {
                let kb = limit_bytes / 1024;
                (format!("提交的内容过大（上限 {kb} KB）"), format!("The body is too large (limit {kb} KB)"))
            }),
            Self::MissingRating(Unrated::All) => {
                both("missing_rating", "问卷未包含任何评价", "the ballot rates no unit")
            }
            Self::MissingRating(Unrated::Unit { code, name }) => with(
                "missing_rating",
                (
                    format!("请对“{name}”作出评价"),
                    format!("unit `{code}` ({name}) is not rated; this campaign asks for every unit"),
                ),
            ),
            Self::UnknownUnit(unit) => with("unknown_unit", {
                (format!("“{unit}”不是本次评议的单位"), format!("`{unit}` is not a unit of this campaign"))
            }),
            Self::UnknownOption(option) => with(
                "unknown_option",
                (
                    format!("“{option}”不是有效的评价选项"),
                    format!("`{option}` is not an option of this campaign's scale"),
                ),
            ),
            Self::ReasonNotAsked => both(
                "reason_not_asked",
                "只有选择“不满意”等需要说明的选项时才可填写原因",
                "a reason is only taken for a unit rated with an option that asks for one",
            ),
            Self::InvalidText { what, error } => with("invalid_text", text_fault(*what, error)),
            Self::UnknownDistrict(name) => with(
                "unknown_district",
                (
                    format!("“{name}”不是本次评议所列的区县，请重新选择"),
                    format!("`{name}` is not one of this campaign's districts"),
                ),
            ),
            Self::DistrictNotAsked => both(
                "district_not_asked",
                "评议团成员的区县以名单为准，无需填写",
                "a district is only asked of the public; a panel member's comes from the roster",
            ),
            Self::InvalidReceipt => both(
                "invalid_receipt",
                "回执号格式不正确",
                "A receipt is 16 characters of 0-9 and A-Z without I, L, O, U",
            ),
            Self::ReceiptTaken => both(
                "receipt_taken",
                "回执号与其他评议重复，您的评议尚未保存，请重新提交",
                "This receipt belongs to another ballot; yours was not saved. Submit again with a new one",
            ),
            Self::UnknownReceipt => both(
                "unknown_receipt",
                "没有找到此回执号对应的评议，请核对回执号",
                "No counted ballot has this receipt; check the code",
            ),
            Self::MixedCredentials => both(
                "mixed_credentials",
                "一份评价只能使用一种参与方式（邀请码、手机号或设备验证）",
                "A ballot carries one credential: an invitation, a phone number, or a device captcha",
            ),
            Self::MissingInvitation => both(
                "missing_invitation",
                "请提供邀请链接或邀请码",
                "An invitation token or short code is required",
            ),
            Self::UnknownInvitation => both(
                "unknown_invitation",
                "邀请码无效，请核对短信或邀请函上的链接或邀请码",
                "This invitation does not exist; check the link or code on your SMS or letter",
            ),
            Self::AlreadyUsed(Credential::Invitation) => both(
                "already_used",
                "此邀请已经使用过，您的评议已提交，不能重复提交",
                "This invitation has already been used; your ballot was submitted and \
                 cannot be submitted again",
            ),
            Self::AlreadyUsed(Credential::Phone) => both(
                "already_used",
                "该手机号已参加过本次评议，每个号码只能参加一次。感谢您的参与！",
                "This number has already taken part in this campaign; each number takes part once. \
                 Thank you!",
            ),
            Self::AlreadyUsed(Credential::Device) => both(
                "already_used",
                "本设备已参加过本次评议，每台设备只能参加一次。感谢您的参与！",
                "This device has already taken part in this campaign. Thank you!",
            ),
            Self::InProgress => both(
                "in_progress",
                "此邀请的另一份问卷正在提交，请勿重复提交",
                "Another ballot for this invitation is being submitted right now",
            ),
            Self::PublicClosed(PublicMode::Phone) => both(
                "public_closed",
                "本次评议不接受手机号验证参与",
                "This campaign does not take part by phone number",
            ),
            Self::PublicClosed(PublicMode::Device | PublicMode::Off) => {
                both("public_closed", "本次评议不接受此方式参与", "This campaign does not take part this way")
            }
            Self::BadPhone(PhoneError::Empty) => both("bad_phone", "请输入手机号", "Enter a mobile number"),
            Self::BadPhone(PhoneError::Invalid) => both(
                "bad_phone",
                "请输入正确的大陆手机号（11 位，以 1 开头）",
                "Enter a mainland mobile number: 11 digits starting with 1",
            ),
            Self::BadCaptcha => both(
                "bad_captcha",
                "图片验证码不正确，请看新图片重新输入",
                "The captcha answer is wrong; try the new picture",
            ),
            Self::CaptchaRequired => both(
                "captcha_required",
                "为防止邀请码被恶意猜测，请同时输入图片验证码",
                "Invitation codes are being guessed: enter the picture code with yours",
            ),
            Self::ForgedDevice => both(
                "forged_device",
                "设备标识无效，已清除，请重新输入图片验证码后提交",
                "The device cookie is not valid and was removed; solve a new picture code and submit again",
            ),
            Self::CaptchaExpired => both(
                "captcha_expired",
                "图片验证码已失效，请看新图片重新输入",
                "The captcha has expired or was used; try the new picture",
            ),
            Self::BadOtp { tries_left } => with(
                "bad_otp",
                (
                    format!("短信验证码不正确，还可以再试 {tries_left} 次"),
                    format!("Wrong code; {tries_left} tries left"),
                ),
            ),
            Self::OtpExpired => both(
                "otp_expired",
                "短信验证码已失效，请重新获取",
                "The code has expired or was voided; ask for a new one",
            ),
            Self::SmsFailed => both(
                "sms_failed",
                "短信发送失败，请稍后重新获取验证码",
                "The SMS could not be sent; ask for a code again shortly",
            ),
            Self::RateLimited { what, retry_after } => with("rate_limited", limited(*what, *retry_after)),
            Self::Unauthenticated => both("unauthenticated", "请先登录", "Please sign in"),
            Self::BadCredentials => both("bad_credentials", "用户名或密码不正确", "Wrong name or password"),
            Self::CsrfToken => {
                both("csrf_token", "页面已过期，请刷新后重试", "Missing or stale CSRF token; reload the page")
            }
            Self::Forbidden(Only::Admins) => {
                both("forbidden", "只有管理员可以进行此项操作", "Only an admin may do this")
            }
            Self::Forbidden(Only::AdminsAndAuditors) => both(
                "forbidden",
                "只有管理员和督查人员可以查看审计日志",
                "Only admins and auditors may read the audit log",
            ),
            Self::InvalidQuery => both(
                "invalid_query",
                "flagged 只能是 include 或 exclude",
                "flagged must be include or exclude",
            ),
            Self::NotClosed => both(
                "not_closed",
                "评议结束并封存结果后才能导出匿名选票",
                "The anonymised ballots are exported once the campaign is closed",
            ),
            Self::InvalidFile => {
                both("invalid_file", "活动文件须为 UTF-8 编码的 TOML", "The campaign file must be UTF-8 TOML")
            }
            Self::InvalidCampaign { detail } => with("invalid_campaign", {
                (format!("活动文件有误：{detail}"), format!("The campaign file is not valid: {detail}"))
            }),
            Self::SlugMismatch { file, named } => with(
                "slug_mismatch",
                (
                    format!("活动文件的标识“{file}”与地址中的“{named}”不一致"),
                    format!("The file's slug `{file}` is not `{named}`"),
                ),
            ),
            Self::CampaignExists(slug) => with("campaign_exists", {
                (format!("已有标识为“{slug}”的评议活动"), format!("A campaign `{slug}` already exists"))
            }),
            Self::NotDraft(slug) => with(
                "not_draft",
                ("只有草稿状态的评议可以开始或整体替换".into(), format!("campaign `{slug}` is not a draft")),
            ),
            Self::NeedsOverride(slug) => with(
                "needs_override",
                (
                    "评议已开始，修改计分规则须填写理由（将记入审计日志）".into(),
                    format!(
                        "campaign `{slug}` is open: changing its formula needs an override reason, \
                     which the audit log keeps"
                    ),
                ),
            ),
            Self::Frozen(slug) => with(
                "frozen",
                (
                    "评议已结束，结果已封存，计分规则不能再修改".into(),
                    format!(
                        "campaign `{slug}` is closed and its results are frozen: its formula can no longer \
                     change"
                    ),
                ),
            ),
            Self::InvalidSettings(error) => with("invalid_settings", settings(error)),
            Self::UnknownApproval(id) => approvals::unknown(*id),
            Self::AlreadyDecided { id, status } => approvals::decided(*id, status),
            Self::OwnRequest => approvals::own_request(),
            Self::StaleRequest(id) => approvals::stale(*id),
            // The formula's faults are many and technical: staff read the rule's own words.
            Self::InvalidFormula { detail } => {
                with("invalid_formula", (format!("计分规则有误：{detail}"), detail.clone()))
            }
            Self::InvalidRows { upload, faults } => with("invalid_rows", {
                let (zh, en) = match upload {
                    Upload::Roster => ("名单", "roster"),
                    Upload::UnitList => ("单位名单", "unit list"),
                };
                (
                    format!("{zh}有 {faults} 处错误，未作任何改动，请修改后重新上传"),
                    format!("The {en} has {faults} faults; nothing was changed"),
                )
            }),
            Self::AlreadyInvited { members } => with(
                "already_invited",
                (
                    format!("{members} 名成员已有邀请，未导入任何成员"),
                    format!("{members} members already have an invitation; nothing was imported"),
                ),
            ),
            Self::UnknownMember => both("unknown_member", "没有这个成员编号", "No such member"),
            Self::AlreadyAnswered => both(
                "already_answered",
                "该成员已参加评议，无需补发邀请，也不能移除",
                "The member has answered: there is nothing to re-issue or remove",
            ),
            Self::NotFound(Nowhere::Address) => both("not_found", "没有这个地址", "No such address"),
            Self::NotFound(Nowhere::Export) => both("not_found", "没有这种导出文件", "No such export"),
            Self::Unavailable(Busy::Saving) => both(
                "unavailable",
                "系统繁忙，您的评议尚未保存，请稍后重试",
                "The service is busy; your ballot was not saved. Please try again shortly",
            ),
            Self::Unavailable(Busy::Verifying) => both(
                "unavailable",
                "验证服务暂时不可用，请稍后重试",
                "Verification is unavailable for a moment; please try again shortly",
            ),
            Self::Internal => both(
                "internal",
                "系统出现错误，您的评议尚未保存，请稍后重试",
                "Something went wrong on our side; your ballot was not saved",
            ),
        }
    }
}
