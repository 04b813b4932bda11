//! The trail bucket feedback loop in every form: an entry that records S3 data events of the
//! trail's own bucket records each log file delivery, which is delivered and recorded again
//! ("aws-cloudtrail-facts" §3: exclude the trail bucket unless the user asks for it).
//!
//! Owns which entries can match a delivery (`buckets`, `arn_prefixes`, raw advanced selectors)
//! and the warning at the entry. A delivery is a `PutObject` of a new key under
//! `BUCKET/[PREFIX/]AWSLogs/` ending in `.json.gz`: an exact object ARN (`arns`, `equals`) never
//! matches one again, and an entry that records reads only, or other event names, sees none.
//! `all: true` is handled by the planner, which leaves the bucket out. It must not change what is
//! recorded: a user may mean it (`include_trail_bucket: true`, or `silence` for a raw selector).

use crate::diag::{Code, Diagnostic};
use crate::spec::{AdvancedSelectorSpec, DataEvents, FieldSelector, Operator, ReadWrite, Spec};

/// The API call of every log file and digest delivery.
const DELIVERY_CALL: &str = "PutObject";
/// How every delivered object's key ends (log files and digest files alike).
const DELIVERY_SUFFIX: &str = ".json.gz";

/// Where deliveries land, as the part of an S3 object ARN after `arn:PARTITION:`:
/// `s3:::BUCKET/[PREFIX/]AWSLogs/`, or only `s3:::` when the target generates the bucket's name
/// (any bucket may then be it).
struct Deliveries {
    head: String,
    named: bool,
}

/// The part of `value` after `arn:PARTITION:`, or `None` when `value` ends before it (then it is
/// a prefix of ARNs of every service, or of no ARN at all).
fn after_partition(value: &str) -> Option<&str> {
    let rest = value.strip_prefix("arn:")?;
    rest.find(':').map(|i| &rest[i + 1..])
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
        Deliveries {
            head: format!("s3:::{}", path.as_deref().unwrap_or("")),
            named: path.is_some(),
        }
    }

    /// Some delivery's ARN starts with `value` (any partition).
    fn under_prefix(&self, value: &str) -> bool {
        match after_partition(value) {
            Some(tail) => {
                self.head.starts_with(tail) || (self.named && tail.starts_with(self.head.as_str()))
            }
            None => "arn:".starts_with(value) || value.starts_with("arn:"),
        }
    }

    /// Every delivery's ARN starts with `value`: a `NotStartsWith` of it leaves them all out.
    fn covers_all(&self, value: &str) -> bool {
        match after_partition(value) {
            Some(tail) => self.named && self.head.starts_with(tail),
            None => value.starts_with("arn:") || "arn:".starts_with(value),
        }
    }
}

/// Whether one field's conditions let some delivery through, ANDed across operators as CloudTrail
/// does (values of one operator are ORed): `starts`, `starts_all`, `ends` and `equals` say
/// whether some delivery's value starts with, every one starts with, ends with or is a value.
fn lets_through(
    f: &FieldSelector,
    starts: impl Fn(&str) -> bool,
    starts_all: impl Fn(&str) -> bool,
    ends: impl Fn(&str) -> bool,
    equals: impl Fn(&str) -> bool,
) -> bool {
    f.operators().into_iter().all(|(op, values)| {
        values.is_empty()
            || match op {
                Operator::Equals => values.iter().any(|v| equals(v)),
                Operator::NotEquals => true,
                Operator::StartsWith => values.iter().any(|v| starts(v)),
                Operator::NotStartsWith => !values.iter().any(|v| starts_all(v)),
                Operator::EndsWith => values.iter().any(|v| ends(v)),
                Operator::NotEndsWith => !values.iter().any(|v| DELIVERY_SUFFIX.ends_with(v)),
            }
    })
}

/// The delivery object's key ends with `value`, or could (`value` ends in the suffix).
fn suffix_fits(value: &str) -> bool {
    DELIVERY_SUFFIX.ends_with(value) || value.ends_with(DELIVERY_SUFFIX)
}

