//! The catalogue is complete and consistent, and the answers keep the exact shape and words
//! clients and the API tests rely on.

use std::collections::{HashMap, HashSet};
use std::mem::discriminant;

use actix_web::ResponseError;

use super::messages::Message;
use super::params::{Busy, FreeText, NoLonger, NotYet, Nowhere, Only, Unrated, Upload};
use super::ApiError;
use crate::campaign::lifecycle::LifecycleError;
use crate::domain::ballot::BallotError;
use crate::domain::campaign::{CampaignDefinition, DefinitionError};
use crate::domain::channel::SettingsError;
use crate::domain::text::TextError;
use crate::domain::PublicMode;
use crate::guard::limits::{LimitKind, Limited};
use crate::identity::otp::OtpError;
use crate::identity::PhoneError;
use crate::intake::admit::Credential;
use crate::intake::gate::PublicError;

const LIMITS: [LimitKind; 9] = [
    LimitKind::CaptchaRate,
    LimitKind::OtpCooldown,
    LimitKind::OtpNumberDaily,
    LimitKind::OtpAddress,
    LimitKind::SmsBudget,
    LimitKind::SubmitRate,
    LimitKind::DeviceAddress,
    LimitKind::InvitationGuesses,
    LimitKind::SignIn,
];

fn settings_faults() -> Vec<SettingsError> {
    vec![
        SettingsError::BadDate { field: "opens_on", value: "soon".into() },
        SettingsError::ClosesBeforeOpens { opens: "2026-12-02".into(), closes: "2026-12-01".into() },
        SettingsError::BadTarget(0),
        SettingsError::NoSmsBudget,
        SettingsError::ThresholdLowered { from: 10, to: 8 },
    ]
}

/// Every message, with every value of its parameters that changes the words.
fn every() -> Vec<Message> {
    let text = |what| {
        [TextError::TooLong { len: 9, max: 3 }, TextError::ControlCharacter, TextError::Invisible('\u{202E}')]
            .map(|error| Message::InvalidText { what, error })
    };
    let mut all = vec![
        Message::UnknownCampaign,
        Message::NotOpen(NotYet::Ballots),
        Message::NotOpen(NotYet::Closing),
        Message::NotOpen(NotYet::Reminders),
        Message::Closed(NoLonger::Ballots),
        Message::Closed(NoLonger::Reminders),
        Message::MalformedJson { detail: "EOF".into() },
        Message::InvalidField { path: "ratings".into(), detail: "bad".into() },
        Message::BodyTooLarge { limit_bytes: 4096 },
        Message::DuplicateKey { path: "ratings.A01".into() },
        Message::NotJson,
        Message::BodyTooSlow,
        Message::CaptchaRequired,
        Message::ForgedDevice,
        Message::MissingRating(Unrated::All),
        Message::MissingRating(Unrated::Unit { code: "A01".into(), name: "Office".into() }),
        Message::UnknownUnit("Z9".into()),
        Message::UnknownOption("great".into()),
        Message::ReasonNotAsked,
        Message::UnknownDistrict("Moon".into()),
        Message::DistrictNotAsked,
        Message::InvalidReceipt,
        Message::ReceiptTaken,
        Message::UnknownReceipt,
        Message::MixedCredentials,
        Message::MissingInvitation,
        Message::UnknownInvitation,
        Message::InProgress,
        Message::BadPhone(PhoneError::Empty),
        Message::BadPhone(PhoneError::Invalid),
        Message::BadCaptcha,
        Message::CaptchaExpired,
        Message::BadOtp { tries_left: 4 },
        Message::OtpExpired,
        Message::SmsFailed,
        Message::Unauthenticated,
        Message::BadCredentials,
        Message::CsrfToken,
        Message::Forbidden(Only::Admins),
        Message::Forbidden(Only::AdminsAndAuditors),
        Message::InvalidQuery,
        Message::NotClosed,
        Message::InvalidFile,
        Message::InvalidCampaign { detail: "bad".into() },
        Message::SlugMismatch { file: "a".into(), named: "b".into() },
        Message::CampaignExists("demo".into()),
        Message::NotDraft("demo".into()),
        Message::NeedsOverride("demo".into()),
        Message::Frozen("demo".into()),
        Message::InvalidFormula { detail: "formula: bad".into() },
        Message::InvalidRows { upload: Upload::Roster, faults: 2 },
        Message::InvalidRows { upload: Upload::UnitList, faults: 2 },
        Message::AlreadyInvited { members: 3 },
        Message::UnknownMember,
        Message::NotFound(Nowhere::Address),
        Message::NotFound(Nowhere::Export),
        Message::Unavailable(Busy::Saving),
        Message::Unavailable(Busy::Verifying),
        Message::Internal,
    ];
    all.extend(text(FreeText::Reason).into_iter().chain(text(FreeText::Suggestion)));
    all.extend([Credential::Invitation, Credential::Phone, Credential::Device].map(Message::AlreadyUsed));
    all.extend([PublicMode::Phone, PublicMode::Device, PublicMode::Off].map(Message::PublicClosed));
    all.extend(LIMITS.map(|what| Message::RateLimited { what, retry_after: 42 }));
    all.extend(settings_faults().into_iter().map(Message::InvalidSettings));
    let decided = |status: &str| Message::AlreadyDecided { id: 3, status: status.into() };
    all.extend([decided("approved"), decided("rejected"), decided("failed")]);
    all.extend([Message::UnknownApproval(3), Message::OwnRequest, Message::StaleRequest(3)]);
    all.push(Message::AlreadyAnswered);
    all
}

