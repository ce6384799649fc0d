//! Small extractors, so a handler reads extract → call → answer: the campaign a route's
//! `{slug}` names, as the public sees it or as staff do.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{web, FromRequest, HttpRequest};

use super::admin::staff::Staff;
use super::state::AppState;
use crate::domain::Campaign;
use crate::routes::error::ApiError;

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

/// The campaign `{slug}` names, read fresh from the database, for staff routes, with the
/// staff member asking: `S` is [`Staff`] (anyone signed in) or `Admin`. Who asks is settled
/// first (`401`, `403`), then the campaign (`404`): a stranger learns nothing, not even which
/// campaigns exist.
pub struct AdminCampaign<S = Staff>(pub Campaign, pub S);

async fn known(req: &HttpRequest) -> Result<Arc<Campaign>, ApiError> {
    Ok(state_of(req).catalog.find(&slug_of(req)).await?)
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

impl<S> FromRequest for AdminCampaign<S>
where
    S: FromRequest<Error = ApiError> + 'static,
    S::Future: 'static,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let who = S::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let who = who.await?;
            let campaign = crate::campaign::find(state_of(&req).store.as_ref(), &slug_of(&req)).await?;
            Ok(Self(campaign, who))
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

impl<S> Deref for AdminCampaign<S> {
    type Target = Campaign;
    fn deref(&self) -> &Campaign {
        &self.0
    }
}
