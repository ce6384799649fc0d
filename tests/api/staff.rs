//! The staff API: sign-in, roles enforced on the server, CSRF, the audit trail.

use serde_json::{json, Value};

use crate::both_backends;
use crate::harness::{ok, spawn_app, urlencode, Backend};

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

async fn staff_roles_are_enforced_and_audited(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    app.add_staff("zhang", "admin", "zhang-secret-1");
    app.add_staff("li", "monitor", "li-secret-123");
    app.add_staff("wang", "auditor", "wang-secret-12");
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);

    assert_eq!(app.admin_call(None, "GET", "/campaigns", false).await.0, 401);
    let (status, body) = app.sign_in("zhang", "wrong-password").await.err().unwrap();
    assert_eq!((status, body["error"].as_str()), (401, Some("bad_credentials")));
    let (status, _) = app.sign_in("nobody", "wrong-password").await.err().unwrap();
    assert_eq!(status, 401, "an unknown name is refused like a wrong password");

    let admin = app.sign_in("zhang", "zhang-secret-1").await.unwrap();
    let monitor = app.sign_in("li", "li-secret-123").await.unwrap();
    let auditor = app.sign_in("wang", "wang-secret-12").await.unwrap();

    let (status, body) = app.admin_call(Some(&monitor), "GET", "/campaigns", false).await;
    assert_eq!(status, 200);
    assert_eq!(json_of(&body)[0]["slug"], "demo");
    assert_eq!(json_of(&body)[0]["ballots"], 1);
    let (status, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/results", false).await;
    assert_eq!((status, json_of(&body)["status"].as_str()), (200, Some("provisional")));
    let (status, body) =
        app.admin_call(Some(&monitor), "GET", "/campaigns/demo/export/results.xlsx", false).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(b"PK"), "an XLSX (zip) file");

    // The live view: counters, and the same figures as a stream of events.
    let (status, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/progress", false).await;
    assert_eq!(status, 200);
    let progress = json_of(&body);
    assert_eq!((progress["ballots"].as_i64(), progress["panel"]["invited"].as_i64()), (Some(1), Some(60)));
    assert_eq!(progress["panel"]["responded"], 1);
    let segments: i64 = progress["panel"]["by_segment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["responded"].as_i64().unwrap())
        .sum();
    assert_eq!(segments, 1);
    assert_eq!(progress["units"].as_array().unwrap().len(), 60);
    assert_eq!(progress["by_hour"][0]["ballots"], 1);
    let stream_path = "/campaigns/demo/progress/stream";
    let mut stream = app.admin_request(Some(&monitor), "GET", stream_path, false).send().await.unwrap();
    assert_eq!(stream.headers().get("content-type").unwrap(), "text/event-stream");
    let first = futures_util::StreamExt::next(&mut stream).await.unwrap().unwrap();
    let first = String::from_utf8(first.to_vec()).unwrap();
    assert!(first.starts_with("event: progress\ndata: {"), "{first}");
    drop(stream);
    // Signing out ends a stream that is open.
    let second = app.sign_in("li", "li-secret-123").await.unwrap();
    let mut stream = app.admin_request(Some(&second), "GET", stream_path, false).send().await.unwrap();
    assert!(futures_util::StreamExt::next(&mut stream).await.is_some());
    assert_eq!(app.admin_call(Some(&second), "DELETE", "/session", true).await.0, 204);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while futures_util::StreamExt::next(&mut stream).await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ends once its session has");

    // Only an admin closes, and only with the CSRF token.
    assert_eq!(app.admin_call(Some(&monitor), "POST", "/campaigns/demo/close", true).await.0, 403);
    assert_eq!(app.admin_call(Some(&auditor), "POST", "/campaigns/demo/close", true).await.0, 403);
    let (status, body) = app.admin_call(Some(&admin), "POST", "/campaigns/demo/close", false).await;
    assert_eq!((status, json_of(&body)["error"].as_str()), (403, Some("csrf_token")));
    let (status, body) = app.admin_call(Some(&admin), "POST", "/campaigns/demo/close", true).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(json_of(&body)["status"], "final");
    let (status, body) =
        app.admin_call(Some(&monitor), "GET", "/campaigns/demo/export/ballots.jsonl", false).await;
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8(body).unwrap().lines().count(), 2);

    // The audit log: for admins and auditors, not monitors.
    assert_eq!(app.admin_call(Some(&monitor), "GET", "/audit", false).await.0, 403);
    let (status, body) = app.admin_call(Some(&auditor), "GET", "/audit", false).await;
    assert_eq!(status, 200);
    let log = json_of(&body);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in [
        "user.add",
        "staff.sign_in",
        "export.results.xlsx",
        "campaign.close",
        "results.freeze",
        "export.ballots.jsonl",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "campaign.close" && e["actor"] == "staff:zhang"));

    // Signing out ends the session everywhere.
    assert_eq!(app.admin_call(Some(&admin), "DELETE", "/session", true).await.0, 204);
    assert_eq!(app.admin_call(Some(&admin), "GET", "/campaigns", false).await.0, 401);
    app.finish().await;
}

