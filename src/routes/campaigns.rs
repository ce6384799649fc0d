//! `GET /api/v1/campaigns/{slug}`: what the survey page renders.

use actix_web::web::Bytes;
use actix_web::HttpResponse;

use super::extract::KnownCampaign;

pub async fn get(campaign: KnownCampaign) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=5"))
        .body(Bytes::from_owner(campaign.public_json.clone()))
}
