//! The ceiling: a bare actix-web server in this process that only parses each ballot into
//! the service's own `BallotInput` and answers `201` with a receipt. No campaign lookup,
//! no validation, no credential, no hot state, no database, no compression, no middleware.

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use minping::domain::{BallotInput, Campaign, CampaignStatus, Receipt};

pub struct Bare {
    pub url: String,
    handle: ServerHandle,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

/// Starts the bare server on a free loopback port, serving the demo campaign's JSON (for
/// the load generator's set-up) and the ballot POST.
pub fn start() -> anyhow::Result<Bare> {
    let campaign = Campaign::new(1, CampaignStatus::Open, minping::cli::demo::definition())
        .context("the demo campaign is not valid")?;
    let json = web::Bytes::from(campaign.public_json.to_vec());
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                let json = json.clone();
                App::new()
                    .route(
                        "/api/v1/campaigns/{slug}",
                        web::get().to(move || {
                            let json = json.clone();
                            async move { HttpResponse::Ok().content_type("application/json").body(json) }
                        }),
                    )
                    .route("/api/v1/campaigns/{slug}/ballots", web::post().to(ballot))
            })
            .listen(listener)?
            .run();
            let _ = tx.send(server.handle());
            server.await
        })
    });
    let handle = rx.recv().context("the bare server did not start")?;
    Ok(Bare { url, handle, thread })
}

async fn ballot(body: web::Bytes) -> HttpResponse {
    match serde_json::from_slice::<BallotInput>(&body) {
        Ok(_) => HttpResponse::Created()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({ "receipt": Receipt::generate().display() })),
        Err(_) => HttpResponse::BadRequest().finish(),
    }
}

impl Bare {
    pub async fn stop(self) {
        self.handle.stop(true).await;
        let _ = tokio::task::spawn_blocking(move || self.thread.join()).await;
    }
}
