//! A campaign's life: created from a campaign file or a unit list, opened, watched live,
//! closed, and its results frozen and fingerprinted.

pub mod approvals;
pub mod catalog;
pub mod downloads;
pub mod lifecycle;
pub mod progress;
pub mod results;
pub mod tables;
pub mod unit_list;

pub use catalog::Catalog;

use crate::domain::Campaign;
use crate::store::{CampaignStore, StoreError};

/// A campaign that a slug names, or why there is none to be had.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("there is no campaign `{0}`")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The campaign `slug` names, read fresh from the database.
pub async fn find(store: &dyn CampaignStore, slug: &str) -> Result<Campaign, FindError> {
    store.campaign(slug).await?.ok_or_else(|| FindError::Unknown(slug.to_owned()))
}
