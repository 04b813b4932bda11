//! Best-practice warnings: a spec AWS would deploy that still falls short of the CIS AWS
//! Foundations Benchmark, Security Hub or plain prudence. Each code (`diag::Code`) carries the
//! control it relates to; a spec that chooses otherwise on purpose says so under `silence`.
//!
//! Owns when a practice applies and the JSON path it points at (the field to change, or where a
//! missing one would go). It runs only on a spec without errors: advice about a spec that cannot
//! be compiled is noise. It must not refuse anything (every finding is a warning).

use crate::diag::{Code, Diagnostic};
use crate::selectors::Recorded;
use crate::spec::{Management, Spec, Toggle};

/// Every best-practice warning for `spec`, in document order.
pub fn check(spec: &Spec, recorded: Recorded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let t = &spec.trail;
    if !t.multi_region {
        out.push(warn(
            Code::SingleRegionTrail,
            "/trail/multi_region",
            "the trail records one region only; activity in every other region goes unrecorded",
            "remove `multi_region: false`",
        ));
    }
    if !t.log_file_validation {
        out.push(warn(
            Code::NoLogFileValidation,
            "/trail/log_file_validation",
            "without log file validation, a changed or deleted log file cannot be detected",
            "remove `log_file_validation: false`",
        ));
    }
    if !t.logging {
        out.push(warn(
            Code::NotLogging,
            "/trail/logging",
            "the trail is created with logging stopped, so it records nothing until started",
            "remove `logging: false` once the trail should record",
        ));
    }
    if !spec.bucket.existing && spec.bucket.access_logging.is_none() {
        out.push(warn(
            Code::NoAccessLogging,
            "/bucket/access_logging",
            "the log bucket has no server access logging, so reads and deletions of the logs leave no record",
            "add `access_logging: { target_bucket: BUCKET }` under `bucket` (a separate bucket)",
        ));
    }
    management(&spec.events.management, recorded, &mut out);
    for (i, d) in spec.events.data.iter().enumerate() {
        if d.resource_type == "AWS::S3::Object" && d.all {
            out.push(warn(
                Code::AllS3DataEvents,
                &format!("/events/data/{i}/all"),
                "object events of every S3 bucket in the account are recorded, however little they matter",
                "list the buckets or `bucket/prefix` paths that hold what you must audit under `buckets:`",
            ));
        }
    }
    match (&spec.cloudwatch_logs, &spec.alarms) {
        (Toggle::Switch(false), _) => out.push(warn(
            Code::NoCloudwatchLogs,
            "/cloudwatch_logs",
            "events are not delivered to CloudWatch Logs, so no metric filter or alarm can watch them",
            "remove `cloudwatch_logs: false`",
        )),
        (_, None) => out.push(warn(
            Code::NoAlarms,
            "/alarms",
            "no CIS monitoring alarms watch the trail's events (root use, policy changes, console sign-in failures...)",
            "add `alarms: { cis: all }`",
        )),
        _ => {}
    }
    if spec.tags.is_empty() {
        out.push(warn(
            Code::NoTags,
            "/tags",
            "the trail and its resources carry no tags, so ownership and cost cannot be traced",
            "add `tags:` with, for example, `team` and `cost-center`",
        ));
    }
    out
}

/// Security Hub CloudTrail.1 asks for read and write management events; leaving sources out of
/// them is a documented option, so only the read/write choice is judged.
/// Judged on what the planned selectors record, so raw advanced selectors that add the missing
/// half count; the finding points at the `management` choice a user would change.
fn management(m: &Management, r: Recorded, out: &mut Vec<Diagnostic>) {
    let recorded = match (r.management_reads, r.management_writes) {
        (true, true) => return,
        (true, false) => "read-only",
        (false, true) => "write-only",
        (false, false) => "no",
    };
    let path = match m {
        Management::Detailed(_) => "/events/management/read_write",
        Management::Preset(_) => "/events/management",
    };
    out.push(warn(
        Code::PartialManagementEvents,
        path,
        &format!("the trail records {recorded} management events; CIS and Security Hub ask for both reads and writes"),
        "record `all` management events, here or in another multi-region trail",
    ));
}

/// A warning whose hint also says how to accept it on purpose.
fn warn(code: Code, path: &str, message: &str, fix: &str) -> Diagnostic {
    Diagnostic::warning(code, path, message).hint(format!(
        "{fix}; or accept it with `silence: {{ {code}: REASON }}`"
    ))
}
