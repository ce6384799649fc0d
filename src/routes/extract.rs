//! Small extractors, so a handler reads extract → call → answer: the campaign a route's
//! `{slug}` names, as the public sees it or as staff do.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{web, FromRequest, HttpRequest};

use super::state::AppState;
use crate::domain::Campaign;
use crate::error::ApiError;

fn state_of(req: &HttpRequest) -> web::Data<AppState> {
    req.app_data::<web::Data<AppState>>().expect("the app state is registered").clone()
}

fn slug_of(req: &HttpRequest) -> String {
    req.match_info().get("slug").unwrap_or_default().to_owned()
}

/// The campaign `{slug}` names, from this instance's one-second cache; `404` if none.
pub struct KnownCampaign(pub Arc<Campaign>);

/// The campaign `{slug}` names, taking ballots now: `404` if none, `409` while a draft,
/// `410` once closed.
pub struct OpenCampaign(pub Arc<Campaign>);

/// The campaign `{slug}` names, read fresh from the database, for staff routes; `404` if none.
pub struct AdminCampaign(pub Campaign);

async fn known(req: &HttpRequest) -> Result<Arc<Campaign>, ApiError> {
    let state = state_of(req);
    state.catalog.get(&slug_of(req)).await?.ok_or_else(ApiError::unknown_campaign)
}

impl FromRequest for KnownCampaign {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Self(known(&req).await?)) })
    }
}

impl FromRequest for OpenCampaign {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let campaign = known(&req).await?;
            campaign.ensure_open()?;
            Ok(Self(campaign))
        })
    }
}

impl FromRequest for AdminCampaign {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state_of(&req);
            let campaign = state.store.campaign(&slug_of(&req)).await?;
            Ok(Self(campaign.ok_or_else(ApiError::unknown_campaign)?))
        })
    }
}

impl Deref for KnownCampaign {
    type Target = Campaign;
    fn deref(&self) -> &Campaign {
        &self.0
    }
}

impl Deref for OpenCampaign {
    type Target = Campaign;
    fn deref(&self) -> &Campaign {
        &self.0
    }
}

impl Deref for AdminCampaign {
    type Target = Campaign;
    fn deref(&self) -> &Campaign {
        &self.0
    }
}
