//! The goose scenarios: what each kind of simulated user does, and how each answer counts.

use std::time::{Duration, Instant};

use goose::prelude::*;
use rand::Rng;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

use crate::ballots::{Credential, BAD_KINDS};
use crate::run::{current, Invitation, Kind, Run};

/// The headers a server started with `--load-test` adds, carrying what a person would read
/// off the captcha image and the SMS.
pub const CAPTCHA_ANSWER_HEADER: &str = "x-minping-captcha-answer";
pub const TEST_CODE_HEADER: &str = "x-minping-test-code";

pub fn scenario(kind: Kind, weight: usize) -> Result<Scenario, GooseError> {
    let scenario = Scenario::new(kind.name()).set_weight(weight)?;
    Ok(match kind {
        Kind::Panel => scenario
            .register_transaction(transaction!(start_panel).set_on_start())
            .register_transaction(transaction!(panel)),
        Kind::Public => scenario
            .register_transaction(transaction!(start_public).set_on_start())
            .register_transaction(transaction!(public)),
        Kind::Page => scenario
            .register_transaction(transaction!(start_page).set_on_start())
            .register_transaction(transaction!(page)),
        // A staff member watching the live figures: the console polls, or holds the stream.
        Kind::Dashboard => scenario
            .set_wait_time(Duration::from_millis(1500), Duration::from_millis(2500))?
            .register_transaction(transaction!(sign_in).set_on_start())
            .register_transaction(transaction!(progress))
            .register_transaction(transaction!(progress_stream)),
        Kind::Duplicate => scenario
            .register_transaction(transaction!(start_duplicate).set_on_start())
            .register_transaction(transaction!(duplicate)),
        Kind::Bad => scenario
            .register_transaction(transaction!(start_bad).set_on_start())
            .register_transaction(transaction!(bad)),
        Kind::Ballot => scenario
            .register_transaction(transaction!(start_ballot).set_on_start())
            .register_transaction(transaction!(ballot_only)),
    })
}

// --- sending and classifying ------------------------------------------------------------

/// An answer, read whole.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub micros: u32,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// `409 already_used`: the status and the API's machine code, if any.
    pub fn kind(&self, step: &str) -> String {
        match self.json()["error"].as_str() {
            Some(code) => format!("{step} {} {code}", self.status),
            None => format!("{step} {}", self.status),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else if e.is_request() {
        "request"
    } else {
        "other"
    }
}

/// Sends one request through goose and reads the answer whole. A transport failure is
/// counted as an error of `kind` and gives `None`.
async fn send(
    user: &mut GooseUser,
    run: &Run,
    kind: Kind,
    step: &str,
    request: reqwest::RequestBuilder,
) -> Option<Answer> {
    let started = Instant::now();
    run.request_started(started);
    let stats = run.stats(kind);
    stats.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let sent = user.request(GooseRequest::builder().name(step).set_request_builder(request).build()).await;
    let answer = match sent {
        Err(e) => {
            stats.error(format!("{step} transport: {e}"));
            None
        }
        Ok(goose) => match goose.response {
            Err(e) => {
                stats.error(format!("{step} transport: {}", transport_kind(&e)));
                None
            }
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                match response.bytes().await {
                    Ok(body) => {
                        let micros = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
                        stats.step(step, micros);
                        Some(Answer { status, headers, body: body.to_vec(), micros })
                    }
                    Err(e) => {
                        stats.error(format!("{step} transport: {}", transport_kind(&e)));
                        None
                    }
                }
            }
        },
    };
    run.request_ended(Instant::now());
    answer
}

fn builder(
    user: &GooseUser,
    method: GooseMethod,
    path: &str,
) -> Result<reqwest::RequestBuilder, Box<TransactionError>> {
    user.get_request_builder(&method, path)
}

fn json_post(
    user: &GooseUser,
    path: &str,
    body: Vec<u8>,
) -> Result<reqwest::RequestBuilder, Box<TransactionError>> {
    Ok(builder(user, GooseMethod::Post, path)?.header("Content-Type", "application/json").body(body))
}

