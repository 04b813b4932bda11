//! CloudTrail Lake asked for: a `lake:` section, or a raw advanced selector on an event category
//! only a Lake event data store collects. "CloudTrail Lake availability change" (CloudTrail User
//! Guide, document history of March 31, 2026): Lake is no longer open to new customers from May
//! 31, 2026; existing customers keep using it. trailsmith builds no event data store, and says
//! where to query events instead: Athena over the trail bucket.
//!
//! Owns the finding and its words; the schema check and the selector rules call it where a user
//! could ask for Lake. It must not decide anything else.

use crate::diag::{Code, Diagnostic};

/// Top-level keys a user might write for an event data store.
const LAKE_KEYS: [&str; 4] = [
    "lake",
    "cloudtrail_lake",
    "event_data_store",
    "event_data_stores",
];

/// Event categories of Lake event data stores that trails never record (events from
/// integrations; AWS Config configuration items).
pub const LAKE_CATEGORIES: [&str; 2] = ["ActivityAuditLog", "ConfigurationItem"];

const WHY: &str = "CloudTrail Lake is no longer open to new customers (since May 31, 2026, \"CloudTrail Lake availability change\"), so trailsmith builds no event data store";
const HINT: &str = "query the trail's log files with SQL through Athena over the trail bucket (the `athena:` section); existing Lake customers keep their event data stores outside this spec";

/// The finding for an unknown top-level key that names Lake, in place of `unknown-field`.
pub fn key(path: &str, name: &str) -> Option<Diagnostic> {
    (path.is_empty() && LAKE_KEYS.contains(&name)).then(|| {
        Diagnostic::error(
            Code::CloudtrailLake,
            format!("/{name}"),
            format!("`{name}` asks for a CloudTrail Lake event data store: {WHY}"),
        )
        .at_key()
        .hint(HINT)
    })
}

/// The finding for a raw advanced selector on a category only Lake collects.
pub fn category(path: String, value: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CloudtrailLake,
        path,
        format!("`{value}` is an event category of CloudTrail Lake event data stores, which trails do not record: {WHY}"),
    )
    .hint(HINT)
}
