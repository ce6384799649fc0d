//! The survey page and its assets, embedded in the binary (read from disk in debug builds).
//! Each is gzipped once, on first request, and served from memory after: a phone on a slow
//! network gets the small form, and the server does not compress the same bytes again for
//! every reader.
//!
//! Two of them are written as several files and served as one ([`JOINED`]): the survey page's
//! script (one file per concern, one request for a phone, no build step) and the console's page.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "web/"]
struct Web;

/// The parts of the survey page's script, in the order they are joined into `assets/survey.js`.
/// Together they are one strict-mode function: the first opens it, the last closes it.
const SURVEY_SCRIPT: &[&str] = &[
    "assets/survey/00-open.js",
    "assets/survey/01-storage.js",
    "assets/survey/02-text.js",
    "assets/survey/03-dom.js",
    "assets/survey/04-api.js",
    "assets/survey/05-state.js",
    "assets/survey/06-draft.js",
    "assets/survey/07-start.js",
    "assets/survey/08-views.js",
    "assets/survey/09-invitation.js",
    "assets/survey/10-public.js",
    "assets/survey/11-form.js",
    "assets/survey/12-submit.js",
    "assets/survey/13-boot.js",
];

/// The parts of the staff console's page, in the order they are joined into `admin/index.html`.
const CONSOLE_PAGE: &[&str] = &[
    "admin/page/01-signin-list.html",
    "admin/page/02-live.html",
    "admin/page/03-results-remind-feedback.html",
    "admin/page/04-roster-export.html",
    "admin/page/05-settings-audit-dialogs.html",
];

/// Files served as their parts joined, in this fixed order ([`join`]). A part is never served on its own.
const JOINED: &[(&str, &[&str])] = &[("assets/survey.js", SURVEY_SCRIPT), ("admin/index.html", CONSOLE_PAGE)];

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
    let Some(Asset { body, hash }) = lookup(path) else {
        return HttpResponse::NotFound().body("not found");
    };
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
    response.body(if gzip { gzipped(&hash, &body) } else { body })
}

/// A file's bytes and its tag (the first 12 bytes of its SHA-256, in hex).
#[derive(Clone)]
struct Asset {
    body: Bytes,
    hash: String,
}

/// The file at `path` under `web/`: a joined one ([`JOINED`]), or one of `web/` as it is.
fn lookup(path: &str) -> Option<Asset> {
    // Debug builds read `web/` from disk: never let a path climb out of it.
    if path.contains("..") {
        return None;
    }
    if let Some(&(name, parts)) = JOINED.iter().find(|(name, _)| *name == path) {
        return joined(name, parts);
    }
    if JOINED.iter().any(|(_, parts)| parts.contains(&path)) {
        return None;
    }
    let file = Web::get(path)?;
    let hash = hex::encode(&file.metadata.sha256_hash()[..12]);
    let body = match file.data {
        Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        Cow::Owned(bytes) => Bytes::from(bytes),
    };
    Some(Asset { body, hash })
}

/// `parts` joined in their order. Release builds join every file of [`JOINED`] once, on the
/// first request for one, and keep them; debug builds read `web/` from disk and join again for
/// every request, so an edited part shows on reload as any other file does (gzip is still done
/// once per content).
fn joined(name: &'static str, parts: &[&str]) -> Option<Asset> {
    if cfg!(debug_assertions) {
        return join(name, parts);
    }
    static DONE: OnceLock<HashMap<&'static str, Option<Asset>>> = OnceLock::new();
    let done = DONE.get_or_init(|| JOINED.iter().map(|&(name, parts)| (name, join(name, parts))).collect());
    done.get(name).cloned().flatten()
}

/// The parts joined: a blank line between two, and each without its header ([`header_len`]).
fn join(path: &str, parts: &[&str]) -> Option<Asset> {
    let mut body = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let Some(file) = Web::get(part) else {
            tracing::error!(part, path, "a part of a joined file is missing");
            return None;
        };
        if i > 0 {
            body.push(b'\n');
        }
        body.extend_from_slice(&file.data[header_len(part, &file.data)..]);
    }
    let hash = hex::encode(&Sha256::digest(&body)[..12]);
    Some(Asset { body: Bytes::from(body), hash })
}

