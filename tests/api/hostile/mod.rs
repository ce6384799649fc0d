//! Hostile input, each finding of the review as an attack and the refusal that now meets it,
//! on both profiles: uploads, tables written, JSON, text, slow bodies, exposure, short codes,
//! device mode. Each ends by checking that the server still answers and nothing changed.

mod device;
mod exposure;
mod held;
mod json;
mod short_codes;
mod text;
mod uploads;
mod written;

use crate::harness::TestApp;

/// The server is still up and serving its survey.
async fn still_serving(app: &TestApp) {
    let (status, _) = app.get_json("/api/v1/campaigns/demo").await;
    assert_eq!(status, 200, "the server still answers");
}
