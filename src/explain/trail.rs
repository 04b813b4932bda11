//! The "Trail" section: scope, global events, validation, organization, logging.
//!
//! Reads the model's trail settings (and the organization id only the spec holds), and says where
//! log files land for "Created" and "Referenced" too; it must not restate defaults the model has
//! not applied.

use super::words::Words;
use crate::expr::{Attr, Expr, Res};
use crate::model::Model;
use crate::policy;
use crate::spec::Spec;

/// The "Trail" section.
pub fn section(spec: &Spec, model: &Model, w: &Words) -> Vec<String> {
    let Some(t) = &model.trail else {
        return Vec::new();
    };
    let on = |b: bool| if b { "on" } else { "off" };
    let scope = match (&t.multi_region, &model.home_region) {
        (true, Some(home)) => format!(
            "every region (multi-region trail), created in {}",
            home.verbatim()
        ),
        (true, None) => "every region (multi-region trail)".to_string(),
        (false, Some(home)) => format!("{} only (single-region trail)", home.verbatim()),
        (false, None) => "the region it is deployed in only (single-region trail)".to_string(),
    };
    let organization = match &spec.trail.organization {
        Some(o) => format!(
            "yes, organization {}: every member account, log files under {}",
            o.id,
            log_path(spec, model, w, &o.id)
        ),
        None => "no, this account only".to_string(),
    };
    vec![
        format!("Trail {}", t.name.verbatim()),
        format!("  records: {scope}"),
        format!(
            "  global service events (such as IAM): {}",
            if t.global_service_events {
                "included"
            } else {
                "left out"
            }
        ),
        format!(
            "  log file validation: {}{}",
            on(t.log_file_validation),
            if t.log_file_validation {
                " (digest files prove whether log files changed)"
            } else {
                ""
            }
        ),
        format!("  organization trail: {organization}"),
        format!(
            "  logging: {}",
            if t.logging {
                "starts when the trail is created"
            } else {
                "off until someone starts it (trail.logging: false)"
            }
        ),
    ]
}

/// Where CloudTrail writes the log files of `owner` (an account or organization id), the path the
/// bucket policy grants. A layout's log archive part holds the bucket but not the trail, so the
/// prefix is then the spec's.
pub(super) fn log_path(spec: &Spec, model: &Model, w: &Words, owner: &str) -> String {
    let prefix = match &model.trail {
        Some(t) => t.prefix.as_ref().map(|p| p.verbatim().to_string()),
        None => spec.bucket.prefix.clone(),
    };
    let bucket = model
        .trail
        .as_ref()
        .map_or(Expr::Attr(Res::Bucket, Attr::Name), |t| {
            t.bucket_name.clone()
        });
    let path = policy::log_files_prefix(prefix.as_deref(), Expr::lit(owner));
    format!("s3://{}/{}", w.expr(&bucket), w.expr(&path))
}
