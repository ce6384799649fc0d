//! The public API as the survey page uses it: the campaign, captchas, SMS codes, ballots;
//! and the SMS outbox the demo's gateway writes to.

use serde_json::{json, Value};

use super::TestApp;

/// The unit codes of a campaign as the API describes it, category by category.
pub fn unit_codes_of(campaign: &Value) -> Vec<String> {
    (campaign["categories"].as_array().unwrap().iter())
        .flat_map(|c| c["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_owned()))
        .collect()
}

impl TestApp {
    pub fn unit_codes(&self) -> Vec<String> {
        unit_codes_of(&self.campaign)
    }

    /// A complete ballot: every unit `satisfied` except the first, `dissatisfied` with a reason.
    pub fn full_ballot(&self, invitation: &str) -> Value {
        let codes = self.unit_codes();
        let mut ratings = serde_json::Map::new();
        for code in &codes {
            ratings.insert(code.clone(), json!("satisfied"));
        }
        ratings.insert(codes[0].clone(), json!("dissatisfied"));
        json!({
            "invitation": invitation,
            "ratings": ratings,
            "reasons": { codes[0].clone(): "窗口排队时间太长" },
            "suggestion": "希望增加网上办理事项",
        })
    }

    /// [`Self::full_ballot`] without an invitation, for the public channel to complete.
    pub fn public_ballot(&self) -> Value {
        let mut ballot = self.full_ballot("");
        ballot.as_object_mut().unwrap().remove("invitation");
        ballot
    }

    /// A full ballot on the public channel, by phone number and code.
    pub fn phone_ballot(&self, phone: &str, otp: &str) -> Value {
        let mut ballot = self.public_ballot();
        let object = ballot.as_object_mut().unwrap();
        object.insert("phone".into(), json!(phone));
        object.insert("otp".into(), json!(otp));
        ballot
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let mut response = self.client.get(format!("{}{path}", self.address)).send().await.unwrap();
        let body = response.body().limit(1 << 20).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<actix_web::web::Bytes>,
    ) -> (u16, Value, Option<String>) {
        let mut response = (self.client.post(format!("{}{path}", self.address)))
            .insert_header(("Content-Type", "application/json"))
            .send_body(body.into())
            .await
            .unwrap();
        let retry_after = response.headers().get("Retry-After").map(|v| v.to_str().unwrap().to_owned());
        let body = response.body().limit(1 << 20).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null), retry_after)
    }

    /// A POST with extra headers; answers status, body, and the named response header.
    pub async fn post_with(
        &self,
        base: &str,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
        want_header: &str,
    ) -> (u16, Value, Option<String>) {
        let mut request =
            self.client.post(format!("{base}{path}")).insert_header(("Content-Type", "application/json"));
        for header in headers {
            request = request.insert_header(*header);
        }
        let mut response = request.send_body(body.to_string()).await.unwrap();
        let header = response.headers().get(want_header).map(|v| v.to_str().unwrap().to_owned());
        let body = response.body().limit(1 << 20).await.unwrap();
        (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null), header)
    }

    /// A captcha from `base`, and its answer as the test servers hand it out (as a person
    /// would read the picture; hot state keeps only a keyed hash of it).
    pub async fn captcha_at(&self, base: &str) -> (String, String) {
        let mut response = self.client.get(format!("{base}/api/v1/captcha")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let answer = response.headers().get("X-Minping-Captcha-Answer").expect("a test server").clone();
        let body: Value = serde_json::from_slice(&response.body().await.unwrap()).unwrap();
        let id = body["id"].as_str().unwrap().to_owned();
        assert!(body["image"].as_str().unwrap().starts_with("data:image/png;base64,"));
        (id, answer.to_str().unwrap().to_owned())
    }

    pub async fn captcha(&self) -> (String, String) {
        self.captcha_at(&self.address).await
    }

    /// Asks `base` for an SMS code for `phone`, solving a fresh captcha; status, body, Retry-After.
    pub async fn request_code_at(&self, base: &str, slug: &str, phone: &str) -> (u16, Value, Option<String>) {
        let (id, answer) = self.captcha_at(base).await;
        let body = json!({ "phone": phone, "captcha_id": id, "captcha_answer": answer });
        self.post_with(base, &format!("/api/v1/campaigns/{slug}/otp"), &body, &[], "Retry-After").await
    }

    pub async fn request_code(&self, phone: &str) -> (u16, Value, Option<String>) {
        self.request_code_at(&self.address, "demo", phone).await
    }

    /// Asks for a demo SMS code with a request body of the test's own (a captcha answered
    /// wrongly, spent, or not at all), and extra headers; status, body, Retry-After.
    pub async fn post_otp(&self, body: &Value, headers: &[(&str, &str)]) -> (u16, Value, Option<String>) {
        self.post_with(&self.address, "/api/v1/campaigns/demo/otp", body, headers, "Retry-After").await
    }

    /// What the outbox gateway sent: (masked number, text), in the order written.
    pub fn outbox(&self) -> Vec<(String, String)> {
        let path = self.settings.data_dir.join(minping::sms::OUTBOX_NAME);
        (std::fs::read_to_string(path).unwrap_or_default().lines())
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .map(|e| (e["to"].as_str().unwrap().to_owned(), e["text"].as_str().unwrap().to_owned()))
            .collect()
    }

    /// The SMS codes the outbox gateway sent to a masked number, oldest first.
    pub fn codes_sent_to(&self, masked: &str) -> Vec<String> {
        (self.outbox().into_iter())
            .filter(|(to, _)| to == masked)
            .map(|(_, text)| {
                let start = text.find(|c: char| c.is_ascii_digit()).unwrap();
                text[start..start + 6].to_owned()
            })
            .collect()
    }

    pub async fn verify_at(&self, base: &str, slug: &str, phone: &str, otp: &str) -> (u16, Value) {
        let body = json!({ "phone": phone, "otp": otp });
        let (status, body, _) = self
            .post_with(base, &format!("/api/v1/campaigns/{slug}/otp/verify"), &body, &[], "Retry-After")
            .await;
        (status, body)
    }

    pub async fn verify(&self, phone: &str, otp: &str) -> (u16, Value) {
        self.verify_at(&self.address, "demo", phone, otp).await
    }

    pub async fn submit(&self, ballot: &Value) -> (u16, Value) {
        let (status, body, _) = self.post_raw("/api/v1/campaigns/demo/ballots", ballot.to_string()).await;
        (status, body)
    }

    pub async fn invitation_status(&self, invitation: &str) -> (u16, Value) {
        let body = json!({ "invitation": invitation }).to_string();
        let (status, body, _) = self.post_raw("/api/v1/campaigns/demo/invitations/status", body).await;
        (status, body)
    }
}
