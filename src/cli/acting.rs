//! Who acts on the command line, for the audit log: the staff member named by `--as NAME`,
//! who proves it with their password and, where their account has or needs one, their second
//! factor; otherwise the operating-system user and host (`os:root@host`). An operator with a
//! shell on the server can do anything; the log at least says who, and the audit chain and
//! published fingerprints let the 督查办 see what.
//!
//! A command runs once per process, so who acts is kept in a process-wide cell: set once,
//! when the command first opens the store (every command does, after `--data-dir` applies).

use std::io::BufRead;
use std::sync::OnceLock;

use anyhow::{bail, Context};

use crate::server::config::Settings;
use crate::staff::{sign_in, Role};
use crate::store::Store;

/// What `--as` asked for, and whether the command needs an admin.
pub(crate) struct Acting {
    pub name: Option<String>,
    pub password_stdin: bool,
    pub needs_admin: bool,
}

static ACTING: OnceLock<Acting> = OnceLock::new();
static ACTOR: OnceLock<String> = OnceLock::new();
static ROLE: OnceLock<Role> = OnceLock::new();

/// Records what the command line asked (once, at start).
pub(crate) fn set(acting: Acting) {
    let _ = ACTING.set(acting);
}

/// Whether secrets come from standard input, one a line, in the order asked.
pub(crate) fn password_stdin() -> bool {
    ACTING.get().is_some_and(|a| a.password_stdin)
}

/// How the audit log names who acts.
pub(crate) fn actor() -> String {
    ACTOR.get().cloned().unwrap_or_else(|| format!("os:{}", os_user_at_host()))
}

/// Proves the identity `--as` names against the store, once; nothing to do without `--as`.
pub(crate) async fn prove(settings: &Settings, store: &dyn Store) -> anyhow::Result<()> {
    let Some(acting) = ACTING.get() else { return Ok(()) };
    let Some(name) = &acting.name else { return Ok(()) };
    if ACTOR.get().is_some() {
        return Ok(());
    }
    let refused = || anyhow::anyhow!("身份验证失败：用户名或密码不正确（--as {name}）");
    let user = store.staff_user(name).await?;
    let password = ask_secret(&format!("{name} 的密码: "))?;
    let stored =
        user.as_ref().map_or_else(|| crate::staff::password::decoy().to_owned(), |u| u.password_hash.clone());
    let matches = crate::staff::password::verify_queued(&password, stored).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => return Err(refused()),
    };
    if user.disabled {
        bail!("账号“{name}”已停用，不能以其名义操作");
    }
    let role = Role::parse(&user.role).context("the account's role is not known")?;
    if acting.needs_admin && role != Role::Admin {
        bail!("只有管理员可以进行此项操作（“{name}”的角色是 {}）", role.as_str());
    }
    // The command line asks the second factor of admins and auditors unless the deployment
    // says otherwise, as `serve` does.
    let required = settings.staff.require_second_factor.unwrap_or(true);
    if sign_in::needs_second_factor(&user, role, required) {
        let secret = crate::server::load_secret(settings)?;
        let factor = crate::staff::totp::SecondFactor::new(&secret);
        let hot = crate::hot::open(settings.redis_url.as_deref(), &settings.redis_prefix)
            .await
            .context("cannot connect to Redis")?;
        let code = ask_line("动态验证码（身份验证器 App 中的 6 位数字）: ")?;
        let checked = sign_in::second_factor(&factor, hot.as_ref(), &user, role, required, Some(&code)).await;
        match checked {
            Ok(()) => {}
            Err(sign_in::SignInError::SecondFactorNotSet) => {
                bail!("“{name}”须先设置动态验证码：minping user totp {name}")
            }
            Err(_) => bail!("动态验证码不正确或已使用过"),
        }
    }
    let _ = ACTOR.set(format!("staff:{name} (cli, {})", os_user_at_host()));
    let _ = ROLE.set(role);
    Ok(())
}

/// The role of the staff member `--as` proved, if one did.
pub(crate) fn staff_role() -> Option<Role> {
    ROLE.get().copied()
}

/// A secret: the next line of standard input with `--password-stdin`, else asked without echo.
pub(crate) fn ask_secret(prompt: &str) -> anyhow::Result<String> {
    if password_stdin() {
        return read_stdin_line();
    }
    rpassword::prompt_password(prompt).context("无法在此询问密码；请使用 --password-stdin")
}

/// A line that need not be hidden (a one-time code): the next line of standard input with
/// `--password-stdin`, else asked on the terminal.
pub(crate) fn ask_line(prompt: &str) -> anyhow::Result<String> {
    if password_stdin() {
        return read_stdin_line();
    }
    eprint!("{prompt}");
    read_stdin_line()
}

fn read_stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("无法从标准输入读取")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// `user@host` of the operating system, never "unknown": the login name, else the name of
/// the user id, else the id itself.
fn os_user_at_host() -> String {
    let user = (std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("LOGNAME").ok().filter(|u| !u.is_empty()))
        .or_else(name_of_uid)
        .unwrap_or_else(|| "uid-unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into());
    format!("{user}@{host}")
}

/// The name of this process's user id in `/etc/passwd`, or `uid<N>`.
fn name_of_uid() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().next()?.to_owned();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|l| {
        let fields: Vec<&str> = l.split(':').collect();
        (fields.get(2) == Some(&uid.as_str())).then(|| fields[0].to_owned())
    });
    Some(name.unwrap_or(format!("uid{uid}")))
}
