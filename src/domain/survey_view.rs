//! The campaign as the survey page sees it: units, scale, the public channel's mode and
//! the text limits — no points, no formula, no SMS budget.

use serde::Serialize;

use super::definition::{CampaignDefinition, CampaignStatus, CategoryDefinition};

/// The JSON of `GET /api/v1/campaigns/{slug}`.
pub fn render(definition: &CampaignDefinition, status: CampaignStatus) -> Vec<u8> {
    serde_json::to_vec(&PublicCampaign::of(definition, status)).expect("a campaign serialises to JSON")
}

/// The campaign as the survey page sees it: no points, no formula.
#[derive(Serialize)]
pub struct PublicCampaign<'a> {
    slug: &'a str,
    title: &'a str,
    title_en: Option<&'a str>,
    status: &'static str,
    require_all: bool,
    limits: PublicLimits,
    public: PublicChannelView,
    opens_on: Option<&'a str>,
    closes_on: Option<&'a str>,
    /// Offered to the public as an optional question; empty when the campaign asks none.
    districts: &'a [String],
    scale: Vec<PublicOption<'a>>,
    categories: &'a [CategoryDefinition],
}

/// The public channel as the page needs it: the mode, not the SMS budget.
#[derive(Serialize)]
struct PublicChannelView {
    mode: &'static str,
}

#[derive(Serialize)]
struct PublicLimits {
    reason_max_chars: usize,
    suggestion_max_chars: usize,
}

#[derive(Serialize)]
struct PublicOption<'a> {
    code: &'a str,
    label: &'a str,
    label_en: Option<&'a str>,
    asks_reason: bool,
}

impl<'a> PublicCampaign<'a> {
    pub fn of(d: &'a CampaignDefinition, status: CampaignStatus) -> Self {
        Self {
            slug: &d.slug,
            title: &d.title,
            title_en: d.title_en.as_deref(),
            status: status.as_str(),
            require_all: d.require_all,
            limits: PublicLimits {
                reason_max_chars: d.reason_max_chars,
                suggestion_max_chars: d.suggestion_max_chars,
            },
            public: PublicChannelView { mode: d.public.mode.as_str() },
            opens_on: d.opens_on.as_deref(),
            closes_on: d.closes_on.as_deref(),
            districts: &d.districts,
            scale: (d.scale.iter())
                .map(|o| PublicOption {
                    code: &o.code,
                    label: &o.label,
                    label_en: o.label_en.as_deref(),
                    asks_reason: o.asks_reason,
                })
                .collect(),
            categories: &d.categories,
        }
    }
}