async fn repeated_failed_sign_ins_are_slowed_down(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    app.add_staff("zhao", "monitor", "zhao-secret-12");
    for _ in 0..10 {
        assert_eq!(app.sign_in("zhao", "not-the-password").await.err().unwrap().0, 401);
    }
    let (status, body) = app.sign_in("zhao", "zhao-secret-12").await.err().unwrap();
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")));
    app.finish().await;
}

async fn staff_set_up_campaigns_and_follow_up_the_panel(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    app.add_staff("qian", "admin", "qian-secret-12");
    app.add_staff("sun", "monitor", "sun-secret-123");
    let admin = app.sign_in("qian", "qian-secret-12").await.unwrap();
    let monitor = app.sign_in("sun", "sun-secret-123").await.unwrap();

    // A campaign from a campaign file, then opened; a bad file is refused with its reason.
    let file =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/campaign.toml")).unwrap();
    assert_eq!(app.admin_send(&monitor, "POST", "/campaigns", file.clone()).await.0, 403);
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns", file.clone()).await;
    assert_eq!((status, body["status"].as_str()), (201, Some("draft")), "{body}");
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns", file.clone()).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("campaign_exists")));
    let broken = file.replace(
        "class_weights = { panel = \"0.6\", public = \"0.4\" }",
        "class_weights = { panel = \"0.6\" }",
    );
    let (status, body) =
        app.admin_send(&admin, "POST", "/campaigns", broken.replace("2026-city", "other")).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_campaign")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("class_weights"), "{body}");
    let twice = file.replace("\"东湖区\"", "\"城关区\"").replace("2026-city", "other");
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns", twice).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_campaign")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("`城关区` is listed twice"), "{body}");
    // A draft is edited whole: a new title; the slug must match.
    let retitled =
        file.replace("title = \"2026 年度市级机关社会评议\"", "title = \"2026 年度社会评议（修订）\"");
    assert_eq!(app.admin_send(&admin, "PUT", "/campaigns/2026-city", retitled.clone()).await.0, 204);
    assert_eq!(app.get_json("/api/v1/campaigns/2026-city").await.1["title"], "2026 年度社会评议（修订）");
    let (status, body) = app.admin_send(&admin, "PUT", "/campaigns/other", retitled.clone()).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("slug_mismatch")));
    assert_eq!(app.admin_send(&admin, "POST", "/campaigns/2026-city/open", String::new()).await.0, 204);
    let (status, body) = app.admin_send(&admin, "PUT", "/campaigns/2026-city", retitled).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("not_draft")),
        "an open campaign's units are fixed"
    );
    let (status, body) = app.admin_send(&admin, "POST", "/campaigns/2026-city/open", String::new()).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("not_draft")));
    // The formula of an open campaign changes only with a reason.
    let formula = json!({ "formula": { "class_weights": { "panel": "0.5", "public": "0.5" } } });
    let (status, body) =
        app.admin_send(&admin, "PUT", "/campaigns/2026-city/formula", formula.to_string()).await;
    assert_eq!((status, body["error"].as_str()), (409, Some("needs_override")));
    // With a reason, it waits for a second person (tests/api/approvals.rs).
    let formula = json!({ "formula": { "class_weights": { "panel": "0.5", "public": "0.5" } }, "override_reason": "考评委决定" });
    let (status, body) =
        app.admin_send(&admin, "PUT", "/campaigns/2026-city/formula", formula.to_string()).await;
    assert_eq!((status, body["approval"]["kind"].as_str()), (202, Some("formula")), "{body}");

    // A campaign from a unit list: every bad row reported, then a good one.
    let units =
        "类别代码,类别名称,单位代码,单位名称\nA,党政综合服务,A01,市委办公室\nA,党政,A02,市政府办公室\n";
    let (status, body) =
        app.admin_send(&admin, "POST", "/campaigns/from-units?slug=units&title=T", units).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid_rows")), "{body}");
    assert_eq!(
        (body["details"]["rows"][0]["row"].as_u64(), body["details"]["rows"][0]["column"].as_str()),
        (Some(3), Some("类别名称"))
    );
    let (status, template) = app.admin_call(Some(&admin), "GET", "/units-template.csv", false).await;
    assert_eq!(status, 200);
    let (status, body) = app
        .admin_send(
            &admin,
            "POST",
            "/campaigns/from-units?slug=units&title=T",
            String::from_utf8(template).unwrap(),
        )
        .await;
    assert_eq!((status, body["slug"].as_str()), (201, Some("units")), "{body}");
    assert_eq!(app.get_json("/api/v1/campaigns/units").await.1["categories"][1]["units"][0]["code"], "B01");

    // Non-responders and feedback of the demo.
    for i in 0..3 {
        assert_eq!(app.submit(&app.full_ballot(&app.invites[i].token)).await.0, 201);
    }
    let (status, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/non-responders", false).await;
    assert_eq!(status, 200);
    let list = json_of(&body);
    assert_eq!(list["count"], 57);
    let codes: Vec<&str> =
        list["members"].as_array().unwrap().iter().map(|m| m["member_code"].as_str().unwrap()).collect();
    assert!(!codes.contains(&"P0001") && codes.contains(&"P0004"), "{codes:?}");
    let segment = list["members"][0]["segment"].as_str().unwrap().to_owned();
    let path = format!("/campaigns/demo/non-responders?format=csv&segment={}", urlencode(&segment));
    let (status, body) = app.admin_call(Some(&monitor), "GET", &path, false).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("\u{feff}成员编号".as_bytes()));
    let rows = String::from_utf8(body).unwrap();
    assert!(rows.lines().skip(1).all(|l| l.contains(&segment)), "{rows}");

    // Feedback is content: it shows once mixed (in steps of k; the k rule is tested apart).
    app.mix_all().await;
    let (status, body) =
        app.admin_call(Some(&monitor), "GET", "/campaigns/demo/feedback?q=%E6%8E%92%E9%98%9F", false).await;
    assert_eq!(status, 200);
    let feedback = json_of(&body);
    assert_eq!(feedback["count"], 3, "{feedback}");
    assert_eq!(feedback["items"][0]["text"], "窗口排队时间太长");
    let (_, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/feedback", false).await;
    assert_eq!(json_of(&body)["count"], 6, "three reasons and three suggestions");
    app.finish().await;
}

