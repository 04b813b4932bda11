//! The trail bucket feedback loop in every form: an entry that records S3 data events of the
//! trail's own bucket records each log file delivery, which is delivered and recorded again
//! ("aws-cloudtrail-facts" §3: exclude the trail bucket unless the user asks for it).
//!
//! Owns which entries can match the bucket's deliveries (`buckets`, `arns`, `arn_prefixes`, raw
//! advanced selectors) and the warning at the entry. `all: true` is already handled by the
//! planner, which leaves the bucket out. It must not change what is recorded: a user may mean it
//! (`include_trail_bucket: true`, or `silence` for a raw selector).

use crate::diag::Diagnostic;
use crate::spec::{AdvancedSelector, DataEvents, Operator, ReadWrite, Spec};

pub const CODE: &str = "records-trail-bucket";

/// The partitions a hand-written S3 ARN can name.
const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// Where log files land: `arn:P:s3:::BUCKET/[PREFIX/]AWSLogs/` for each partition, or only
/// `arn:P:s3:::` when the target generates the bucket's name (any bucket may then be it).
struct Deliveries {
    heads: Vec<String>,
    named: bool,
}

impl Deliveries {
    fn of(spec: &Spec) -> Deliveries {
        let b = &spec.bucket;
        let path = b.name.as_ref().map(|name| {
            let prefix = b
                .prefix
                .as_ref()
                .map(|p| format!("{p}/"))
                .unwrap_or_default();
            format!("{name}/{prefix}AWSLogs/")
        });
        let heads = PARTITIONS
            .iter()
            .map(|p| format!("arn:{p}:s3:::{}", path.as_deref().unwrap_or("")))
            .collect();
        Deliveries {
            heads,
            named: path.is_some(),
        }
    }

    /// Objects whose ARN starts with `value` can be delivered log files.
    fn under_prefix(&self, value: &str) -> bool {
        self.heads
            .iter()
            .any(|h| h.starts_with(value) || (self.named && value.starts_with(h.as_str())))
    }

    /// The object `value` names can be a delivered log file.
    fn is_delivery(&self, value: &str) -> bool {
        self.named && self.heads.iter().any(|h| value.starts_with(h.as_str()))
    }

    /// A `NotStartsWith` value that leaves every delivery out.
    fn excluded_by(&self, value: &str) -> bool {
        self.named && self.heads.iter().any(|h| h.starts_with(value))
    }
}

fn warning(path: String, detail: &str, hint: &str) -> Diagnostic {
    Diagnostic::warning(
        CODE,
        path,
        format!("{detail} the trail's own bucket: each log file delivery would be recorded and delivered again"),
    )
    .hint(hint)
}

/// A data entry that names the bucket, or an ARN prefix that covers it; `include_trail_bucket`
/// says it is meant, and is refused where it means nothing.
fn data_entry(d: &DataEvents, at: &str, deliveries: &Deliveries, out: &mut Vec<Diagnostic>) {
    if d.resource_type != "AWS::S3::Object" || d.all {
        return;
    }
    let mut found = Vec::new();
    for (j, b) in d.buckets.iter().enumerate() {
        let value = format!("arn:aws:s3:::{b}{}", if b.contains('/') { "" } else { "/" });
        if deliveries.under_prefix(&value) {
            found.push((format!("{at}/buckets/{j}"), "this bucket is"));
        }
    }
    for (j, arn) in d.arn_prefixes.iter().enumerate() {
        if deliveries.under_prefix(arn) {
            found.push((format!("{at}/arn_prefixes/{j}"), "this prefix covers"));
        }
    }
    for (j, arn) in d.arns.iter().enumerate() {
        if deliveries.is_delivery(arn) {
            found.push((format!("{at}/arns/{j}"), "this object is in"));
        }
    }
    if d.include_trail_bucket {
        if found.is_empty() {
            out.push(
                Diagnostic::error(
                    "include-trail-bucket",
                    format!("{at}/include_trail_bucket"),
                    "`include_trail_bucket` only matters where the entry can record the trail's own bucket: `all: true`, or buckets and ARNs that name it",
                )
                .hint("remove it"),
            );
        }
        return;
    }
    // Deliveries are writes: an entry that records reads only sees who reads the logs.
    if d.read_write == ReadWrite::ReadOnly {
        return;
    }
    for (path, detail) in found {
        out.push(warning(
            path,
            detail,
            "leave the trail bucket out of this entry, or add `include_trail_bucket: true` if it is meant",
        ));
    }
}

/// A raw selector for S3 object data events whose `resources.ARN` conditions let the bucket's
/// deliveries through (no ARN condition at all lets every bucket through).
fn raw_selector(a: &AdvancedSelector, at: &str, deliveries: &Deliveries) -> Option<Diagnostic> {
    let equals = |field: &str, value: &str| {
        a.field_selectors
            .iter()
            .any(|f| f.field == field && f.equals.iter().any(|v| v == value))
    };
    let reads_only = a
        .field_selectors
        .iter()
        .any(|f| f.field == "readOnly" && f.equals == ["true"]);
    if !equals("eventCategory", "Data")
        || !equals("resources.type", "AWS::S3::Object")
        || reads_only
    {
        return None;
    }
    let arn_tests: Vec<_> = a
        .field_selectors
        .iter()
        .filter(|f| f.field == "resources.ARN")
        .flat_map(|f| f.operators())
        .filter(|(_, values)| !values.is_empty())
        .collect();
    if arn_tests.iter().any(|(op, values)| {
        *op == Operator::NotStartsWith && values.iter().any(|v| deliveries.excluded_by(v))
    }) {
        return None;
    }
    let positive: Vec<_> = arn_tests
        .iter()
        .filter(|(op, _)| {
            matches!(
                op,
                Operator::Equals | Operator::StartsWith | Operator::EndsWith
            )
        })
        .collect();
    let reaches = positive.is_empty()
        || positive.iter().any(|(op, values)| match op {
            Operator::StartsWith => values.iter().any(|v| deliveries.under_prefix(v)),
            Operator::Equals => values.iter().any(|v| deliveries.is_delivery(v)),
            _ => false,
        });
    reaches.then(|| {
        warning(
            format!("{at}/field_selectors"),
            "this selector records S3 object events of",
            "add a `resources.ARN` field with `not_starts_with: [arn:aws:s3:::BUCKET/]` for the trail bucket, or silence `records-trail-bucket` with the reason",
        )
    })
}

pub fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let deliveries = Deliveries::of(spec);
    for (i, d) in spec.events.data.iter().enumerate() {
        data_entry(d, &format!("/events/data/{i}"), &deliveries, out);
    }
    for (i, a) in spec.events.advanced.iter().enumerate() {
        out.extend(raw_selector(
            a,
            &format!("/events/advanced/{i}"),
            &deliveries,
        ));
    }
}
