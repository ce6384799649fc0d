//! The load generator of minping (goose): panel members, the public, page readers, staff
//! watching the live figures, duplicates and faulty ballots, weighted by `--mix`; then a
//! check of every acknowledged ballot against the service's own database.
//!
//! ```sh
//! cargo run --release -p loadtest -- --target http://127.0.0.1:8080 --campaign demo \
//!     --users 256 --duration 30s --mix panel=1,public=3,page=5,dashboard=0.1 \
//!     --invitations minping-data/demo-invitations.csv --data-dir minping-data --staff NAME:PASSWORD
//! ```
//!
//! The last line is `ballots/s: N p99_ms: M lost: L duplicated: D`; the exit status is 1
//! when anything was lost, counted twice, or the counters disagree with a recount.

mod ballots;
mod bare;
mod report;
mod run;
mod scenarios;
mod verify;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use goose::config::GooseConfiguration;
use goose::GooseAttack;

use crate::ballots::Form;
use crate::report::Summary;
use crate::run::{Invitation, Invitations, Kind, Run};

#[derive(Parser)]
#[command(name = "loadtest", about = "Load test of a minping server, checked against its database")]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080. Optional with --bare-ceiling alone.
    #[arg(long)]
    target: Option<String>,
    /// The campaign's slug.
    #[arg(long, default_value = "demo")]
    campaign: String,
    /// Simulated users (concurrent connections) [default: 64; 9 with --smoke].
    #[arg(long)]
    users: Option<usize>,
    /// How long to run: 30s, 2m, 1m30s [default: 20s; 6s with --smoke].
    #[arg(long)]
    duration: Option<String>,
    /// Scenario weights: panel, public, page, dashboard, duplicate, bad, ballot (a bare
    /// ballot POST) [default: panel=1,public=3,page=5,dashboard=0.1; ballot=1 with --bare-ceiling].
    #[arg(long)]
    mix: Option<String>,
    /// The invitation list (`minping demo` writes DATA_DIR/demo-invitations.csv).
    #[arg(long)]
    invitations: Option<PathBuf>,
    /// Invitations of the list to pass over (used by an earlier run against the same data).
    #[arg(long, default_value_t = 0)]
    skip: usize,
    /// A staff user for the dashboard scenario, NAME:PASSWORD (`minping user add NAME --role monitor`).
    #[arg(long)]
    staff: Option<String>,
    /// The server's data directory (embedded profile); the scaled profile is found by DATABASE_URL.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Skip the check against the database (only what the clients saw is checked).
    #[arg(long)]
    no_verify: bool,
    /// A short run for CI: few users, a few seconds, every scenario the server supports;
    /// fails on any unexpected answer too.
    #[arg(long)]
    smoke: bool,
    /// Load a bare actix-web handler that only parses the ballot JSON, in this process, and
    /// print the ratio of the target's ballots/s to it (with --target; alone, the ceiling only).
    #[arg(long)]
    bare_ceiling: bool,
    /// Users started per second [default: all within a second].
    #[arg(long)]
    increase_rate: Option<String>,
    /// Seconds a request may take before it counts as a transport error (a wedged server
    /// then ends the run in time instead of after goose's 60 s).
    #[arg(long, default_value_t = 15)]
    timeout: u64,
    /// Keep goose's own metrics and print its report too (costs the generator CPU).
    #[arg(long)]
    goose_metrics: bool,
    /// Further goose options, after `--` (e.g. `-- --request-log requests.csv --goose-metrics`).
    #[arg(last = true)]
    goose_args: Vec<String>,
}

const DEFAULT_MIX: &str = "panel=1,public=3,page=5,dashboard=0.1";
const SMOKE_MIX: &str = "panel=3,public=2,page=1,dashboard=1,duplicate=1,bad=1";

