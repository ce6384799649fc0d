//! Staff accounts, signing in, and requests to the staff API (`/api/v1/admin…`) as a
//! signed-in member.

use actix_web::http::Method;
use actix_web::web::Bytes;
use serde_json::{json, Value};

use super::{ok, TestApp};

/// A signed-in staff member: the session cookie and the CSRF token.
#[derive(Debug, Clone)]
pub struct Staff {
    pub cookie: String,
    pub csrf: String,
}

/// Percent-encodes every byte but ASCII letters and digits, for a query string.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The faults a refused file (roster, unit list) is answered with: (row, column), in order.
pub fn faulty_rows(body: &Value) -> Vec<(u64, &str)> {
    (body["details"]["rows"].as_array().unwrap().iter())
        .map(|r| (r["row"].as_u64().unwrap(), r["column"].as_str().unwrap()))
        .collect()
}

impl TestApp {
    /// Adds a staff account with `minping user add`, the password given on standard input.
    pub fn add_staff(&self, name: &str, role: &str, password: &str) {
        ok(self.minping_with_input(&["user", "add", name, "--role", role, "--password-stdin"], password));
    }

    /// A staff account put straight into the store, password `{name}-secret-123`, signed in.
    pub async fn signed_in(&self, name: &str, role: &str) -> Staff {
        let password = format!("{name}-secret-123");
        let hash = minping::staff::password::hash(&password).unwrap();
        self.state.store.add_staff_user(name, role, &hash).await.unwrap();
        self.sign_in(name, &password).await.expect("the new account signs in")
    }

    /// A sign-in with a body of the test's own (a code, a captcha), from the address given in
    /// `X-Forwarded-For` when the test trusts loopback as a proxy: the status, the body, and
    /// the session when it succeeded.
    pub async fn sign_in_as(&self, body: Value, from: Option<&str>) -> (u16, Value, Option<Staff>) {
        let mut request = self.client.post(format!("{}/api/v1/admin/session", self.address));
        if let Some(address) = from {
            request = request.insert_header(("X-Forwarded-For", address.to_owned()));
        }
        let mut response = request.send_json(&body).await.unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_slice(&response.body().await.unwrap()).unwrap_or(Value::Null);
        let staff = (status == 200).then(|| {
            let set_cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap();
            let cookie = set_cookie.split(';').next().unwrap().to_owned();
            Staff { cookie, csrf: body["csrf"].as_str().unwrap().to_owned() }
        });
        (status, body, staff)
    }

    /// Signs in at `/api/v1/admin/session`; a refusal's status and body.
    pub async fn sign_in(&self, name: &str, password: &str) -> Result<Staff, (u16, Value)> {
        self.sign_in_at("/session", name, password).await
    }

    /// Signs in at `/api/v1/admin{path}` (the session route, or another name for it); checks
    /// that the session cookie is `HttpOnly` and `SameSite=Strict`. A refusal's status and body.
    pub async fn sign_in_at(&self, path: &str, name: &str, password: &str) -> Result<Staff, (u16, Value)> {
        let url = format!("{}/api/v1/admin{path}", self.address);
        let mut response =
            self.client.post(url).send_json(&json!({ "name": name, "password": password })).await.unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_slice(&response.body().await.unwrap()).unwrap_or(Value::Null);
        if status != 200 {
            return Err((status, body));
        }
        let set_cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        Ok(Staff { cookie, csrf: body["csrf"].as_str().unwrap().to_owned() })
    }

    /// A request to the staff API at `/api/v1/admin{path}`, ready to send: as `who` (anonymous
    /// when `None`), with its CSRF token when `csrf`. For what [`Self::admin_call`] and
    /// [`Self::admin_send`] do not cover (an event stream).
    pub fn admin_request(
        &self,
        who: Option<&Staff>,
        method: &str,
        path: &str,
        csrf: bool,
    ) -> awc::ClientRequest {
        let url = format!("{}/api/v1/admin{path}", self.address);
        let mut request = self.client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
        if let Some(who) = who {
            request = request.insert_header(("Cookie", who.cookie.clone()));
            if csrf {
                request = request.insert_header(("X-CSRF-Token", who.csrf.clone()));
            }
        }
        request
    }

    /// [`Self::admin_request`] sent without a body; the status and the body as sent.
    pub async fn admin_call(
        &self,
        who: Option<&Staff>,
        method: &str,
        path: &str,
        csrf: bool,
    ) -> (u16, Vec<u8>) {
        let mut response = self.admin_request(who, method, path, csrf).send().await.unwrap();
        (response.status().as_u16(), response.body().limit(1 << 24).await.unwrap().to_vec())
    }

    /// `method` with a body (a campaign file, a roster, JSON) on the staff API as `who`, with
    /// its CSRF token. The status and the body as JSON (`null` when there is none).
    pub async fn admin_send(
        &self,
        who: &Staff,
        method: &str,
        path: &str,
        body: impl Into<Bytes>,
    ) -> (u16, Value) {
        let body = body.into();
        let mut request = self.admin_request(Some(who), method, path, true);
        // JSON is declared as JSON, as the console does; files (CSV, XLSX, TOML) go as they are.
        if serde_json::from_slice::<Value>(&body).is_ok_and(|v| v.is_object()) {
            request = request.insert_header(("Content-Type", "application/json"));
        }
        let mut response = request.send_body(body).await.unwrap();
        let bytes = response.body().limit(1 << 24).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}
