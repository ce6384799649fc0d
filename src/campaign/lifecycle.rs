//! A campaign's life: created as a draft, opened, its formula guarded, closed (see
//! `results::close`). Shared by the command line and the staff API; every step is audited.

use crate::domain::campaign::DefinitionError;
use crate::domain::channel::SettingsError;
use crate::domain::{Campaign, CampaignDefinition, CampaignSettings, CampaignStatus};
use crate::scoring::formula::Formula;
use crate::store::{AuditEntry, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error("there is no campaign `{0}`")]
    UnknownCampaign(String),
    #[error("campaign `{0}` is not a draft")]
    NotDraft(String),
    #[error(
        "campaign `{0}` is open: changing its formula needs an override reason, which the audit log keeps"
    )]
    NeedsOverride(String),
    #[error("campaign `{0}` is closed and its results are frozen: its formula can no longer change")]
    Frozen(String),
    #[error(
        "campaign `{0}` is open: whether segments are weighed cannot change now (ballots already counted were counted without their segment, or with it)"
    )]
    SegmentsFixed(String),
    #[error("the file's slug `{file}` is not `{named}`")]
    SlugMismatch { file: String, named: String },
    #[error("{0}")]
    Invalid(#[from] crate::domain::campaign::DefinitionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn create(
    store: &dyn Store,
    definition: &CampaignDefinition,
    open: bool,
    actor: &str,
    source: &str,
) -> Result<i64, LifecycleError> {
    definition.validate()?;
    let status = if open { CampaignStatus::Open } else { CampaignStatus::Draft };
    let id = store.create_campaign(definition, status).await?;
    let detail = format!("created `{}` ({}) from {source}", definition.slug, status.as_str());
    audit(store, actor, "campaign.create", id, detail).await?;
    Ok(id)
}

pub async fn open(store: &dyn Store, slug: &str, actor: &str) -> Result<(), LifecycleError> {
    let campaign = store.campaign(slug).await?.ok_or_else(|| LifecycleError::UnknownCampaign(slug.into()))?;
    if !store.open_campaign(campaign.id).await? {
        return Err(LifecycleError::NotDraft(slug.into()));
    }
    audit(store, actor, "campaign.open", campaign.id, format!("opened `{slug}`")).await
}

/// Replaces a draft's whole definition (title, scale, units, formula …) with a new version
/// of its campaign file. Once a campaign opens, only its formula may change (below).
pub async fn update_draft(
    store: &dyn Store,
    definition: &CampaignDefinition,
    actor: &str,
) -> Result<(), LifecycleError> {
    let slug = &definition.slug;
    let campaign =
        store.campaign(slug).await?.ok_or_else(|| LifecycleError::UnknownCampaign(slug.clone()))?;
    if campaign.status != CampaignStatus::Draft {
        return Err(LifecycleError::NotDraft(slug.clone()));
    }
    definition.validate()?;
    store.update_definition(campaign.id, definition).await?;
    let detail = format!("replaced the definition of draft `{slug}` ({} units)", definition.unit_count());
    audit(store, actor, "campaign.update", campaign.id, detail).await
}

/// [`update_draft`] for a request that names the draft: the file must describe the same
/// campaign, so a file meant for one draft never replaces another.
pub async fn replace_draft(
    store: &dyn Store,
    named: &str,
    definition: &CampaignDefinition,
    actor: &str,
) -> Result<(), LifecycleError> {
    if definition.slug != named {
        return Err(LifecycleError::SlugMismatch { file: definition.slug.clone(), named: named.into() });
    }
    update_draft(store, definition, actor).await
}

/// Replaces the settings that may change while a campaign runs (public channel, dates,
/// response target, a higher anonymity threshold); refused once it is closed. The audit log
/// keeps before and after.
pub async fn change_settings(
    store: &dyn Store,
    slug: &str,
    settings: CampaignSettings,
    actor: &str,
) -> Result<(), LifecycleError> {
    let campaign = store.campaign(slug).await?.ok_or_else(|| LifecycleError::UnknownCampaign(slug.into()))?;
    let definition = check_settings(&campaign, settings)?;
    let before = serde_json::to_string(&campaign.definition.settings()).expect("settings serialise");
    store.update_definition(campaign.id, &definition).await?;
    let after = serde_json::to_string(&definition.settings()).expect("settings serialise");
    audit(store, actor, "campaign.settings", campaign.id, format!("settings of `{slug}`: {before} → {after}"))
        .await
}

