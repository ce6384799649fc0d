//! Real nginx in front of a test's server, with the site file the deployment ships
//! (`deploy/nginx/minping.conf`): only its ports, certificate, cache directory and upstream
//! are changed, each by an exact substitution that must match, so the test runs the file an
//! operator installs. nginx runs on loopback from its own prefix in a temporary directory,
//! with a self-signed certificate made by the `openssl` command line.
//!
//! Without nginx or openssl the test says `SKIPPED …` and passes, unless
//! `MINPING_REQUIRE_NGINX=1` (as in CI), where it fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::TestApp;

pub struct Nginx {
    child: Child,
    /// `https://127.0.0.1:{port}`.
    pub https: String,
    /// `http://127.0.0.1:{port}`, which only redirects.
    pub http: String,
    /// The self-signed certificate, PEM: the one root a test client trusts.
    pub certificate: Vec<u8>,
    dir: tempfile::TempDir,
}

fn nginx_binary() -> PathBuf {
    let named = std::env::var_os("NGINX").map(PathBuf::from);
    named.unwrap_or_else(|| {
        let debian = PathBuf::from("/usr/sbin/nginx");
        if debian.exists() {
            debian
        } else {
            PathBuf::from("nginx")
        }
    })
}

fn missing_tool() -> Option<String> {
    if Command::new(nginx_binary()).arg("-v").output().is_err() {
        return Some("nginx is not installed (apt-get install nginx)".into());
    }
    if Command::new("openssl").arg("version").output().is_err() {
        return Some("the openssl command is not installed (apt-get install openssl)".into());
    }
    None
}

/// Whether the proxy test can run here; says why not (or fails, in CI) when not.
pub fn nginx_available() -> bool {
    let Some(problem) = missing_tool() else { return true };
    if std::env::var("MINPING_REQUIRE_NGINX").is_ok_and(|v| v == "1") {
        panic!("the proxy test cannot run: {problem} (MINPING_REQUIRE_NGINX=1)");
    }
    eprintln!("SKIPPED proxy test: {problem}");
    false
}

/// Two distinct free ports: both listeners are held until both are chosen.
fn free_ports() -> (u16, u16) {
    let (a, b) = (TcpListener::bind("127.0.0.1:0").unwrap(), TcpListener::bind("127.0.0.1:0").unwrap());
    (a.local_addr().unwrap().port(), b.local_addr().unwrap().port())
}

/// Replaces `from` by `to` in the site file, insisting that it is there.
fn substitute(site: String, from: &str, to: &str) -> String {
    assert!(site.contains(from), "deploy/nginx/minping.conf no longer has `{from}`: update the proxy test");
    site.replace(from, to)
}

fn self_signed(dir: &Path) {
    let output = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .args(["-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        // A leaf, not a CA: rustls refuses a CA certificate as a server's own.
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(output.status.success(), "openssl: {}", String::from_utf8_lossy(&output.stderr));
}

impl Nginx {
    /// Starts nginx in front of `app`, once it accepts connections.
    pub fn start(app: &TestApp) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // nginx's workers run as `nobody` when the test runs as root: let them in.
        std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        self_signed(root);
        let (https, http) = free_ports();
        let upstream = app.address.trim_start_matches("http://");
        let site =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx/minping.conf"))
                .unwrap();
        let site = [
            ("listen 443 ssl http2;", format!("listen 127.0.0.1:{https} ssl http2;")),
            ("listen [::]:443 ssl http2;", String::new()),
            ("listen 80;", format!("listen 127.0.0.1:{http};")),
            ("listen [::]:80;", String::new()),
            ("/etc/ssl/minping/fullchain.pem", root.join("cert.pem").display().to_string()),
            ("/etc/ssl/minping/privkey.pem", root.join("key.pem").display().to_string()),
            ("/var/cache/nginx/minping", root.join("cache").display().to_string()),
            ("server 127.0.0.1:8080;", format!("server {upstream};")),
        ]
        .iter()
        .fold(site, |site, (from, to)| substitute(site, from, to));
        std::fs::write(root.join("minping.conf"), site).unwrap();
        // What Debian's /etc/nginx/nginx.conf gives a site, with every path in the prefix.
        let main = format!(
            "worker_processes 1;\npid {r}/nginx.pid;\nerror_log {r}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  include /etc/nginx/mime.types;\n\
               client_body_temp_path {r}/body;\n  proxy_temp_path {r}/proxy;\n\
               fastcgi_temp_path {r}/fastcgi;\n  uwsgi_temp_path {r}/uwsgi;\n  scgi_temp_path {r}/scgi;\n\
               include {r}/minping.conf;\n}}\n",
            r = root.display()
        );
        std::fs::write(root.join("nginx.conf"), main).unwrap();
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(root)
            .arg("-e")
            .arg(root.join("error.log"))
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nginx starts");
        let mut nginx = Nginx {
            child,
            https: format!("https://127.0.0.1:{https}"),
            http: format!("http://127.0.0.1:{http}"),
            certificate: std::fs::read(root.join("cert.pem")).unwrap(),
            dir,
        };
        nginx.wait_until_listening(https);
        nginx
    }

    fn wait_until_listening(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut stderr = String::new();
                std::io::Read::read_to_string(self.child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
                panic!("nginx stopped ({status}): {stderr}{}", self.error_log());
            }
            assert!(Instant::now() < deadline, "nginx did not listen within 10 s: {}", self.error_log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    /// An HTTPS client that trusts only this nginx's certificate and connects from `from`
    /// (any 127.x.y.z address is this machine), following no redirects.
    pub fn client(&self, from: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&self.certificate).unwrap())
            .local_address(Some(from.parse().unwrap()))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    /// The protocol nginx agrees to over TLS when offered HTTP/2 first, as `openssl s_client`
    /// reports it.
    pub fn alpn(&self) -> String {
        let address = self.https.trim_start_matches("https://");
        let output = Command::new("openssl")
            .args(["s_client", "-connect", address, "-alpn", "h2,http/1.1"])
            .stdin(Stdio::null())
            .output()
            .expect("openssl runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let line = text.lines().find(|l| l.starts_with("ALPN protocol:")).unwrap_or("ALPN protocol: none");
        line.trim_start_matches("ALPN protocol:").trim().to_owned()
    }
}

impl Drop for Nginx {
    /// SIGTERM, so that the master stops its workers too (SIGKILL would leave them serving).
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