/// One goose run.
struct Plan {
    target: String,
    slug: String,
    users: usize,
    duration_text: String,
    duration: Duration,
    mix: Vec<(Kind, usize)>,
    invitations: Invitations,
    staff: Option<(String, String)>,
    increase_rate: String,
    timeout: u64,
    goose_metrics: bool,
    goose_args: Vec<String>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let code = match run(args).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("loadtest: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

async fn run(args: Args) -> anyhow::Result<i32> {
    let users = args.users.unwrap_or(if args.smoke { 9 } else { 64 });
    anyhow::ensure!(users > 0, "--users must be at least 1");
    let duration_text =
        args.duration.clone().unwrap_or_else(|| (if args.smoke { "6s" } else { "20s" }).into());
    let duration = parse_duration(&duration_text)?;
    let increase_rate = args.increase_rate.clone().unwrap_or_else(|| users.to_string());
    let staff = match &args.staff {
        Some(s) => {
            let (name, password) = s.split_once(':').context("--staff takes NAME:PASSWORD")?;
            Some((name.to_owned(), password.to_owned()))
        }
        None => None,
    };
    let plan = |target: String, mix: Vec<(Kind, usize)>, invitations: Invitations| Plan {
        target,
        slug: args.campaign.clone(),
        users,
        duration_text: duration_text.clone(),
        duration,
        mix,
        invitations,
        staff: staff.clone(),
        increase_rate: increase_rate.clone(),
        timeout: args.timeout,
        goose_metrics: args.goose_metrics,
        goose_args: args.goose_args.clone(),
    };

    // The ceiling first, while the target is idle.
    let mut ceiling = None;
    if args.bare_ceiling {
        let server = bare::start()?;
        println!("== ceiling: a bare actix-web handler that only parses the ballot JSON ({}) ==", server.url);
        let mix = vec![(Kind::Ballot, 1)];
        let (run, summary) = attack(plan(server.url.clone(), mix.clone(), Invitations::Synthetic)).await;
        server.stop().await;
        let (run, summary) = (run?, summary);
        ceiling = Some(summary);
        if args.target.is_none() {
            let verdict = verify::client_side(&seen(&run));
            return Ok(finish(&summary, &verdict, None));
        }
    }

    let target = args.target.clone().context("--target is required (or --bare-ceiling alone)")?;
    let target = target.trim_end_matches('/').to_owned();
    let mix_text = args.mix.clone().unwrap_or_else(|| {
        (if args.smoke {
            SMOKE_MIX
        } else if args.bare_ceiling {
            "ballot=1"
        } else {
            DEFAULT_MIX
        })
        .into()
    });
    let mut mix = parse_mix(&mix_text)?;

    // What the server offers, before anything is counted.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    if mix.iter().any(|(k, _)| *k == Kind::Public) {
        if let Err(why) = load_test_mode(&client, &target).await {
            if args.smoke && args.mix.is_none() {
                println!("note: the public scenario is left out: {why}");
                mix.retain(|(k, _)| *k != Kind::Public);
            } else {
                bail!("the public scenario cannot run: {why}");
            }
        }
    }
    if mix.iter().any(|(k, _)| *k == Kind::Dashboard) && staff.is_none() {
        if args.smoke && args.mix.is_none() {
            println!("note: the dashboard scenario is left out: no --staff NAME:PASSWORD");
            mix.retain(|(k, _)| *k != Kind::Dashboard);
        } else {
            bail!("the dashboard scenario needs --staff NAME:PASSWORD (minping user add NAME --role monitor --password-stdin)");
        }
    }
    anyhow::ensure!(!mix.is_empty(), "no scenario left to run");
    if ceiling.is_some() && mix.iter().any(|(k, _)| *k != Kind::Ballot) {
        println!("note: no ratio to the ceiling: it is measured on ballots alone, the target on {mix_text}");
        ceiling = None;
    }
    let invitations = if mix.iter().any(|(k, _)| k.needs_invitations()) {
        let path = (args.invitations.clone())
            .or_else(|| args.data_dir.as_ref().map(|d| d.join("demo-invitations.csv")))
            .unwrap_or_else(|| PathBuf::from("minping-data/demo-invitations.csv"));
        let list = read_invitations(&path, args.skip)?;
        println!("invitations: {} unused in {} (after --skip {})", list.len(), path.display(), args.skip);
        Invitations::List(list)
    } else {
        Invitations::List(Vec::new())
    };

    let store = if args.no_verify { None } else { Some(verify::open(args.data_dir.as_deref()).await?) };
    let before = match &store {
        Some(store) => {
            let campaign = verify::campaign(store.as_ref(), &args.campaign).await?;
            Some((campaign.id, verify::counts(store.as_ref(), campaign.id).await?))
        }
        None => None,
    };

    println!("== {target}: {users} users for {duration_text}, mix {} ==", describe(&mix));
    let (run, summary) = attack(plan(target.clone(), mix.clone(), invitations)).await;
    let run = run?;
    let taken = run.invitations_taken();
    if taken > 0 {
        println!(
            "invitations taken: {taken} (a later run against the same data: --skip {})",
            args.skip + taken
        );
    }

    let seen = seen(&run);
    let verdict = match (&store, before) {
        (Some(store), Some((_, before))) => {
            // Let the writer settle anything still in flight when the clients stopped.
            tokio::time::sleep(Duration::from_secs(1)).await;
            let campaign = verify::campaign(store.as_ref(), &args.campaign).await?;
            let verdict = verify::check(store.as_ref(), &campaign, before, &seen).await?;
            store.close().await;
            verdict
        }
        _ => {
            println!("database: not checked (--no-verify); only what the clients saw");
            verify::client_side(&seen)
        }
    };
    let mut code = 0;
    if args.smoke {
        if summary.accepted == 0 {
            println!("smoke: FAILED: no ballot was accepted");
            code = 1;
        }
        if summary.errors > 0 {
            println!("smoke: FAILED: {} unexpected answers (see errors by kind)", summary.errors);
            code = 1;
        }
    }
    Ok(finish(&summary, &verdict, ceiling).max(code))
}

/// Prints the faults, the ratio to the ceiling, and the last line; returns the exit status.
fn finish(summary: &Summary, verdict: &verify::Verdict, ceiling: Option<Summary>) -> i32 {
    for fault in &verdict.faults {
        println!("FAULT: {fault}");
    }
    if let Some(ceiling) = ceiling {
        println!(
            "ceiling: bare handler {:.0} ballots/s (p50 {:.1} ms, p99 {:.1} ms); this server {:.0} ballots/s: ratio ours/ceiling {:.2}",
            ceiling.ballots_per_s,
            ceiling.p50_ms,
            ceiling.p99_ms,
            summary.ballots_per_s,
            summary.ballots_per_s / ceiling.ballots_per_s.max(1e-9)
        );
    }
    println!(
        "ballots/s: {:.0} p99_ms: {:.1} lost: {} duplicated: {}",
        summary.ballots_per_s, summary.p99_ms, verdict.lost, verdict.duplicated
    );
    if verdict.ok() {
        0
    } else {
        1
    }
}

fn seen(run: &Run) -> verify::Seen {
    use std::sync::atomic::Ordering::Relaxed;
    verify::Seen {
        receipts: run.receipts.lock().unwrap().clone(),
        unanswered: run.unanswered.load(Relaxed),
        wrongly_accepted: run.wrongly_accepted.load(Relaxed),
    }
}

/// Runs goose with the plan's scenarios; the run's state and its figures.
async fn attack(plan: Plan) -> (anyhow::Result<Arc<Run>>, Summary) {
    match attack_inner(plan).await {
        Ok((run, summary)) => (Ok(run), summary),
        Err(e) => (Err(e), Summary::default()),
    }
}

async fn attack_inner(plan: Plan) -> anyhow::Result<(Arc<Run>, Summary)> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    let url = format!("{}/api/v1/campaigns/{}", plan.target, plan.slug);
    let response = client.get(&url).send().await.with_context(|| format!("cannot reach {url}"))?;
    anyhow::ensure!(response.status().is_success(), "GET {url} answered {}", response.status());
    let campaign: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
    anyhow::ensure!(
        campaign["status"] == "open",
        "campaign `{}` is not open ({})",
        plan.slug,
        campaign["status"]
    );
    let form = Form::from_campaign_json(&campaign)?;