/// A GET that must answer `200`.
async fn get_ok(
    user: &mut GooseUser,
    run: &Run,
    kind: Kind,
    step: &str,
    path: &str,
    gzip: bool,
) -> TransactionResult {
    let mut request = builder(user, GooseMethod::Get, path)?;
    if gzip {
        request = request.header("Accept-Encoding", "gzip");
    }
    if let Some(answer) = send(user, run, kind, step, request).await {
        if answer.status != 200 {
            run.stats(kind).error(answer.kind(step));
        }
    }
    Ok(())
}

fn ballots_path(run: &Run) -> String {
    format!("/api/v1/campaigns/{}/ballots", run.slug)
}

/// What became of a ballot POST.
enum Submitted {
    Accepted,
    Refused(Answer),
    Unanswered,
}

/// POSTs a ballot; a `201` has its receipt recorded and its latency counted.
async fn submit(
    user: &mut GooseUser,
    run: &Run,
    kind: Kind,
    body: Vec<u8>,
) -> Result<Submitted, Box<TransactionError>> {
    let request = json_post(user, &ballots_path(run), body)?;
    let Some(answer) = send(user, run, kind, "ballot", request).await else {
        return Ok(Submitted::Unanswered);
    };
    let stats = run.stats(kind);
    if kind.submits_valid_ballots() {
        stats.ballot_micros.lock().unwrap().push(answer.micros);
    }
    if answer.status == 201 {
        match answer.json()["receipt"].as_str() {
            Some(receipt) => run.receipt(receipt.to_owned()),
            None => stats.error("ballot 201 without a receipt".into()),
        }
        stats.accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Submitted::Accepted)
    } else {
        Ok(Submitted::Refused(answer))
    }
}

