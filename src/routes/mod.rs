//! HTTP handlers, thin: extract, call the domain, answer. One file per resource.

mod admin;
mod ballots;
pub mod body;
mod campaigns;
mod captcha;
pub mod error;
pub mod exposure;
pub mod extract;
mod health;
mod invitations;
mod otp;
mod pages;
mod receipts;
pub mod state;
pub mod telemetry;

use actix_web::{web, HttpResponse};

use self::error::{ApiError, NoSuchAddress};
use self::state::AppState;

pub fn configure(state: web::Data<AppState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(state)
            .service(
                web::scope("/api/v1")
                    .route("/campaigns/{slug}", web::get().to(campaigns::get))
                    .route("/campaigns/{slug}/ballots", web::post().to(ballots::submit))
                    .route("/campaigns/{slug}/invitations/status", web::post().to(invitations::status))
                    .route("/campaigns/{slug}/otp", web::post().to(otp::send))
                    .route("/campaigns/{slug}/otp/verify", web::post().to(otp::verify))
                    .route("/captcha", web::get().to(captcha::issue))
                    .route("/receipts/{receipt}", web::get().to(receipts::get))
                    .service(admin::scope())
                    .default_service(web::to(not_found)),
            )
            .route("/healthz", web::get().to(health::healthz))
            .route("/readyz", web::get().to(health::readyz))
            .route("/metrics", web::get().to(health::metrics))
            .route("/admin", web::get().to(pages::console))
            .route("/admin/", web::get().to(pages::console))
            .route("/admin/", web::head().to(pages::console))
            .route("/admin/assets/{file:.*}", web::get().to(pages::console_asset))
            .route("/s/{slug}", web::get().to(pages::survey))
            .route("/s/{slug}", web::head().to(pages::survey))
            .route("/assets/{file:.*}", web::get().to(pages::asset))
            .route("/assets/{file:.*}", web::head().to(pages::asset))
            .default_service(web::to(not_found));
    }
}

async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::from(NoSuchAddress))
}