    let run =
        Arc::new(Run::new(plan.slug.clone(), form, plan.invitations, plan.staff.clone(), plan.duration));
    run::set_current(Some(run.clone()));
    let mut config_args: Vec<String> = vec![
        "--host".into(),
        plan.target.clone(),
        "--users".into(),
        plan.users.to_string(),
        "--run-time".into(),
        plan.duration_text.clone(),
        "--increase-rate".into(),
        plan.increase_rate.clone(),
        "--timeout".into(),
        plan.timeout.to_string(),
        "--no-telnet".into(),
        "--quiet".into(),
    ];
    if !plan.goose_metrics {
        config_args.push("--no-metrics".into());
    }
    config_args.extend(plan.goose_args.iter().cloned());
    let configuration =
        GooseConfiguration::parse_args_default(&config_args).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut attack =
        GooseAttack::initialize_with_config(configuration).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (kind, weight) in &plan.mix {
        attack = attack
            .register_scenario(scenarios::scenario(*kind, *weight).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let result = attack.execute().await;
    run::set_current(None);
    result.map_err(|e| anyhow::anyhow!("goose: {e}"))?;
    let kinds: Vec<Kind> = plan.mix.iter().map(|(k, _)| *k).collect();
    let summary = report::print(&run, &kinds);
    Ok((run, summary))
}

/// Whether the server runs with `--load-test`: its captcha answers carry the answer.
async fn load_test_mode(client: &reqwest::Client, target: &str) -> Result<(), String> {
    let url = format!("{target}/api/v1/captcha");
    let response = client.get(&url).send().await.map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status().as_u16();
    if response.headers().contains_key(scenarios::CAPTCHA_ANSWER_HEADER) {
        return Ok(());
    }
    Err(format!(
        "GET {url} answered {status} without an X-Minping-Captcha-Answer header; \
         start the server with `minping serve --load-test` (or `minping demo --load-test`)"
    ))
}

/// `panel=1,public=3,page=5,dashboard=0.1` → integer goose weights (×10ⁿ, divided by their gcd).
fn parse_mix(text: &str) -> anyhow::Result<Vec<(Kind, usize)>> {
    let mut weights: Vec<(Kind, f64)> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, weight) = part.split_once('=').unwrap_or((part, "1"));
        let kind = Kind::parse(name.trim()).with_context(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            format!("unknown scenario `{name}` in --mix (known: {})", names.join(", "))
        })?;
        let weight: f64 =
            weight.trim().parse().with_context(|| format!("`{part}`: the weight is not a number"))?;
        anyhow::ensure!(weight.is_finite() && weight >= 0.0, "`{part}`: the weight must be 0 or more");
        anyhow::ensure!(!weights.iter().any(|(k, _)| *k == kind), "`{name}` appears twice in --mix");
        if weight > 0.0 {
            weights.push((kind, weight));
        }
    }
    anyhow::ensure!(!weights.is_empty(), "--mix names no scenario with a weight above 0");
    let scale = (0..=3)
        .map(|n| 10f64.powi(n))
        .find(|s| weights.iter().all(|(_, w)| ((w * s) - (w * s).round()).abs() < 1e-6))
        .unwrap_or(1000.0);
    let ints: Vec<usize> = weights.iter().map(|(_, w)| ((w * scale).round() as usize).max(1)).collect();
    let gcd = ints.iter().copied().fold(0, gcd);
    Ok(weights.iter().zip(ints).map(|((k, _), n)| (*k, n / gcd)).collect())
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn describe(mix: &[(Kind, usize)]) -> String {
    mix.iter().map(|(k, w)| format!("{}={w}", k.name())).collect::<Vec<_>>().join(",")
}

