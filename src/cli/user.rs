//! `minping user list | add | disable | enable | remove | set-role | reset-password | totp`:
//! staff accounts, governed as in the console (`staff::accounts`). A password is asked for
//! (twice), read from standard input (`--password-stdin`), or made and shown once
//! (`--generate-password`); a second factor's QR code and `otpauth://` link are shown once.

use clap::Subcommand;

use super::acting::{actor, ask_secret, password_stdin};
use super::{open_store, DataArgs};
use crate::routes::error::ApiError;
use crate::server::config::Settings;
use crate::staff::accounts::{AccountError, Accounts, Issued};
use crate::staff::totp::{Enrolment, SecondFactor};
use crate::staff::Role;

#[derive(Subcommand)]
pub enum UserCommand {
    /// List the staff accounts: role, whether disabled, whether they have a second factor.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Add a staff user. With `--totp`, also a second factor (its QR code is shown once).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        generate_password: bool,
        /// Enrol a second factor (TOTP) at once.
        #[arg(long)]
        totp: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Disable an account: its sessions end at once.
    Disable {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Enable a disabled account.
    Enable {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Remove an account: its sessions end at once.
    Remove {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Change an account's role: its sessions end at once.
    SetRole {
        name: String,
        #[arg(value_enum)]
        role: Role,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set a new password: its sessions end at once.
    ResetPassword {
        name: String,
        #[arg(long)]
        generate_password: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Enrol a new second factor (TOTP), replacing any before: shows its QR code once.
    Totp {
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl UserCommand {
    /// Whether the command changes accounts (with `--as`, only an admin may).
    pub(crate) fn changes(&self) -> bool {
        !matches!(self, Self::List { .. })
    }

    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        let data = match &self {
            Self::List { data }
            | Self::Add { data, .. }
            | Self::Disable { data, .. }
            | Self::Enable { data, .. }
            | Self::Remove { data, .. }
            | Self::SetRole { data, .. }
            | Self::ResetPassword { data, .. }
            | Self::Totp { data, .. } => data,
        };
        data.apply(&mut settings);
        let store = open_store(&settings).await?;
        let factor = SecondFactor::new(&crate::server::load_secret(&settings)?);
        let actor = actor();
        let accounts = Accounts { store: store.as_ref(), factor: &factor, actor: &actor };
        match self {
            Self::List { .. } => {
                let users = accounts.list().await.map_err(say)?;
                println!("{:<20} {:<8} {:<6} 动态验证码", "用户名", "角色", "状态");
                for u in &users {
                    let state = if u.disabled { "已停用" } else { "正常" };
                    let factor = if u.second_factor { "已设置" } else { "未设置" };
                    println!("{:<20} {:<8} {:<6} {factor}", u.name, role_zh(&u.role), state);
                }
                println!("共 {} 个账号", users.len());
            }
            Self::Add { name, role, generate_password, totp, .. } => {
                let password = new_password(&name, generate_password)?;
                let issued = accounts.add(&name, role, password.as_deref(), totp).await.map_err(say)?;
                println!("已添加{}“{name}”", role_zh(role.as_str()));
                show(&name, &issued);
            }
            Self::Disable { name, .. } => {
                accounts.disable(&name).await.map_err(say)?;
                println!("已停用“{name}”，其登录会话已全部失效");
            }
            Self::Enable { name, .. } => {
                accounts.enable(&name).await.map_err(say)?;
                println!("已启用“{name}”");
            }
            Self::Remove { name, .. } => {
                accounts.remove(&name).await.map_err(say)?;
                println!("已删除“{name}”，其登录会话已全部失效");
            }
            Self::SetRole { name, role, .. } => {
                accounts.set_role(&name, role).await.map_err(say)?;
                println!("“{name}”的角色已改为{}，其登录会话已全部失效", role_zh(role.as_str()));
            }
            Self::ResetPassword { name, generate_password, .. } => {
                let password = new_password(&name, generate_password)?;
                let issued = accounts.reset_password(&name, password.as_deref()).await.map_err(say)?;
                println!("已为“{name}”设置新密码，其登录会话已全部失效");
                show(&name, &issued);
            }
            Self::Totp { name, .. } => {
                let enrolment = accounts.enrol_totp(&name).await.map_err(say)?;
                println!("已为“{name}”设置新的动态验证码，旧的随即作废，其登录会话已全部失效");
                show_enrolment(&enrolment);
            }
        }
        store.close().await;
        Ok(())
    }
}

/// An account error in the words the console uses (Chinese).
fn say(e: AccountError) -> anyhow::Error {
    anyhow::anyhow!(ApiError::from(e).zh().to_owned())
}

fn role_zh(role: &str) -> &str {
    match role {
        "admin" => "管理员",
        "monitor" => "作风办工作人员",
        "auditor" => "督查人员",
        other => other,
    }
}

/// The new password: `None` to have one made; else read from standard input or asked twice.
fn new_password(name: &str, generate: bool) -> anyhow::Result<Option<String>> {
    if generate {
        return Ok(None);
    }
    if password_stdin() {
        return Ok(Some(ask_secret("")?));
    }
    let first = ask_secret(&format!("“{name}”的新密码（至少 12 个字符，不要用常见密码）: "))?;
    let second = ask_secret("再输入一次: ")?;
    anyhow::ensure!(first == second, "两次输入的密码不一致");
    Ok(Some(first))
}

fn show(name: &str, issued: &Issued) {
    if let Some(password) = &issued.password {
        println!("“{name}”的密码（只显示这一次，请当面交给本人）：{password}");
    }
    if let Some(enrolment) = &issued.enrolment {
        show_enrolment(enrolment);
    }
}

fn show_enrolment(e: &Enrolment) {
    println!("请用身份验证器 App（如 Google Authenticator、Microsoft Authenticator）扫描下面的二维码（只显示这一次）：");
    if let Ok(code) = qrcode::QrCode::new(e.uri.as_bytes()) {
        let text = code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build();
        println!("{text}");
    }
    println!("无法扫描时，可在 App 中手动输入密钥：{}", e.secret_base32);
    println!("otpauth 链接：{}", e.uri);
}
