//! The repository's specs as tests read them: the spec files of a folder, and each shipped
//! blueprint rendered with test values for its required parameters.
//!
//! Include it with `#[path = "support/corpus.rs"] mod corpus;`.

// Each integration test crate that includes this file may use only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use trailsmith::blueprint::Blueprint;

/// The spec files (`.yaml`, `.yml`, `.json`) directly in `dir`, sorted; a folder that cannot be
/// read fails the test, so a moved corpus is not silently skipped.
pub fn spec_files(dir: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    found.sort();
    found
}

/// A valid value for each required parameter of the shipped blueprints.
pub fn test_value(name: &str) -> &'static str {
    match name {
        "trail_name" => "team-audit",
        "org_id" => "o-a1b2c3d4e5",
        "access_log_bucket" => "acme-s3-access-logs",
        "alarm_email" => "secops@example.com",
        "s3_buckets" => "acme-payroll/reports/, acme-invoices",
        "log_archive_account" => "111111111111",
        "management_account" => "222222222222",
        "bucket_name" => "acme-org-audit-logs-111111111111-us-east-1",
        other => panic!("no test value for required parameter `{other}`: add one"),
    }
}

/// `test_value` for each required parameter of the blueprint.
pub fn test_values(blueprint: &Blueprint) -> BTreeMap<String, String> {
    blueprint
        .params
        .iter()
        .filter(|p| p.default.is_none())
        .map(|p| (p.name.clone(), test_value(&p.name).to_string()))
        .collect()
}

/// The blueprint rendered with `test_value` for each required parameter (defaults for the rest).
pub fn render_with_test_values(blueprint: &Blueprint) -> String {
    blueprint
        .render(&test_values(blueprint))
        .unwrap_or_else(|e| panic!("blueprint {}: {e:?}", blueprint.name))
}
