//! The campaigns an instance serves, cached for a second: every ballot needs its campaign,
//! and a change made elsewhere (another instance, the command line) shows within a second.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::FindError;
use crate::domain::Campaign;
use crate::store::{Store, StoreError};

const FRESH_FOR: Duration = Duration::from_secs(1);
/// Unknown slugs are remembered too (so junk requests don't all reach the database), up to this many entries.
const MAX_ENTRIES: usize = 10_000;

type Entry = (Option<Arc<Campaign>>, Instant);

pub struct Catalog {
    store: Arc<dyn Store>,
    entries: RwLock<HashMap<String, Entry>>,
}

impl Catalog {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, entries: RwLock::new(HashMap::new()) }
    }

    pub async fn get(&self, slug: &str) -> Result<Option<Arc<Campaign>>, StoreError> {
        if slug.is_empty() || slug.len() > 40 {
            return Ok(None);
        }
        if let Some((campaign, loaded)) = self.entries.read().expect("catalog lock").get(slug) {
            if loaded.elapsed() < FRESH_FOR {
                return Ok(campaign.clone());
            }
        }
        let campaign = self.store.campaign(slug).await?.map(Arc::new);
        let mut entries = self.entries.write().expect("catalog lock");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, loaded)| loaded.elapsed() < FRESH_FOR);
        }
        if entries.len() < MAX_ENTRIES {
            entries.insert(slug.to_owned(), (campaign.clone(), Instant::now()));
        }
        Ok(campaign)
    }

    /// The campaign `slug` names, or [`FindError::Unknown`].
    pub async fn find(&self, slug: &str) -> Result<Arc<Campaign>, FindError> {
        self.get(slug).await?.ok_or_else(|| FindError::Unknown(slug.to_owned()))
    }

    /// Drops a campaign from this instance's cache after a change made here, so the change
    /// shows at once (other instances see it within a second).
    pub fn forget(&self, slug: &str) {
        self.entries.write().expect("catalog lock").remove(slug);
    }
}