/// The definition `settings` would make, or why they are refused.
pub fn check_settings(
    campaign: &Campaign,
    settings: CampaignSettings,
) -> Result<CampaignDefinition, LifecycleError> {
    let slug = campaign.slug();
    if campaign.status == CampaignStatus::Closed {
        return Err(LifecycleError::Frozen(slug.into()));
    }
    let from = campaign.definition.anonymity_threshold;
    if let Some(to) = settings.anonymity_threshold.filter(|to| *to < from) {
        if campaign.status == CampaignStatus::Open {
            return Err(DefinitionError::Settings(SettingsError::ThresholdLowered { from, to }).into());
        }
    }
    let mut definition = campaign.definition.clone();
    definition.set_settings(settings);
    definition.validate()?;
    Ok(definition)
}

/// Whether a settings change is one a second person must approve once the campaign is open:
/// one that moves the anonymity threshold.
pub fn settings_need_approval(campaign: &Campaign, settings: &CampaignSettings) -> bool {
    settings.anonymity_threshold.is_some_and(|k| k != campaign.definition.anonymity_threshold)
}

/// Replaces the formula: freely while a draft; once open only with a stated reason (kept in
/// the audit log with the formula before and after) — and, through the API and the command
/// line, a second person's approval (`approvals`); never once the results are frozen.
pub async fn change_formula(
    store: &dyn Store,
    slug: &str,
    formula: Formula,
    override_reason: Option<&str>,
    actor: &str,
) -> Result<(), LifecycleError> {
    let campaign = store.campaign(slug).await?.ok_or_else(|| LifecycleError::UnknownCampaign(slug.into()))?;
    if store.final_results(campaign.id).await?.is_some() {
        return Err(LifecycleError::Frozen(slug.into()));
    }
    let definition = check_formula(&campaign, formula, override_reason)?;
    let before = serde_json::to_string(&campaign.definition.formula).expect("a formula serialises");
    store.update_definition(campaign.id, &definition).await?;
    let after = serde_json::to_string(&definition.formula).expect("a formula serialises");
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    let why = reason.map(|r| format!(" (override: {r})")).unwrap_or_default();
    audit(
        store,
        actor,
        "campaign.formula",
        campaign.id,
        format!("formula of `{slug}` changed{why}: {before} → {after}"),
    )
    .await
}

/// The definition `formula` would make, or why it is refused.
pub fn check_formula(
    campaign: &Campaign,
    formula: Formula,
    override_reason: Option<&str>,
) -> Result<CampaignDefinition, LifecycleError> {
    let slug = campaign.slug();
    if campaign.status == CampaignStatus::Closed {
        return Err(LifecycleError::Frozen(slug.into()));
    }
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    if campaign.status == CampaignStatus::Open && reason.is_none() {
        return Err(LifecycleError::NeedsOverride(slug.into()));
    }
    // Counters keep a panel ballot's 界别 only while segments are weighed (docs/ANONYMITY.md):
    // turning the weights on or off mid-campaign would score part of the ballots without it.
    let weighed = |f: &Formula| f.segment_weights.is_some();
    if campaign.status == CampaignStatus::Open && weighed(&campaign.definition.formula) != weighed(&formula) {
        return Err(LifecycleError::SegmentsFixed(slug.into()));
    }
    let mut definition = campaign.definition.clone();
    definition.formula = formula;
    definition.validate()?;
    Ok(definition)
}

pub async fn audit(
    store: &dyn Store,
    actor: &str,
    action: &str,
    campaign_id: i64,
    detail: String,
) -> Result<(), LifecycleError> {
    let entry =
        AuditEntry { actor: actor.into(), action: action.into(), campaign_id: Some(campaign_id), detail };
    store.append_audit(&entry).await?;
    Ok(())
}