/// One number per variant, by a match with no catch-all: a new message does not compile
/// until it is numbered here, and is then missed by [`every`] unless added there too.
fn variant(m: &Message) -> usize {
    use Message::*;
    match m {
        UnknownCampaign => 0,
        NotOpen(_) => 1,
        Closed(_) => 2,
        MalformedJson { .. } => 3,
        InvalidField { .. } => 4,
        BodyTooLarge { .. } => 5,
        MissingRating(_) => 6,
        UnknownUnit(_) => 7,
        UnknownOption(_) => 8,
        ReasonNotAsked => 9,
        InvalidText { .. } => 10,
        UnknownDistrict(_) => 11,
        DistrictNotAsked => 12,
        InvalidReceipt => 13,
        ReceiptTaken => 14,
        UnknownReceipt => 15,
        MixedCredentials => 16,
        MissingInvitation => 17,
        UnknownInvitation => 18,
        AlreadyUsed(_) => 19,
        InProgress => 20,
        PublicClosed(_) => 21,
        BadPhone(_) => 22,
        BadCaptcha => 23,
        CaptchaExpired => 24,
        BadOtp { .. } => 25,
        OtpExpired => 26,
        SmsFailed => 27,
        RateLimited { .. } => 28,
        Unauthenticated => 29,
        BadCredentials => 30,
        CsrfToken => 31,
        Forbidden(_) => 32,
        InvalidQuery => 33,
        NotClosed => 34,
        InvalidFile => 35,
        InvalidCampaign { .. } => 36,
        SlugMismatch { .. } => 37,
        CampaignExists(_) => 38,
        NotDraft(_) => 39,
        NeedsOverride(_) => 40,
        Frozen(_) => 41,
        InvalidSettings(_) => 42,
        InvalidFormula { .. } => 43,
        InvalidRows { .. } => 44,
        AlreadyInvited { .. } => 45,
        UnknownMember => 46,
        NotFound(_) => 47,
        Unavailable(_) => 48,
        Internal => 49,
        UnknownApproval(_) => 50,
        AlreadyDecided { .. } => 51,
        OwnRequest => 52,
        StaleRequest(_) => 53,
        DuplicateKey { .. } => 54,
        NotJson => 55,
        BodyTooSlow => 56,
        CaptchaRequired => 57,
        ForgedDevice => 58,
        AlreadyAnswered => 59,
    }
}
const VARIANTS: usize = 60;

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_code_is_unique_and_every_message_has_both_languages() {
    let all = every();
    let numbered: HashSet<usize> = all.iter().map(variant).collect();
    assert_eq!(numbered, (0..VARIANTS).collect(), "every message is in the list");
    let mut code_of = HashMap::new();
    for message in &all {
        let code = message.code();
        let first = *code_of.entry(discriminant(message)).or_insert(code);
        assert_eq!(first, code, "{message:?}: one message, one code");
        assert!(!code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
        let (zh, en) = (message.zh(), message.en());
        assert!(has_chinese(&zh), "{message:?} has no Chinese: {zh}");
        assert!(!en.trim().is_empty() && !has_chinese(&en), "{message:?} has no English: {en}");
    }
    let codes: HashSet<&str> = code_of.values().copied().collect();
    assert_eq!(codes.len(), code_of.len(), "two messages share a code");
}

#[test]
fn waits_read_naturally() {
    let zh = |what, retry_after| Message::RateLimited { what, retry_after }.zh();
    assert_eq!(zh(LimitKind::OtpCooldown, 42), "验证码已发送，请 42 秒后再重新获取");
    assert_eq!(zh(LimitKind::SmsBudget, 1800), "短信发送量已达本时段上限，请 30 分钟后再试");
    let signin = Message::RateLimited { what: LimitKind::SignIn, retry_after: 900 };
    assert_eq!(signin.zh(), "登录失败次数过多，请 15 分钟后再试");
    assert_eq!(signin.en(), "Too many failed sign-ins; try again in 15 minutes");
}

#[test]
fn a_district_the_campaign_lacks_is_named() {
    let e = ApiError::from(BallotError::UnknownDistrict("月球区".into()));
    assert!(e.message.contains("月球区"), "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("district"));
}

/// Where the domain's English was what people read, the catalogue says exactly the same.
#[test]
fn the_english_of_domain_refusals_is_unchanged() {
    let faults = [
        BallotError::NoRatings,
        BallotError::UnknownUnit("Z9".into()),
        BallotError::UnknownOption { unit: "A01".into(), option: "great".into() },
        BallotError::MissingUnit { unit: "A02".into(), name: "市委组织部".into() },
        BallotError::ReasonNotAsked { unit: "A01".into() },
        BallotError::Reason { unit: "A01".into(), error: TextError::TooLong { len: 300, max: 200 } },
        BallotError::Suggestion(TextError::ControlCharacter),
        BallotError::UnknownDistrict("月球区".into()),
        BallotError::DistrictNotAsked,
    ];
    for fault in faults {
        let expected = fault.to_string();
        assert_eq!(ApiError::from(fault).message_en, expected);
    }
    for fault in settings_faults() {
        let said = ApiError::from(LifecycleError::Invalid(DefinitionError::Settings(fault.clone())));
        assert_eq!(said.message_en, fault.to_string());
    }
    for refusal in [
        LifecycleError::NotDraft("demo".into()),
        LifecycleError::NeedsOverride("demo".into()),
        LifecycleError::Frozen("demo".into()),
    ] {
        let expected = refusal.to_string();
        assert_eq!(ApiError::from(refusal).message_en, expected);
    }
}

/// A campaign file's fault shows the error, then each of its causes.
#[test]
fn a_campaign_file_fault_shows_its_causes() {
    let mut definition: toml::Table =
        toml::from_str(include_str!("../../../examples/campaign.toml")).unwrap();
    definition["formula"]["component_points"] = 0.into();
    let error = CampaignDefinition::from_toml(&toml::to_string(&definition).unwrap()).unwrap_err();
    let fault = "component_points must be more than 0 and at most 100, not 0";
    assert_eq!(
        ApiError::from(error).message_en,
        format!("The campaign file is not valid: formula: {fault}: {fault}")
    );
}

#[test]
fn an_answer_is_json_with_its_status_and_headers() {
    let wrong = ApiError::from(PublicError::Otp(OtpError::Wrong { tries_left: 4 }));
    assert_eq!(
        serde_json::to_string(&wrong).unwrap(),
        r#"{"error":"bad_otp","field":"otp","message":"短信验证码不正确，还可以再试 4 次","message_en":"Wrong code; 4 tries left","details":{"tries_left":4}}"#
    );
    let limited = ApiError::from(Limited { what: LimitKind::OtpCooldown, retry_after: 60 });
    let response = limited.error_response();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers().get("Retry-After").unwrap(), "60");
    assert_eq!(response.headers().get("Cache-Control").unwrap(), "no-store");
    let unknown = ApiError::from(crate::campaign::FindError::Unknown("x".into()));
    assert_eq!(
        serde_json::to_string(&unknown).unwrap(),
        r#"{"error":"unknown_campaign","field":null,"message":"没有找到这项评议活动","message_en":"No such campaign"}"#
    );
    assert_eq!(unknown.error_response().status().as_u16(), 404);
    assert!(unknown.error_response().headers().get("Retry-After").is_none());
}
