//! Ballot bodies: complete, valid ballots with a realistic spread of ratings, and the
//! faulty ones the `bad` scenario sends. Built from the campaign's public JSON, so any
//! campaign works, not only the demo.

use anyhow::Context;
use rand::Rng;
use serde_json::{json, Map, Value};

/// What a ballot needs to know about its campaign.
#[derive(Debug, Clone)]
pub struct Form {
    pub units: Vec<String>,
    options: Vec<Choice>,
    /// Cumulative weights of `options`, for drawing.
    cumulative: Vec<f64>,
    reason_max_chars: usize,
    suggestion_max_chars: usize,
    require_all: bool,
}

#[derive(Debug, Clone)]
struct Choice {
    code: String,
    asks_reason: bool,
}

/// Who a ballot speaks for.
pub enum Credential<'a> {
    /// A panel invitation: its token or its short code.
    Invitation(&'a str),
    /// A member of the public: a verified phone number and its SMS code.
    Phone { phone: &'a str, otp: &'a str },
}

/// How people answer, roughly, in such surveys: mostly satisfied, a few dissatisfied.
fn share(code: &str) -> f64 {
    match code {
        "satisfied" => 0.62,
        "basically_satisfied" => 0.22,
        "dissatisfied" => 0.06,
        "unknown" => 0.10,
        _ => 0.25,
    }
}

const REASONS: &[&str] = &[
    "窗口排队时间太长，叫号系统经常出问题",
    "办事指南与实际要求不一致，来回跑了三次",
    "电话一直打不通，网上留言也没有回复",
    "工作人员态度生硬，解释不耐烦",
    "审批材料要求重复提交",
    "投诉后处理结果没有反馈",
    "Service hours are too short for working people",
];

const SUGGESTIONS: &[&str] = &[
    "希望增加网上办理事项，减少跑腿",
    "建议延长周末办公时间",
    "希望公开办理进度，可以在手机上查询",
    "建议加强对基层窗口人员的培训",
];

impl Form {
    /// Reads `GET /api/v1/campaigns/{slug}`.
    pub fn from_campaign_json(campaign: &Value) -> anyhow::Result<Self> {
        let units: Vec<String> =
            (campaign["categories"].as_array().context("no `categories` in the campaign")?)
                .iter()
                .flat_map(|c| c["units"].as_array().into_iter().flatten())
                .filter_map(|u| u["code"].as_str().map(str::to_owned))
                .collect();
        anyhow::ensure!(!units.is_empty(), "the campaign has no units");
        let options: Vec<Choice> = (campaign["scale"].as_array().context("no `scale` in the campaign")?)
            .iter()
            .filter_map(|o| {
                Some(Choice {
                    code: o["code"].as_str()?.to_owned(),
                    asks_reason: o["asks_reason"].as_bool().unwrap_or(false),
                })
            })
            .collect();
        anyhow::ensure!(options.len() >= 2, "the campaign's scale has fewer than two options");
        let mut total = 0.0;
        let cumulative = (options.iter())
            .map(|o| {
                total += share(&o.code);
                total
            })
            .collect();
        let limit =
            |name: &str, default: usize| campaign["limits"][name].as_u64().map_or(default, |n| n as usize);
        Ok(Self {
            units,
            options,
            cumulative,
            reason_max_chars: limit("reason_max_chars", 200),
            suggestion_max_chars: limit("suggestion_max_chars", 500),
            require_all: campaign["require_all"].as_bool().unwrap_or(true),
        })
    }

    fn draw(&self, rng: &mut impl Rng) -> usize {
        let x = rng.random_range(0.0..*self.cumulative.last().expect("two options at least"));
        self.cumulative.iter().position(|&c| x < c).unwrap_or(self.options.len() - 1)
    }

    /// A complete, valid ballot as a JSON object: every unit rated, a reason for some of
    /// the ratings that ask for one, now and then a suggestion.
    pub fn valid(&self, rng: &mut impl Rng) -> Map<String, Value> {
        let mut ratings = Map::new();
        let mut reasons = Map::new();
        for unit in &self.units {
            let option = &self.options[self.draw(rng)];
            ratings.insert(unit.clone(), option.code.clone().into());
            if option.asks_reason && rng.random_bool(0.35) {
                reasons.insert(
                    unit.clone(),
                    clip(REASONS[rng.random_range(0..REASONS.len())], self.reason_max_chars),
                );
            }
        }
        let mut ballot = Map::new();
        ballot.insert("ratings".into(), ratings.into());
        if !reasons.is_empty() {
            ballot.insert("reasons".into(), reasons.into());
        }
        if rng.random_bool(0.15) {
            let text = SUGGESTIONS[rng.random_range(0..SUGGESTIONS.len())];
            ballot.insert("suggestion".into(), clip(text, self.suggestion_max_chars));
        }
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        ballot.insert("opened_at_ms".into(), (now_ms - rng.random_range(40_000..900_000)).into());
        ballot
    }

    /// A valid ballot for a credential, serialised.
    pub fn body(&self, credential: Credential<'_>, rng: &mut impl Rng) -> Vec<u8> {
        let mut ballot = self.valid(rng);
        add_credential(&mut ballot, credential);
        serde_json::to_vec(&ballot).expect("a JSON object serialises")
    }

