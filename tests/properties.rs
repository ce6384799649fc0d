//! Property tests of everything that reads outside input, bounded for CI (a few hundred
//! cases each, small inputs): the ballot parser, campaign files, roster and unit-list
//! uploads, phone numbers, invitation codes, free text and the formula rule. None may
//! panic; each round-trips where it should.

use std::collections::BTreeMap;

use minping::domain::ballot::{Ballot, BallotInput};
use minping::domain::campaign::{Campaign, CampaignDefinition, CampaignStatus};
use minping::domain::text::{clean_name, parse_free_text};
use minping::identity::invitation::InvitationCode;
use minping::identity::PhoneNumber;
use minping::panel::roster;
use minping::routes::body::parse_json;
use minping::spreadsheet::cell::{is_formula_like, neutralise};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() }
}

fn demo() -> Campaign {
    Campaign::new(1, CampaignStatus::Open, minping::cli::demo::definition()).unwrap()
}

/// Text with a good share of the characters that matter here: formula starters, spaces,
/// line breaks, bidi and zero-width characters, noncharacters, CJK, combining marks.
fn hostile_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '=', '+', '-', '@', '\t', '\r', '\n', ' ', '\u{3000}', '＝', '＋', '－', '＠', '\u{202E}',
        '\u{2066}', '\u{200B}', '\u{FEFF}', '\u{FFFE}', '\u{2028}', '\u{0}', '\u{301}', '"', ',', '办', 'a',
        '1',
    ]);
    prop::collection::vec(prop_oneof![3 => special, 1 => any::<char>()], 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_body_is_parsed_or_refused_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_json::<BallotInput>(&bytes);
    }

    #[test]
    fn any_ratings_are_parsed_or_refused_and_stored_ratings_read_back(
        ratings in prop::collection::btree_map("[A-Z][0-9]{2}|.{0,4}", "satisfied|dissatisfied|unknown|.{0,6}", 0..70),
        reasons in prop::collection::btree_map("[A-Z][0-9]{2}", hostile_text(), 0..4),
        suggestion in proptest::option::of(hostile_text()),
    ) {
        let campaign = demo();
        let body = serde_json::json!({ "invitation": "x", "ratings": ratings, "reasons": reasons, "suggestion": suggestion });
        let input: BallotInput = parse_json(body.to_string().as_bytes()).unwrap();
        if let Ok(ballot) = Ballot::parse(&campaign, &input) {
            let encoded = ballot.encode_ratings();
            prop_assert_eq!(encoded.len(), campaign.units.len());
            prop_assert!(Ballot::decode_ratings(&campaign, &encoded).is_some());
        }
    }

    #[test]
    fn a_key_twice_is_always_refused(key in "[a-z]{1,8}", a in any::<u32>(), b in any::<u32>()) {
        let body = format!(r#"{{"ratings":{{"{key}":"{a}","{key}":"{b}"}}}}"#);
        let refused = matches!(parse_json::<BallotInput>(body.as_bytes()), Err(minping::routes::body::BodyError::DuplicateKey { .. }));
        prop_assert!(refused);
    }

    #[test]
    fn any_campaign_file_is_read_or_refused(text in "(\\[|\\]|\\{|\\}|=|\"|[a-z_]{1,6}|[0-9]{1,3}|\n| ){0,60}") {
        let _ = CampaignDefinition::from_toml(&text);
    }

    #[test]
    fn a_campaign_file_written_back_reads_the_same_as_nfc(title in "[\\p{Han}a-z ]{1,20}") {
        let mut definition = minping::cli::demo::definition();
        definition.title = title.trim().to_owned() + "评议";
        let text = toml::to_string(&definition).unwrap();
        let back = CampaignDefinition::from_toml(&text).unwrap();
        // Names come back NFC (a CJK compatibility ideograph as its unified form).
        definition.title = minping::domain::text::nfc(&definition.title);
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&definition).unwrap());
    }

    #[test]
    fn any_upload_is_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..1024), zip in any::<bool>()) {
        let bytes = if zip { [b"PK\x03\x04".as_slice(), &bytes].concat() } else { bytes };
        let _ = roster::parse(&bytes);
        let _ = minping::campaign::unit_list::parse(&bytes, "x", "x");
    }

    #[test]
    fn a_roster_written_as_csv_reads_back_as_nfc(
        members in prop::collection::btree_map("[A-Za-z0-9_-]{1,12}", ("[\\p{Han}a-z]{1,10}", "[\\p{Han}]{1,6}", proptest::option::of("1[3-9][0-9]{9}")), 1..20),
    ) {
        let mut csv = String::from("\u{feff}成员编号,界别,区县,手机号\n");
        for (code, (segment, district, mobile)) in &members {
            csv.push_str(&format!("{code},{segment},{district},{}\n", mobile.clone().unwrap_or_default()));
        }
        let rows = roster::parse(csv.as_bytes()).unwrap();
        let back: BTreeMap<_, _> = rows
            .into_iter()
            .map(|r| (r.member_code, (r.segment, r.district, r.mobile)))
            .collect();
        prop_assert_eq!(back.len(), members.len());
        for (code, (segment, district, mobile)) in &members {
            // Names come back NFC: CJK compatibility ideographs (U+F900…) become their
            // unified forms.
            let (s, d, m) = &back[code];
            prop_assert_eq!(s, &clean_name(segment));
            prop_assert_eq!(d, &clean_name(district));
            prop_assert_eq!(m.clone(), mobile.as_deref().map(|n| PhoneNumber::parse(n).unwrap()));
        }
    }

    #[test]
    fn any_phone_text_is_read_or_refused_and_spellings_agree(
        raw in ".{0,24}",
        national in "1[3-9][0-9]{9}",
        sep in prop::sample::select(vec!["", " ", "-", "\u{3000}"]),
    ) {
        let _ = PhoneNumber::parse(&raw);
        let plain = PhoneNumber::parse(&national).unwrap();
        let spaced = format!("{}{sep}{}{sep}{}", &national[..3], &national[3..7], &national[7..]);
        let wide: String = national.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
        for other in [spaced, format!("+86 {national}"), format!("0086{national}"), wide] {
            prop_assert_eq!(PhoneNumber::parse(&other).unwrap(), plain.clone());
        }
        prop_assert_eq!(plain.masked().chars().count(), 11);
    }

    #[test]
    fn short_codes_read_back_however_they_are_typed(
        code in "[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}",
        raw in ".{0,30}",
    ) {
        let _ = InvitationCode::parse(&raw);
        let shown = minping::domain::receipt::group_by_four(&code);
        for typed in [shown.clone(), shown.to_lowercase(), format!(" {code} ")] {
            prop_assert_eq!(InvitationCode::parse(&typed), Some(InvitationCode::ShortCode(code.clone())));
        }
    }

    #[test]
    fn free_text_kept_is_clean_nfc_and_stable(text in hostile_text()) {
        if let Ok(Some(kept)) = parse_free_text(&text, 500) {
            prop_assert!(kept.chars().all(|c| c == '\n' || !(c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{2028}' | '\u{2029}'))), "{:?}", kept);
            prop_assert_eq!(parse_free_text(&kept, 500), Ok(Some(kept.clone())));
        }
        let name = clean_name(&text);
        prop_assert_eq!(clean_name(&name), name.clone());
        prop_assert!(parse_free_text(&name, 500).is_ok(), "{:?}", name);
    }

    #[test]
    fn nothing_written_is_a_formula(text in hostile_text()) {
        prop_assert!(!is_formula_like(&neutralise(&text)));
        if !is_formula_like(&text) {
            prop_assert_eq!(neutralise(&text), text.as_str());
        }
    }
}
