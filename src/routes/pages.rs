//! The survey page and its assets, embedded in the binary (read from disk in debug builds).
//! Each is gzipped once, on first request, and served from memory after: a phone on a slow
//! network gets the small form, and the server does not compress the same bytes again for
//! every reader.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use actix_web::http::header;
use actix_web::web::Bytes;
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
    let hash = hex::encode(&file.metadata.sha256_hash()[..12]);
    let gzip = accepts_gzip(req);
    // The compressed form is another representation: another tag.
    let etag = if gzip { format!("\"{hash}-gz\"") } else { format!("\"{hash}\"") };
    let matches = (req.headers().get(header::IF_NONE_MATCH)).is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    if gzip {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    response
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_TYPE, content_type(path)))
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"));
    if matches {
        return response.finish();
    }
    let body = match file.data {
        Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        Cow::Owned(bytes) => Bytes::from(bytes),
    };
    response.body(if gzip { gzipped(&hash, &body) } else { body })
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    let Some(accepted) = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    accepted.split(',').any(|coding| {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// The gzipped form of a file, made once per content hash.
fn gzipped(hash: &str, body: &Bytes) -> Bytes {
    static CACHE: OnceLock<Mutex<HashMap<String, Bytes>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(done) = cache.lock().expect("gzip cache").get(hash) {
        return done.clone();
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).expect("writing to memory");
    let done = Bytes::from(encoder.finish().expect("writing to memory"));
    cache.lock().expect("gzip cache").insert(hash.to_owned(), done.clone());
    done
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