both_backends!(
    staff_roles_are_enforced_and_audited,
    repeated_failed_sign_ins_are_slowed_down,
    staff_set_up_campaigns_and_follow_up_the_panel,
    staff_watch_the_public_channel_and_weigh_flagged_ballots,
    admins_change_a_running_campaigns_settings,
    settings_change_from_the_command_line,
);

async fn staff_watch_the_public_channel_and_weigh_flagged_ballots(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    app.add_staff("li", "monitor", "li-secret-123");
    // A panel ballot, and a public one sent too fast to have been read: flagged.
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    assert_eq!(app.request_code("13800138000").await.0, 202);
    let code = app.codes_sent_to("138****8000").pop().unwrap();
    assert_eq!(app.submit(&app.phone_ballot("13800138000", &code)).await.0, 201);
    app.signals().await;

    // Districts and results are content: mixed first (the k rule is tested apart).
    app.mix_all().await;
    // The names the issue gives: /login and /monitor.
    let monitor = app.sign_in_at("/login", "li", "li-secret-123").await.unwrap();
    let (status, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/monitor", false).await;
    assert_eq!(status, 200);
    let live = json_of(&body);
    assert_eq!(live["by_class"], json!({ "panel": 1, "public": 1 }));
    assert_eq!(live["public"]["mode"], "phone");
    assert_eq!(live["public"]["signals"]["fast_ballot"], 1);
    assert_eq!(live["public"]["signals"]["flagged_ballot"], 1);
    assert_eq!(live["public"]["signals"]["captcha_failed"], 0);
    assert_eq!(live["public"]["sms"]["sent_this_hour"], 1);
    assert_eq!(live["public"]["sms"]["per_hour"], 20_000);
    // The public ballot named no district: the demo's districts at 0, then 未填写.
    let by_district = live["public"]["by_district"].as_array().unwrap();
    assert_eq!(by_district.len(), minping::cli::demo::data::DISTRICTS.len() + 1, "{by_district:?}");
    assert_eq!((&by_district[0]["name"], &by_district[0]["ballots"]), (&json!("城关区"), &json!(0)));
    // One ballot is fewer than k: the district is listed without a figure.
    assert_eq!(by_district.last().unwrap(), &json!({ "name": "未填写", "ballots": null }));

    // Flagged ballots count by default; staff can see the results without them — here, two
    // ballots, as hidden figures either way (what flagged ballots change is tested in
    // `scoring`, the k rule in `anonymity`).
    let unit = app.unit_codes()[1].clone();
    let hidden = |report: &Value| {
        let units = report["results"]["units"].as_array().unwrap();
        units.iter().find(|u| u["code"] == unit.as_str()).unwrap()["hidden"].clone()
    };
    let (_, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/results", false).await;
    assert_eq!(hidden(&json_of(&body)), json!(["class:panel", "class:public", "totals", "flagged:public"]));
    let (_, body) =
        app.admin_call(Some(&monitor), "GET", "/campaigns/demo/results?flagged=exclude", false).await;
    let without = json_of(&body);
    assert_eq!(without["status"].as_str(), Some("what_if"));
    // One flagged ballot: leaving it out would show it by difference, so it stays counted.
    assert_eq!(hidden(&without), json!(["what_if", "class:panel", "class:public", "totals"]));
    let (status, body) =
        app.admin_call(Some(&monitor), "GET", "/campaigns/demo/results?flagged=maybe", false).await;
    assert_eq!((status, json_of(&body)["field"].as_str()), (422, Some("flagged")));
    let (status, _) = app.admin_call(Some(&monitor), "POST", "/logout", true).await;
    assert_eq!(status, 204);
    app.finish().await;
}

async fn admins_change_a_running_campaigns_settings(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    app.add_staff("zhang", "admin", "zhang-secret-1");
    app.add_staff("li", "monitor", "li-secret-123");
    let admin = app.sign_in("zhang", "zhang-secret-1").await.unwrap();
    let monitor = app.sign_in("li", "li-secret-123").await.unwrap();
    let path = "/campaigns/demo/settings";
    let settings = json!({
        "opens_on": "2026-12-01", "closes_on": "2026-12-20", "response_target": 85,
        "public": { "mode": "off" },
    });
    assert_eq!(app.admin_send(&monitor, "PUT", path, settings.to_string()).await.0, 403);
    for (bad, field) in [
        (json!({ "opens_on": "2026-02-30" }), "opens_on"),
        (json!({ "opens_on": "2026-12-20", "closes_on": "2026-12-01" }), "closes_on"),
        (json!({ "response_target": 120 }), "response_target"),
        (json!({ "public": { "mode": "phone", "sms_per_hour": 0 } }), "public.sms_per_hour"),
        // k: never under 5, and once open never lowered (from the demo's 10).
        (json!({ "public": { "mode": "phone" }, "anonymity_threshold": 4 }), "anonymity_threshold"),
        (json!({ "public": { "mode": "phone" }, "anonymity_threshold": 8 }), "anonymity_threshold"),
    ] {
        let (status, body) = app.admin_send(&admin, "PUT", path, bad.to_string()).await;
        assert_eq!((status, body["field"].as_str()), (422, Some(field)), "{bad}: {body}");
    }
    let (status, body) =
        app.admin_send(&admin, "PUT", path, json!({ "public": { "mode": "sms" } }).to_string()).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("public.mode")), "{body}");
    // Nothing changed so far; now the whole set.
    assert_eq!(app.get_json("/api/v1/campaigns/demo").await.1["public"]["mode"], "phone");
    assert_eq!(app.admin_send(&admin, "PUT", path, settings.to_string()).await.0, 204);
    let (_, campaign) = app.get_json("/api/v1/campaigns/demo").await;
    assert_eq!(
        (campaign["public"]["mode"].as_str(), campaign["opens_on"].as_str()),
        (Some("off"), Some("2026-12-01"))
    );
    let (status, body, _) = app.request_code("13800138000").await;
    assert_eq!((status, body["error"].as_str()), (403, Some("public_closed")));
    let (_, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/monitor", false).await;
    assert_eq!(json_of(&body)["response_target"], 85);
    assert_eq!(json_of(&body)["anonymity_threshold"], 10, "left as it was when not given");
    // Raising k while open waits for a second person; the live view then says which k cuts
    // its figures.
    let raised = json!({ "public": { "mode": "off" }, "anonymity_threshold": 15 });
    let (status, body) = app.admin_send(&admin, "PUT", path, raised.to_string()).await;
    assert_eq!((status, body["approval"]["kind"].as_str()), (202, Some("settings")), "{body}");
    app.add_staff("qian", "auditor", "qian-secret-123");
    let auditor = app.sign_in("qian", "qian-secret-123").await.unwrap();
    let approve = format!("/campaigns/demo/approvals/{}/approve", body["approval"]["id"]);
    let (status, body) = app.admin_send(&auditor, "POST", &approve, Vec::new()).await;
    assert_eq!((status, body["approval"]["status"].as_str()), (200, Some("approved")), "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (_, body) = app.admin_call(Some(&monitor), "GET", "/campaigns/demo/monitor", false).await;
    assert_eq!(json_of(&body)["anonymity_threshold"], 15);
    let (_, body) = app.admin_call(Some(&admin), "GET", "/audit?campaign=demo", false).await;
    assert!(json_of(&body).as_array().unwrap().iter().any(|e| e["action"] == "campaign.settings"), "audited");

    // The demo's outbox is shown to admins only, masked.
    assert_eq!(app.admin_call(Some(&monitor), "GET", "/sms-outbox", false).await.0, 403);
    let (status, body) = app.admin_call(Some(&admin), "GET", "/sms-outbox", false).await;
    assert_eq!((status, json_of(&body)["gateway"].as_str()), (200, Some("outbox")));
    app.finish().await;
}

/// `minping campaign settings`: the same change from the command line, next to a server.
async fn settings_change_from_the_command_line(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let run = |args: &[&str]| app.minping(&[&["campaign", "settings", "demo"][..], args].concat());
    let shown = ok(run(&["--public", "device", "--response-target", "90"]));
    assert!(shown.contains("\"device\"") && shown.contains("90"), "{shown}");
    // Moving k while open is a request for a second person; lowering it is refused outright.
    let asked = ok(run(&["--anonymity-threshold", "12"]));
    assert!(asked.contains("复核"), "{asked}");
    let lowered = run(&["--anonymity-threshold", "8"]);
    assert!(!lowered.status.success(), "an open campaign's k may not fall");
    let bad = run(&["--opens-on", "2026-02-30"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2026-02-30"), "the error names the bad date");
    // The running server sees the change within a second (its campaign cache).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.get_json("/api/v1/campaigns/demo").await.1["public"]["mode"], "device");
    app.finish().await;
}