fn warning(path: String, detail: &str, hint: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::RecordsTrailBucket,
        path,
        format!("{detail} the trail's own bucket: each log file delivery would be recorded and delivered again"),
    )
    .hint(hint)
}

/// Whether an entry's event names let `PutObject` through.
fn records_deliveries(d: &DataEvents) -> bool {
    d.read_write != ReadWrite::ReadOnly
        && d.event_names.as_ref().is_none_or(|n| {
            (n.include.is_empty() || n.include.iter().any(|e| e == DELIVERY_CALL))
                && !n.exclude.iter().any(|e| e == DELIVERY_CALL)
        })
}

/// A data entry whose buckets or ARN prefixes reach the bucket's deliveries; `include_trail_bucket`
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
    if d.include_trail_bucket {
        if found.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::IncludeTrailBucket,
                    format!("{at}/include_trail_bucket"),
                    "`include_trail_bucket` only matters where the entry can record the trail's own bucket: `all: true`, or buckets and ARN prefixes that reach it",
                )
                .hint("remove it"),
            );
        }
        return;
    }
    if !records_deliveries(d) {
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

/// A raw selector for S3 object data events whose conditions let the bucket's deliveries through.
fn raw_selector(a: &AdvancedSelectorSpec, at: &str, deliveries: &Deliveries) -> Option<Diagnostic> {
    let fields = |name: &'static str| a.field_selectors.iter().filter(move |f| f.field == name);
    let equals =
        |name: &'static str, value: &str| fields(name).any(|f| f.equals.iter().any(|v| v == value));
    if !equals("eventCategory", "Data") || !equals("resources.type", "AWS::S3::Object") {
        return None;
    }
    let reads_only = fields("readOnly").any(|f| f.equals == ["true"]);
    let arn_ok = fields("resources.ARN").all(|f| {
        lets_through(
            f,
            |v| deliveries.under_prefix(v),
            |v| deliveries.covers_all(v),
            suffix_fits,
            // Each delivery writes a new key: an exact object is never one again.
            |_| false,
        )
    });
    let name_ok = fields("eventName").all(|f| {
        lets_through(
            f,
            |v| DELIVERY_CALL.starts_with(v),
            |v| DELIVERY_CALL.starts_with(v),
            |v| DELIVERY_CALL.ends_with(v),
            |v| v == DELIVERY_CALL,
        )
    });
    let hint = if deliveries.named {
        "add a `resources.ARN` field with `not_starts_with` the trail bucket's ARN and `/`, or silence `records-trail-bucket` with the reason"
    } else {
        "name the trail bucket (`bucket.name`) and leave it out with a `resources.ARN` `not_starts_with`, or silence `records-trail-bucket` with the reason"
    };
    (!reads_only && arn_ok && name_ok).then(|| {
        warning(
            format!("{at}/field_selectors"),
            "this selector records S3 object events of",
            hint,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn deliveries(named: bool) -> Deliveries {
        Deliveries {
            head: if named {
                "s3:::logs/org/AWSLogs/".into()
            } else {
                "s3:::".into()
            },
            named,
        }
    }

    #[test]
    fn prefixes_reach_deliveries_in_any_partition() {
        let d = deliveries(true);
        for reaches in [
            "arn:aws:s3:::",
            "arn:aws-iso:s3:::log",
            "arn:aws:s3:::logs/org/",
            "arn:aws:s3:::logs/org/AWSLogs/111122223333/",
            "arn:",
            "arn:aws",
        ] {
            assert!(d.under_prefix(reaches), "{reaches}");
        }
        for misses in [
            "arn:aws:s3:::logs/other/",
            "arn:aws:s3:::logs-2/",
            "arn:aws:lambda:",
            "s3",
        ] {
            assert!(!d.under_prefix(misses), "{misses}");
        }
        let unnamed = deliveries(false);
        assert!(
            unnamed.under_prefix("arn:aws:s3:::") && !unnamed.under_prefix("arn:aws:s3:::logs/")
        );
        assert!(
            d.covers_all("arn:aws:s3:::logs/") && !d.covers_all("arn:aws:s3:::logs/org/AWSLogs/1/")
        );
    }
}
