//! What the user should know about what they record, whatever the selector form: the note that
//! "all S3 objects" leaves out the trail's own bucket, and the cost notes with AWS's prices.
//!
//! A cost is a note, not a warning: it is information about a choice the spec states, not a
//! risk, so `validate --deny-warnings` (the CI gate) does not fail on it. Each cost note says how
//! to narrow the spend and how to accept it with a reason. It must not refuse anything (limits
//! are `limits`) or depend on the planned selectors.

use super::intent::excludes_trail_bucket;
use crate::diag::{Code, Diagnostic};
use crate::spec::Events;

/// "AWS CloudTrail pricing": what each kind of recorded event costs. Public because `explain`
/// quotes the same figures, and one copy cannot go stale beside the other.
pub const DATA_EVENT_PRICE: &str = "$0.10 per 100,000 data events";
pub const NETWORK_EVENT_PRICE: &str = "$0.10 per 100,000 network activity events";
pub const INSIGHTS_PRICE: &str = "$0.35 per 100,000 events analyzed";

/// The trail-bucket note and the cost notes for `events`.
pub(super) fn of(events: &Events) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, d) in events.data.iter().enumerate() {
        let path = format!("/events/data/{i}");
        if excludes_trail_bucket(d) {
            out.push(
                Diagnostic::note(
                    Code::TrailBucketExcluded,
                    format!("{path}/all"),
                    "all S3 object events are recorded except the trail's own bucket: each log delivery would be recorded and delivered again",
                )
                .hint("set `include_trail_bucket: true` to record it anyway"),
            );
        }
        let scope = if d.all {
            "every resource of the type".to_string()
        } else {
            "the listed resources".to_string()
        };
        out.push(cost(
            Code::CostDataEvents,
            path,
            format!(
                "{} data events of {scope} are billed at {DATA_EVENT_PRICE}",
                d.resource_type
            ),
            "narrow the scope (buckets, ARNs, read_write, event_names) to what you need to audit",
        ));
    }
    for (i, n) in events.network_activity.iter().enumerate() {
        out.push(cost(
            Code::CostNetworkActivity,
            format!("/events/network_activity/{i}"),
            format!(
                "network activity events of {} are billed at {NETWORK_EVENT_PRICE}",
                n.source.as_str()
            ),
            "`vpce_access_denied_only: true` records only denied calls",
        ));
    }
    for (i, a) in events.advanced.iter().enumerate() {
        let category = a
            .field_selectors
            .iter()
            .find(|f| f.field == "eventCategory")
            .map(|f| f.equals.clone());
        let price = match category.as_deref() {
            Some([c]) if c == "Data" => DATA_EVENT_PRICE,
            Some([c]) if c == "NetworkActivity" => NETWORK_EVENT_PRICE,
            _ => continue,
        };
        let name = a.name.as_deref().unwrap_or("this advanced selector");
        out.push(cost(
            Code::CostAdvancedSelector,
            format!("/events/advanced/{i}"),
            format!("the events \"{name}\" selects are billed at {price}"),
            "narrow its field selectors (`resources.ARN`, `readOnly`, `eventName`) to what you need to audit",
        ));
    }
    if !events.insights.is_empty() {
        out.push(cost(
            Code::CostInsights,
            "/events/insights",
            format!("CloudTrail Insights are billed at {INSIGHTS_PRICE} for each Insights type"),
            "keep only the Insights types someone acts on (`api_call_rate`, `api_error_rate`)",
        ));
    }
    out
}

/// A cost note whose hint says how to spend less and how to accept the cost on purpose.
fn cost(code: Code, path: impl Into<String>, message: String, narrow: &str) -> Diagnostic {
    Diagnostic::note(code, path, message).hint(format!(
        "{narrow}; or accept the cost with `silence: {{ {code}: REASON }}`"
    ))
}