/// How long a part's header is: the comment it starts with, which says what the part holds. It is
/// for whoever edits the part, not for the browser (a phone would download it on every visit): in a
/// script the first lines that start with `//`, in a page a first `<!-- … -->`.
fn header_len(part: &str, text: &[u8]) -> usize {
    if part.ends_with(".html") {
        if !text.starts_with(b"<!--") {
            return 0;
        }
        let Some(end) = text.windows(4).position(|w| w == b"-->\n") else { return 0 };
        return end + 4;
    }
    let mut len = 0;
    while text[len..].starts_with(b"//") {
        len += text[len..].iter().position(|&b| b == b'\n').map_or(text.len() - len, |n| n + 1);
    }
    len
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_is_listed_once_and_exists() {
        let listed: Vec<&str> = JOINED.iter().flat_map(|(_, parts)| parts.iter().copied()).collect();
        for part in &listed {
            assert!(Web::get(part).is_some(), "{part} is listed but missing");
            assert_eq!(listed.iter().filter(|p| *p == part).count(), 1, "{part} is listed twice");
        }
        // A file added to a folder of parts and not listed would silently be left out.
        let folders: Vec<&str> = listed.iter().map(|p| &p[..=p.rfind('/').unwrap()]).collect();
        for file in Web::iter() {
            if folders.iter().any(|f| file.starts_with(f)) {
                assert!(listed.contains(&file.as_ref()), "{file} is in a folder of parts but not listed");
            }
        }
        for (name, _) in JOINED {
            assert!(Web::get(name).is_none(), "{name} exists as a file and as parts");
        }
    }

    #[test]
    fn a_joined_file_is_its_parts_in_order_without_their_headers() {
        for (name, parts) in JOINED {
            let whole = lookup(name).expect("joined");
            assert_eq!(whole.hash, hex::encode(&Sha256::digest(&whole.body)[..12]));
            let mut rest = &whole.body[..];
            for (i, part) in parts.iter().enumerate() {
                let text = Web::get(part).unwrap().data;
                let header = header_len(part, &text);
                assert!(header > 0, "{part} does not start with a comment saying what it holds");
                let body = &text[header..];
                if i > 0 {
                    rest = rest.strip_prefix(b"\n").expect("a blank line between parts");
                }
                rest = rest.strip_prefix(body).unwrap_or_else(|| panic!("{name}: {part} is not next"));
                assert!(lookup(part).is_none(), "{part} is served on its own");
            }
            assert!(rest.is_empty(), "{name} holds more than its parts");
        }
        let script = String::from_utf8(lookup("assets/survey.js").unwrap().body.to_vec()).unwrap();
        let lines: Vec<&str> = script.lines().collect();
        assert!(lines[0].starts_with("/* ") && lines[0].ends_with(" */"), "{}", lines[0]);
        assert_eq!(lines[1], "'use strict';", "the survey script is strict from its first statement");
        assert_eq!(lines.last(), Some(&"})();"), "the survey script closes its function last");
        let page = lookup("admin/index.html").unwrap().body;
        assert!(page.starts_with(b"<!doctype html>\n"), "the console page starts with its doctype");
    }

    #[test]
    fn a_header_is_the_leading_comment() {
        assert_eq!(header_len("a.js", b"// one\n// two\n  // kept\ncode\n"), 14);
        assert_eq!(header_len("a.js", b"code // not a header\n"), 0);
        assert_eq!(header_len("a.js", b"// only\n// comments"), 19);
        assert_eq!(header_len("a.html", b"<!-- one\n two -->\n<!doctype html>\n"), 18);
        assert_eq!(header_len("a.html", b"<!doctype html>\n<!-- not a header -->\n"), 0);
    }
}