    /// A valid ballot with a receipt drawn by the client, for sending again after a lost
    /// answer: 16 characters of Crockford's base32, as the survey page draws them.
    pub fn body_with_receipt(&self, credential: Credential<'_>, rng: &mut impl Rng) -> Vec<u8> {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut ballot = self.valid(rng);
        add_credential(&mut ballot, credential);
        let receipt: String =
            (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
        ballot.insert("receipt".into(), receipt.into());
        serde_json::to_vec(&ballot).expect("a JSON object serialises")
    }

    /// The faulty ballot number `kind` (modulo [`BAD_KINDS`]), for an unused invitation:
    /// the body and the status it must be refused with.
    pub fn bad(&self, kind: usize, token: &str, rng: &mut impl Rng) -> (Vec<u8>, &'static str, u16) {
        let mut ballot = self.valid(rng);
        add_credential(&mut ballot, Credential::Invitation(token));
        let ratings = ballot["ratings"].as_object_mut().expect("ratings are an object");
        let mut kind = kind % BAD_KINDS;
        if kind == 3 && !self.require_all {
            kind = 0; // leaving a unit out is allowed in this campaign
        }
        let (name, status) = match kind {
            0 => {
                ratings.insert("ZZ99".into(), self.options[0].code.clone().into());
                ("unknown_unit", 422)
            }
            1 => {
                ratings.insert(self.units[rng.random_range(0..self.units.len())].clone(), "great".into());
                ("unknown_option", 422)
            }
            2 => {
                let mut text = serde_json::to_vec(&ballot).expect("a JSON object serialises");
                text.truncate(text.len() / 2);
                return (text, "malformed_json", 400);
            }
            3 => {
                ratings.remove(&self.units[rng.random_range(0..self.units.len())]);
                ("missing_rating", 422)
            }
            4 => {
                // A reason for a unit rated with an option that asks for none.
                let plain = self.options.iter().find(|o| !o.asks_reason).expect("some option asks no reason");
                let unit = self.units[0].clone();
                ratings.insert(unit.clone(), plain.code.clone().into());
                ballot.insert("reasons".into(), json!({ unit: "不该有原因" }));
                ("reason_not_asked", 422)
            }
            5 => {
                ballot.insert("favourite_colour".into(), "blue".into());
                ("invalid_field", 400)
            }
            _ => {
                ballot.insert("ratings".into(), json!("satisfied"));
                ("invalid_field", 400)
            }
        };
        (serde_json::to_vec(&ballot).expect("a JSON object serialises"), name, status)
    }
}

/// How many kinds of faulty ballot [`Form::bad`] makes.
pub const BAD_KINDS: usize = 7;

fn add_credential(ballot: &mut Map<String, Value>, credential: Credential<'_>) {
    match credential {
        Credential::Invitation(token) => {
            ballot.insert("invitation".into(), token.into());
        }
        Credential::Phone { phone, otp } => {
            ballot.insert("phone".into(), phone.into());
            ballot.insert("otp".into(), otp.into());
        }
    }
}

fn clip(text: &str, max: usize) -> Value {
    text.chars().take(max.max(1)).collect::<String>().into()
}

/// Distinct mainland mobile numbers for one run: `1`, a digit 3–8, and nine digits that
/// walk a random permutation of 0..10⁹, so no number repeats within a run and runs
/// rarely meet. Never `19…`: the demo panel's members have `199…` numbers, and a public
/// ballot from one of them would count as that member's.
pub struct Phones {
    multiplier: u64,
    offset: u64,
}

impl Phones {
    pub fn new(rng: &mut impl Rng) -> Self {
        // Coprime with 10⁹ (odd, not a multiple of 5): n ↦ a·n + b is a permutation.
        let mut multiplier = rng.random_range(100_000_001..999_999_999u64) | 1;
        if multiplier % 5 == 0 {
            multiplier += 2;
        }
        Self { multiplier, offset: rng.random_range(0..1_000_000_000) }
    }

    pub fn number(&self, n: u64) -> String {
        let tail = (self.multiplier.wrapping_mul(n % 1_000_000_000) + self.offset) % 1_000_000_000;
        let second = 3 + (n.wrapping_mul(0x9E37_79B9) >> 7) % 6;
        format!("1{second}{tail:09}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Form {
        let campaign = json!({
            "limits": {"reason_max_chars": 10, "suggestion_max_chars": 500},
            "scale": [{"code": "satisfied"}, {"code": "basically_satisfied"},
                      {"code": "dissatisfied", "asks_reason": true}, {"code": "unknown"}],
            "categories": [{"units": [{"code": "A01"}, {"code": "A02"}]}, {"units": [{"code": "B01"}]}]
        });
        Form::from_campaign_json(&campaign).unwrap()
    }

    #[test]
    fn a_valid_ballot_rates_every_unit_and_gives_reasons_only_where_asked() {
        let form = demo();
        let mut rng = rand::rng();
        for _ in 0..200 {
            let ballot = form.valid(&mut rng);
            assert_eq!(ballot["ratings"].as_object().unwrap().len(), 3);
            for (unit, reason) in ballot.get("reasons").and_then(Value::as_object).into_iter().flatten() {
                assert_eq!(ballot["ratings"][unit], "dissatisfied");
                assert!(reason.as_str().unwrap().chars().count() <= 10);
            }
        }
    }

    #[test]
    fn phone_numbers_are_mainland_mobiles_and_distinct() {
        let phones = Phones::new(&mut rand::rng());
        let mut seen = std::collections::HashSet::new();
        for n in 0..100_000 {
            let p = phones.number(n);
            assert_eq!(p.len(), 11);
            assert!(p.starts_with('1') && (b'3'..=b'8').contains(&p.as_bytes()[1]), "{p}");
            assert!(seen.insert(p[2..].to_owned()), "{p} repeats");
        }
    }

    #[test]
    fn every_bad_kind_differs_from_a_valid_ballot() {
        let form = demo();
        for kind in 0..BAD_KINDS {
            let (body, _, status) = form.bad(kind, "tok", &mut rand::rng());
            assert!(matches!(status, 400 | 422));
            assert!(!body.is_empty());
        }
    }
}
