use crate::both_backends;
use crate::harness::{spawn_app, spawn_app_with, Backend};

async fn health_readiness_and_metrics(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.metrics_bind = Some("127.0.0.1:0".into())).await else {
        return;
    };
    assert_eq!(app.get_json("/healthz").await.0, 200);
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, 200);
    let expected = match backend {
        Backend::Embedded => ("sqlite", "memory"),
        Backend::Scaled => ("postgres", "redis"),
    };
    assert_eq!(
        (body["database"]["backend"].as_str(), body["hot_state"]["backend"].as_str()),
        (Some(expected.0), Some(expected.1))
    );
    assert_eq!(app.submit(&app.full_ballot(&app.invites[0].token)).await.0, 201);
    // Metrics live on their own listener, and only there.
    let metrics = format!("http://{}", app.state.metrics_address.expect("a metrics listener"));
    assert_eq!(app.get_json("/metrics").await.0, 404, "not on the public port");
    let elsewhere = app.client.get(format!("{metrics}/api/v1/campaigns/demo")).send().await.unwrap();
    assert_eq!(elsewhere.status().as_u16(), 404, "nothing else on the metrics port");
    let mut response = app.client.get(format!("{metrics}/metrics")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = String::from_utf8(response.body().await.unwrap().to_vec()).unwrap();
    assert!(text.contains("minping_ballots_accepted_total"), "{text}");
    assert!(text.contains("minping_writer_batch_size"), "{text}");
    assert!(!text.contains(&app.invites[0].token));
    app.finish().await;
}

async fn the_survey_page_is_served_small_cached_and_locked_down(backend: Backend) {
    let Some(app) = spawn_app(backend).await else { return };
    let mut total = 0;
    for path in ["/s/demo", "/assets/survey.js", "/assets/survey.css"] {
        let mut response = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let etag = response.headers().get("etag").expect("an ETag").clone();
        total += response.body().limit(1 << 20).await.unwrap().len();
        let again = (app.client.get(format!("{}{path}", app.address)))
            .insert_header(("If-None-Match", etag))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{path} revalidates");
    }
    assert!(total < 60 * 1024, "the page weighs {total} bytes before compression");
    // Gzipped once and kept: the same bytes, smaller, with their own tag.
    let mut gzipped = 0;
    for path in ["/s/demo", "/assets/survey.js", "/assets/survey.css"] {
        let url = format!("{}{path}", app.address);
        let plain = app.client.get(&url).send().await.unwrap().body().limit(1 << 20).await.unwrap();
        let mut response =
            app.client.get(&url).insert_header(("Accept-Encoding", "gzip")).send().await.unwrap();
        assert_eq!(response.headers().get("content-encoding").unwrap(), "gzip", "{path}");
        assert!(response.headers().get("etag").unwrap().to_str().unwrap().ends_with("-gz\""));
        let body = response.body().limit(1 << 20).await.unwrap();
        gzipped += body.len();
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped, plain, "{path} decompresses to the file, once");
    }
    assert!(gzipped < 25 * 1024, "the page weighs {gzipped} bytes gzipped");
    let page = app.client.get(format!("{}/s/demo", app.address)).send().await.unwrap();
    let csp = page.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'self'"));
    app.finish().await;
}

both_backends!(health_readiness_and_metrics, the_survey_page_is_served_small_cached_and_locked_down);
