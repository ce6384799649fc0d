//! The survey page and its assets, embedded in the binary (read from disk in debug builds).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/"]
struct Web;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// `GET /s/{slug}`: one page for every campaign; it reads the slug from its own address.
pub async fn survey(req: HttpRequest) -> HttpResponse {
    serve(&req, "survey.html", "no-cache")
}

/// `GET /admin/`: the staff console (it asks the staff API who is signed in).
pub async fn console(req: HttpRequest) -> HttpResponse {
    serve(&req, "admin/index.html", "no-cache")
}

/// `GET /admin/assets/{file}`.
pub async fn console_asset(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    serve(&req, &format!("admin/{file}"), "no-cache")
}

/// `GET /assets/{file}`.
pub async fn asset(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    serve(&req, &format!("assets/{file}"), "public, max-age=3600")
}

fn serve(req: &HttpRequest, path: &str, cache: &str) -> HttpResponse {
    // Debug builds read `web/` from disk: never let a path climb out of it.
    let Some(file) = Web::get(path).filter(|_| !path.contains("..")) else {
        return HttpResponse::NotFound().body("not found");
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..12]));
    let matches = (req.headers().get(header::IF_NONE_MATCH)).is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_TYPE, content_type(path)))
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"));
    if matches {
        response.finish()
    } else {
        response.body(file.data.into_owned())
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