/// `30s`, `2m`, `1m30s`, `1h`, or plain seconds.
fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().with_context(|| format!("`{text}` is not a duration like 30s or 2m"))?;
        number.clear();
        total += n * match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => bail!("`{text}` is not a duration like 30s or 2m"),
        };
    }
    if !number.is_empty() {
        total += number.parse::<u64>()?;
    }
    anyhow::ensure!(total > 0, "the duration must be at least a second");
    Ok(Duration::from_secs(total))
}

/// The unused invitations of a list written by `minping demo` or `minping roster
/// invitations` (`member_code,segment,district,token,short_code,url`, UTF-8 with BOM).
fn read_invitations(path: &std::path::Path, skip: usize) -> anyhow::Result<Vec<Invitation>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!("cannot read the invitation list {} (give --invitations)", path.display())
    })?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{} has no `{name}` column", path.display()))
    };
    let (token, short_code) = (column("token")?, column("short_code")?);
    let mut list = Vec::new();
    for record in reader.records().skip(skip) {
        let record = record?;
        list.push(Invitation {
            token: record.get(token).unwrap_or_default().to_owned(),
            short_code: record.get(short_code).unwrap_or_default().to_owned(),
        });
    }
    anyhow::ensure!(!list.is_empty(), "no invitations left in {} after --skip {skip}", path.display());
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_becomes_integer_weights() {
        let mix = parse_mix("panel=1,public=3,page=5,dashboard=0.1").unwrap();
        assert_eq!(mix, vec![(Kind::Panel, 10), (Kind::Public, 30), (Kind::Page, 50), (Kind::Dashboard, 1)]);
        assert_eq!(parse_mix("panel=2,page=4,bad=0").unwrap(), vec![(Kind::Panel, 1), (Kind::Page, 2)]);
        assert_eq!(parse_mix("ballot").unwrap(), vec![(Kind::Ballot, 1)]);
        assert!(parse_mix("panle=1").is_err());
        assert!(parse_mix("panel=0").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("45").unwrap(), Duration::from_secs(45));
        assert!(parse_duration("3x").is_err());
    }
}
