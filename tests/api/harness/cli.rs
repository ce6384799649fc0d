//! The `minping` command line, run next to a test's server: on its data directory, its
//! database and its Redis keys, as an operator on the same machine would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use super::TestApp;

/// The `minping` binary with none of the caller's store settings in its environment.
fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minping"));
    command.env_remove("DATABASE_URL").env_remove("REDIS_URL");
    command
}

/// Runs `minping <args>` on nothing but its arguments (`minping verify <file>`).
pub fn minping_alone(args: &[&str]) -> Output {
    binary().args(args).output().expect("minping runs")
}

/// Asserts that a `minping` run succeeded (saying what it printed if not); its standard output.
pub fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "minping failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

impl TestApp {
    /// `minping <args> --data-dir <the test's>`, with the test's database and Redis (scaled
    /// profile) in its environment: ready to run, here or on another thread.
    pub fn minping_command(&self, args: &[&str]) -> Command {
        let mut command = binary();
        command.args(args).arg("--data-dir").arg(&self.settings.data_dir);
        if let Some(url) = &self.settings.database_url {
            command.env("DATABASE_URL", url);
        }
        if let Some(url) = &self.settings.redis_url {
            command.env("REDIS_URL", url).env("MINPING_REDIS_PREFIX", &self.settings.redis_prefix);
        }
        command
    }

    /// Runs [`Self::minping_command`] to its end.
    pub fn minping(&self, args: &[&str]) -> Output {
        self.minping_command(args).output().expect("minping runs")
    }

    /// Runs [`Self::minping_command`] with `line` (and a newline) on its standard input.
    pub fn minping_with_input(&self, args: &[&str], line: &str) -> Output {
        let mut child = (self.minping_command(args))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("minping runs");
        writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
        child.wait_with_output().unwrap()
    }
}