/// Submits a valid ballot for a fresh invitation, counting every outcome but `201` as an error.
///
/// Like the survey page, the ballot carries a receipt drawn here, and a ballot whose answer
/// is lost (a server killed, a connection cut) is sent again, the same, for a few seconds:
/// the server answers the same `201` whether or not the first one was committed.
async fn submit_valid(
    user: &mut GooseUser,
    run: &Run,
    kind: Kind,
    invitation: Invitation,
) -> TransactionResult {
    let body = run.form.body_with_receipt(Credential::Invitation(&invitation.token), &mut rand::rng());
    for attempt in 0..RESENDS {
        match submit(user, run, kind, body.clone()).await? {
            Submitted::Accepted => return Ok(run.mark_used(invitation)),
            Submitted::Refused(answer) => return Ok(run.stats(kind).error(answer.kind("ballot"))),
            Submitted::Unanswered if attempt + 1 < RESENDS => {
                run.stats(kind).note("ballot sent again after a lost answer");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Submitted::Unanswered => {}
        }
    }
    run.unanswered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// Sends of one ballot whose answers are lost before giving up on it (~3 s).
const RESENDS: usize = 10;

async fn exhausted(run: &Run, kind: Kind) -> TransactionResult {
    run.stats(kind).note("invitations exhausted (waited)");
    tokio::time::sleep(Duration::from_millis(250)).await;
    Ok(())
}

fn started(kind: Kind) {
    current().stats(kind).users.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

// --- panel: a member of the citizen panel with an invitation link -----------------------

async fn start_panel(_user: &mut GooseUser) -> TransactionResult {
    started(Kind::Panel);
    Ok(())
}

async fn panel(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    let Some(invitation) = run.next_invitation() else {
        return exhausted(&run, Kind::Panel).await;
    };
    get_ok(user, &run, Kind::Panel, "page", &format!("/s/{}", run.slug), true).await?;
    get_ok(user, &run, Kind::Panel, "campaign", &format!("/api/v1/campaigns/{}", run.slug), false).await?;
    submit_valid(user, &run, Kind::Panel, invitation).await
}

// --- ballot: nothing but the ballot POST (for the ceiling comparison) --------------------

async fn start_ballot(_user: &mut GooseUser) -> TransactionResult {
    started(Kind::Ballot);
    Ok(())
}

async fn ballot_only(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    let Some(invitation) = run.next_invitation() else {
        return exhausted(&run, Kind::Ballot).await;
    };
    submit_valid(user, &run, Kind::Ballot, invitation).await
}

// --- public: captcha, SMS code, ballot ---------------------------------------------------

async fn start_public(_user: &mut GooseUser) -> TransactionResult {
    started(Kind::Public);
    Ok(())
}

async fn public(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    let stats = run.stats(Kind::Public);
    let phone = run.next_phone();

    let request = builder(user, GooseMethod::Get, "/api/v1/captcha")?;
    let Some(captcha) = send(user, &run, Kind::Public, "captcha", request).await else { return Ok(()) };
    if captcha.status != 200 {
        stats.error(captcha.kind("captcha"));
        return Ok(());
    }
    let Some(answer) = captcha.header(CAPTCHA_ANSWER_HEADER) else {
        stats.error(
            "captcha: no X-Minping-Captcha-Answer header (is the server started with --load-test?)".into(),
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        return Ok(());
    };
    let captcha_json = captcha.json();
    let Some(captcha_id) =
        (captcha_json["captcha_id"].as_str()).or(captcha_json["id"].as_str()).map(str::to_owned)
    else {
        stats.error("captcha: no `captcha_id` in the answer".into());
        return Ok(());
    };

    let body = json!({ "phone": phone, "captcha_id": captcha_id, "captcha_answer": answer });
    let request =
        json_post(user, &format!("/api/v1/campaigns/{}/otp", run.slug), body.to_string().into_bytes())?;
    let Some(sent) = send(user, &run, Kind::Public, "otp", request).await else { return Ok(()) };
    if sent.status != 202 {
        stats.error(sent.kind("otp"));
        return Ok(());
    }
    let Some(code) = sent.header(TEST_CODE_HEADER) else {
        stats.error("otp: no X-Minping-Test-Code header (is the server started with --load-test?)".into());
        return Ok(());
    };

    let body = json!({ "phone": phone, "otp": code });
    let request = json_post(
        user,
        &format!("/api/v1/campaigns/{}/otp/verify", run.slug),
        body.to_string().into_bytes(),
    )?;
    let Some(verified) = send(user, &run, Kind::Public, "otp/verify", request).await else { return Ok(()) };
    if verified.status != 200 {
        stats.error(verified.kind("otp/verify"));
        return Ok(());
    }

    let body = run.form.body(Credential::Phone { phone: &phone, otp: &code }, &mut rand::rng());
    match submit(user, &run, Kind::Public, body).await? {
        Submitted::Accepted => {}
        Submitted::Refused(answer) => stats.error(answer.kind("ballot")),
        Submitted::Unanswered => {
            run.unanswered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    Ok(())
}

// --- page: someone who opens the survey page ---------------------------------------------

async fn start_page(_user: &mut GooseUser) -> TransactionResult {
    started(Kind::Page);
    Ok(())
}

async fn page(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    get_ok(user, &run, Kind::Page, "page", &format!("/s/{}", run.slug), true).await?;
    get_ok(user, &run, Kind::Page, "survey.js", "/assets/survey.js", true).await?;
    get_ok(user, &run, Kind::Page, "survey.css", "/assets/survey.css", true).await
}

// --- dashboard: a staff member watching the live figures ---------------------------------

/// Whether this user is signed in (goose session data).
#[derive(Clone)]
struct SignedIn(bool);

async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    started(Kind::Dashboard);
    let run = current();
    let Some((name, password)) = run.staff.clone() else {
        run.stats(Kind::Dashboard).error("sign-in: no --staff NAME:PASSWORD given".into());
        user.set_session_data(SignedIn(false));
        return Ok(());
    };
    let body = json!({ "name": name, "password": password }).to_string().into_bytes();
    let request = json_post(user, "/api/v1/admin/session", body)?;
    let ok = match send(user, &run, Kind::Dashboard, "sign-in", request).await {
        Some(answer) if answer.status == 200 => true,
        Some(answer) => {
            run.stats(Kind::Dashboard).error(answer.kind("sign-in"));
            false
        }
        None => false,
    };
    user.set_session_data(SignedIn(ok));
    Ok(())
}

fn signed_in(user: &GooseUser) -> bool {
    user.get_session_data::<SignedIn>().is_some_and(|s| s.0)
}

async fn progress(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    if !signed_in(user) {
        return Ok(());
    }
    let path = format!("/api/v1/admin/campaigns/{}/progress", run.slug);
    let request = builder(user, GooseMethod::Get, &path)?;
    if let Some(answer) = send(user, &run, Kind::Dashboard, "progress", request).await {
        if answer.status != 200 || answer.json()["ballots"].as_i64().is_none() {
            run.stats(Kind::Dashboard).error(answer.kind("progress"));
        }
    }
    Ok(())
}

/// Holds the live stream open for a few seconds (two or three events) and counts them.
async fn progress_stream(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    if !signed_in(user) {
        return Ok(());
    }
    let stats = run.stats(Kind::Dashboard);
    if run.deadline.saturating_duration_since(Instant::now()) < Duration::from_secs(4) {
        return Ok(()); // too close to the end to watch a few events
    }
    let path = format!("/api/v1/admin/campaigns/{}/progress/stream", run.slug);
    let request = builder(user, GooseMethod::Get, &path)?;
    stats.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let sent = user
        .request(GooseRequest::builder().name("progress/stream").set_request_builder(request).build())
        .await;
    let mut response = match sent.map(|g| g.response) {
        Ok(Ok(r)) if r.status().as_u16() == 200 => r,
        Ok(Ok(r)) => {
            stats.error(format!("progress/stream {}", r.status().as_u16()));
            return Ok(());
        }
        Ok(Err(e)) => {
            stats.error(format!("progress/stream transport: {}", transport_kind(&e)));
            return Ok(());
        }
        Err(e) => {
            stats.error(format!("progress/stream transport: {e}"));
            return Ok(());
        }
    };
    // Not part of the measured window: a stream is held open on purpose.
    let hold = Duration::from_millis(6500).min(run.deadline.saturating_duration_since(Instant::now()));
    let until = tokio::time::Instant::now() + hold;
    let mut events = 0;
    let mut text = String::new();
    loop {
        match tokio::time::timeout_at(until, response.chunk()).await {
            Err(_) => break, // held long enough
            Ok(Ok(Some(chunk))) => {
                text.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = text.find("\n\n") {
                    if text[..end].lines().any(|l| l == "event: progress") {
                        events += 1;
                    }
                    text.drain(..end + 2);
                }
            }
            Ok(Ok(None)) => {
                stats.error("progress/stream ended by the server".into());
                break;
            }
            Ok(Err(e)) => {
                stats.error(format!("progress/stream transport: {}", transport_kind(&e)));
                break;
            }
        }
    }
    for _ in 0..events {
        stats.note("SSE progress events");
    }
    if events == 0 {
        stats.error(format!("progress/stream: no event in {:.1} s", hold.as_secs_f64()));
    }
    Ok(())
}

// --- duplicate: invitations used twice ----------------------------------------------------

async fn start_duplicate(_user: &mut GooseUser) -> TransactionResult {
    started(Kind::Duplicate);
    Ok(())
}

async fn duplicate(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    if rand::rng().random_bool(0.25) {
        return race(user, &run).await;
    }
    let Some(used) = run.some_used() else {
        tokio::time::sleep(Duration::from_millis(100)).await;
        return Ok(());
    };
    // By token or by the short code of the same invitation: both must be refused.
    let by_short_code = !used.short_code.is_empty() && rand::rng().random_bool(0.5);
    let credential = if by_short_code { &used.short_code } else { &used.token };
    let body = run.form.body(Credential::Invitation(credential), &mut rand::rng());
    let stats = run.stats(Kind::Duplicate);
    match submit(user, &run, Kind::Duplicate, body).await? {
        Submitted::Refused(answer) if answer.status == 409 => stats.expected(answer.kind("ballot again")),
        Submitted::Refused(answer) => stats.error(answer.kind("ballot again")),
        Submitted::Accepted => {
            run.wrongly_accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            stats.error("ballot again 201: a used invitation was accepted".into());
        }
        Submitted::Unanswered => {}
    }
    Ok(())
}

/// Three ballots for one fresh invitation at the same moment, on three connections:
/// exactly one may be counted.
async fn race(user: &mut GooseUser, run: &Run) -> TransactionResult {
    let Some(invitation) = run.next_invitation() else {
        return exhausted(run, Kind::Duplicate).await;
    };
    let stats = run.stats(Kind::Duplicate);
    let url = user.build_url(&ballots_path(run))?;
    let client = user.client.clone();
    let post = |body: Vec<u8>| {
        let request = client.post(&url).header("Content-Type", "application/json").body(body);
        async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            Ok::<_, reqwest::Error>((status, response.bytes().await?))
        }
    };
    let body = || run.form.body(Credential::Invitation(&invitation.token), &mut rand::rng());
    let started = Instant::now();
    run.request_started(started);
    let answers = tokio::join!(post(body()), post(body()), post(body()));
    run.request_ended(Instant::now());
    stats.step("race (3 at once)", started.elapsed().as_micros().min(u32::MAX as u128) as u32);
    stats.requests.fetch_add(3, std::sync::atomic::Ordering::Relaxed);
    let mut counted = 0;
    for answer in [answers.0, answers.1, answers.2] {
        match answer {
            Ok((201, body)) => {
                counted += 1;
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                match json["receipt"].as_str() {
                    Some(receipt) => run.receipt(receipt.to_owned()),
                    None => stats.error("race 201 without a receipt".into()),
                }
            }
            Ok((status, body)) => {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let kind = format!("race {status} {}", json["error"].as_str().unwrap_or(""));
                if status == 409 {
                    stats.expected(kind);
                } else {
                    stats.error(kind);
                }
            }
            Err(e) => {
                run.unanswered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                stats.error(format!("race transport: {}", transport_kind(&e)));
            }
        }
    }
    if counted >= 1 {
        stats.accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        run.mark_used(invitation);
    }
    if counted > 1 {
        run.wrongly_accepted.fetch_add(counted - 1, std::sync::atomic::Ordering::Relaxed);
        stats.error(format!("race: {counted} ballots accepted for one invitation"));
    }
    Ok(())
}

// --- bad: faulty ballots -----------------------------------------------------------------

/// Which faulty ballot this user sends next.
#[derive(Clone)]
struct NextBad(usize);

async fn start_bad(user: &mut GooseUser) -> TransactionResult {
    started(Kind::Bad);
    user.set_session_data(NextBad(rand::rng().random_range(0..BAD_KINDS)));
    Ok(())
}

/// Two faulty ballots with a fresh invitation, which must leave it unused; then an
/// unknown invitation now and then; then the invitation's valid ballot, which must count.
async fn bad(user: &mut GooseUser) -> TransactionResult {
    let run = current();
    let stats = run.stats(Kind::Bad);
    let Some(invitation) = run.next_invitation() else {
        return exhausted(&run, Kind::Bad).await;
    };
    for _ in 0..2 {
        let next = user.get_session_data::<NextBad>().map_or(0, |n| n.0);
        user.set_session_data(NextBad(next + 1));
        let (body, name, status) = run.form.bad(next, &invitation.token, &mut rand::rng());
        match submit(user, &run, Kind::Bad, body).await? {
            Submitted::Refused(answer) if answer.status == status => {
                stats.expected(answer.kind("bad ballot"))
            }
            Submitted::Refused(answer) => {
                stats.error(format!("{} (sent {name}, expected {status})", answer.kind("bad ballot")))
            }
            Submitted::Accepted => {
                run.wrongly_accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                stats.error(format!("bad ballot 201: a faulty ballot ({name}) was accepted"));
                return Ok(());
            }
            Submitted::Unanswered => {}
        }
    }
    if rand::rng().random_bool(0.3) {
        let token: String = {
            let mut rng = rand::rng();
            (0..22)
                .map(|_| {
                    b"ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz0123456789_-"[rng.random_range(0..56)]
                        as char
                })
                .collect()
        };
        let body = run.form.body(Credential::Invitation(&token), &mut rand::rng());
        match submit(user, &run, Kind::Bad, body).await? {
            Submitted::Refused(answer) if answer.status == 404 => {
                stats.expected(answer.kind("unknown invitation"))
            }
            Submitted::Refused(answer) => stats.error(answer.kind("unknown invitation")),
            Submitted::Accepted => {
                run.wrongly_accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                stats.error("unknown invitation 201: a made-up invitation was accepted".into());
            }
            Submitted::Unanswered => {}
        }
    }
    let body = json!({ "invitation": invitation.token }).to_string().into_bytes();
    let path = format!("/api/v1/campaigns/{}/invitations/status", run.slug);
    let request = json_post(user, &path, body)?;
    if let Some(answer) = send(user, &run, Kind::Bad, "invitation status", request).await {
        if answer.status != 200 || answer.json()["status"] != "unused" {
            stats.error(format!(
                "{} after faulty ballots (expected 200 unused)",
                answer.kind("invitation status")
            ));
        }
    }
    submit_valid(user, &run, Kind::Bad, invitation).await
}
