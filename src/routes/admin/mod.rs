//! The staff API, `/api/v1/admin/…`: every route needs a signed-in staff member, and the
//! role checks are made here, on the server.

mod campaigns;
mod panel;
mod progress;
mod roster;
mod session;

use actix_web::web;

pub fn scope() -> actix_web::Scope {
    web::scope("/admin")
        .route("/session", web::post().to(session::sign_in))
        .route("/session", web::get().to(session::me))
        .route("/session", web::delete().to(session::sign_out))
        .route("/campaigns", web::get().to(campaigns::list))
        .route("/campaigns/{slug}/results", web::get().to(campaigns::results))
        .route("/campaigns/{slug}/progress", web::get().to(progress::get))
        .route("/campaigns/{slug}/progress/stream", web::get().to(progress::stream))
        .route("/campaigns/{slug}/export/{file}", web::get().to(campaigns::export))
        .route("/campaigns/{slug}/non-responders", web::get().to(panel::non_responders))
        .route("/campaigns/{slug}/feedback", web::get().to(panel::feedback))
        .route("/campaigns", web::post().to(campaigns::create))
        .route("/campaigns/{slug}/open", web::post().to(campaigns::open))
        .route("/campaigns/{slug}/close", web::post().to(campaigns::close))
        .route("/campaigns/{slug}/formula", web::put().to(campaigns::formula))
        .route("/audit", web::get().to(campaigns::audit))
        .route("/roster-template.csv", web::get().to(roster::template))
        .route("/campaigns/{slug}/roster", web::post().to(roster::import))
        .route("/campaigns/{slug}/invitations.csv", web::get().to(roster::invitations_csv))
        .route("/campaigns/{slug}/letters", web::get().to(roster::letters))
        .route("/campaigns/{slug}/invitations/{member}/reissue", web::post().to(roster::reissue))
}
