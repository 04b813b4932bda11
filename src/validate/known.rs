//! Values AWS lists, held against the lists: the regions a spec names (`trail.home_region` and
//! the region inside every ARN it gives), the resource types of data events
//! (`events.data[].type`, and `resources.type` in raw `advanced` selectors) and the services of
//! network activity events (`events.network_activity[].source`, and `eventSource` in raw
//! network activity selectors).
//!
//! Owns the three lists as data and the rule applied to them: a well-formed value one edit from a
//! listed value, but not listed itself, is an error with a "did you mean" (`eu-wset-1`,
//! `AWS::Lamda::Function` are slips, and a slip lands in the output as a trail that records
//! nothing or a template AWS refuses); a well-formed value further from every listed one is a
//! warning, since the lists grow ("aws-cloudtrail-facts" §3: a warning, not an error, for an
//! unknown but well-formed `AWS::X::Y`). `allow_new_values` names a value the spec means although
//! the lists do not have it: it turns off both findings for that value, and an entry that
//! matches nothing is a warning. Malformed values are not judged here (`rules` and `events`
//! refuse them with their own codes). It reads the merged document, as `dynamic` does, since the
//! ARNs sit in many fields; it runs once the shape is checked.

use super::names;
use super::suggest::near_miss;
use crate::diag::{Code, Diagnostic};
use crate::source::escape_segment;
use serde_json::Value;

pub use crate::derived::REGIONS;

/// `resources.type` values of the CloudTrail API model (2024-09, plus S3 Tables), as
/// "AdvancedFieldSelector" in the CloudTrail API reference lists them.
pub const RESOURCE_TYPES: [&str; 76] = [
    "AWS::DynamoDB::Table",
    "AWS::Lambda::Function",
    "AWS::S3::Object",
    "AWS::AppConfig::Configuration",
    "AWS::B2BI::Transformer",
    "AWS::Bedrock::AgentAlias",
    "AWS::Bedrock::FlowAlias",
    "AWS::Bedrock::Guardrail",
    "AWS::Bedrock::KnowledgeBase",
    "AWS::Cassandra::Table",
    "AWS::CloudFront::KeyValueStore",
    "AWS::CloudTrail::Channel",
    "AWS::CloudWatch::Metric",
    "AWS::CodeWhisperer::Customization",
    "AWS::CodeWhisperer::Profile",
    "AWS::Cognito::IdentityPool",
    "AWS::DynamoDB::Stream",
    "AWS::EC2::Snapshot",
    "AWS::EMRWAL::Workspace",
    "AWS::FinSpace::Environment",
    "AWS::Glue::Table",
    "AWS::GreengrassV2::ComponentVersion",
    "AWS::GreengrassV2::Deployment",
    "AWS::GuardDuty::Detector",
    "AWS::IoT::Certificate",
    "AWS::IoT::Thing",
    "AWS::IoTSiteWise::Asset",
    "AWS::IoTSiteWise::TimeSeries",
    "AWS::IoTTwinMaker::Entity",
    "AWS::IoTTwinMaker::Workspace",
    "AWS::KendraRanking::ExecutionPlan",
    "AWS::Kinesis::Stream",
    "AWS::Kinesis::StreamConsumer",
    "AWS::KinesisVideo::Stream",
    "AWS::MachineLearning::MlModel",
    "AWS::ManagedBlockchain::Network",
    "AWS::ManagedBlockchain::Node",
    "AWS::MedicalImaging::Datastore",
    "AWS::NeptuneGraph::Graph",
    "AWS::One::UKey",
    "AWS::One::User",
    "AWS::PCAConnectorAD::Connector",
    "AWS::PCAConnectorSCEP::Connector",
    "AWS::PaymentCryptography::Alias",
    "AWS::PaymentCryptography::Key",
    "AWS::QBusiness::Application",
    "AWS::QBusiness::DataSource",
    "AWS::QBusiness::Index",
    "AWS::QBusiness::WebExperience",
    "AWS::RDS::DBCluster",
    "AWS::RUM::AppMonitor",
    "AWS::S3::AccessPoint",
    "AWS::S3Express::Object",
    "AWS::S3ObjectLambda::AccessPoint",
    "AWS::S3Outposts::Object",
    "AWS::SCN::Instance",
    "AWS::SNS::PlatformEndpoint",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::SSM::ManagedNode",
    "AWS::SSMMessages::ControlChannel",
    "AWS::SWF::Domain",
    "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::ExperimentTrialComponent",
    "AWS::SageMaker::FeatureGroup",
    "AWS::ServiceDiscovery::Namespace",
    "AWS::ServiceDiscovery::Service",
    "AWS::StepFunctions::StateMachine",
    "AWS::ThinClient::Device",
    "AWS::ThinClient::Environment",
    "AWS::Timestream::Database",
    "AWS::Timestream::Table",
    "AWS::VerifiedPermissions::PolicyStore",
    "AWS::XRay::Trace",
    "AWS::S3Tables::Table",
    "AWS::S3Tables::TableBucket",
];

/// The services that emit network activity events, as "Logging network activity events" in the
/// CloudTrail User Guide listed them when they launched (2024). Its "Document history" says
/// more were added on October 15, 2025, without the stored page naming them: a source not here
/// is a warning (`unknown-network-source`), and `allow_new_values` says it is meant.
pub const NETWORK_SOURCES: [&str; 4] = [
    "cloudtrail.amazonaws.com",
    "ec2.amazonaws.com",
    "kms.amazonaws.com",
    "secretsmanager.amazonaws.com",
];

/// `service.amazonaws.com`: the form of an event source (the schema holds `source` to it).
pub fn well_formed_source(value: &str) -> bool {
    value.strip_suffix(".amazonaws.com").is_some_and(|service| {
        service
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    })
}

/// `AWS::Service::Type`: the form CloudTrail's resource types have.
pub fn well_formed_type(value: &str) -> bool {
    let parts: Vec<&str> = value.split("::").collect();
    parts.len() == 3
        && parts[0] == "AWS"
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Top-level fields whose strings are not the spec's values for AWS: the reviewer's words, the
/// blueprint's parameters (checked where they land), and tags (free text that may quote an ARN).
const NOT_VALUES: [&str; 6] = [
    "$schema",
    "extends",
    "with",
    "tags",
    "silence",
    "allow_new_values",
];

#[derive(Clone, Copy)]
enum Kind {
    Region,
    ResourceType,
    NetworkSource,
}

impl Kind {
    fn list(self) -> &'static [&'static str] {
        match self {
            Kind::Region => &REGIONS,
            Kind::ResourceType => &RESOURCE_TYPES,
            Kind::NetworkSource => &NETWORK_SOURCES,
        }
    }
}

struct Checker<'a> {
    allowed: Vec<(&'a str, bool)>,
    out: Vec<Diagnostic>,
}

/// Every finding on the listed values of a document whose shape is checked.
pub fn check(doc: &Value) -> Vec<Diagnostic> {
    let allowed: Vec<(&str, bool)> = doc
        .get("allow_new_values")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| (k.as_str(), false)).collect())
        .unwrap_or_default();
    let mut c = Checker {
        allowed,
        out: Vec::new(),
    };
    if let Some(region) = doc.pointer("/trail/home_region").and_then(Value::as_str) {
        c.value(region, Kind::Region, "/trail/home_region", "");
    }
    types(doc, &mut c);
    sources(doc, &mut c);
    if let Value::Object(map) = doc {
        for (key, v) in map
            .iter()
            .filter(|(k, _)| !NOT_VALUES.contains(&k.as_str()))
        {
            arns(v, &format!("/{}", escape_segment(key)), &mut c);
        }
    }
    let Checker { allowed, mut out } = c;
    // Like a `silence` entry, an allowed value is a decision a reviewer reads the reason of.
    if let Some(entries) = doc.get("allow_new_values").and_then(Value::as_object) {
        for (value, reason) in entries {
            if reason.as_str().is_some_and(|r| r.trim().is_empty()) {
                out.push(
                    Diagnostic::error(
                        Code::AllowNewValueReason,
                        format!("/allow_new_values/{}", escape_segment(value)),
                        format!("allowing `{value}` needs a reason"),
                    )
                    .hint("write where the value comes from (an AWS announcement, a region's launch), for the next reviewer"),
                );
            }
        }
    }
    for (value, _) in allowed.into_iter().filter(|(_, used)| !used) {
        let known = REGIONS.contains(&value)
            || RESOURCE_TYPES.contains(&value)
            || NETWORK_SOURCES.contains(&value);
        let why = if known {
            format!("`{value}` is a value trailsmith knows, so this entry allows nothing new")
        } else {
            format!("no region, resource type or network activity source in this spec is `{value}`, so this entry allows nothing")
        };
        out.push(
            Diagnostic::warning(
                Code::AllowNewValueUnused,
                format!("/allow_new_values/{}", escape_segment(value)),
                why,
            )
            .at_key()
            .hint("remove the entry; the value must be written exactly as it is used"),
        );
    }
    out
}

/// `events.data[].type` and the `resources.type` values of raw advanced selectors.
fn types(doc: &Value, c: &mut Checker) {
    let list = |path: &str| {
        doc.pointer(path)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for (i, d) in list("/events/data").iter().enumerate() {
        if let Some(t) = d.get("type").and_then(Value::as_str) {
            c.value(t, Kind::ResourceType, &format!("/events/data/{i}/type"), "");
        }
    }
    for (i, a) in list("/events/advanced").iter().enumerate() {
        let fields = a.get("field_selectors").and_then(Value::as_array);
        for (k, f) in fields.into_iter().flatten().enumerate() {
            if f.get("field").and_then(Value::as_str) != Some("resources.type") {
                continue;
            }
            let equals = f.get("equals").and_then(Value::as_array);
            for (j, t) in equals.into_iter().flatten().enumerate() {
                if let Some(t) = t.as_str() {
                    let path = format!("/events/advanced/{i}/field_selectors/{k}/equals/{j}");
                    c.value(t, Kind::ResourceType, &path, "");
                }
            }
        }
    }
}

/// `events.network_activity[].source` and the `eventSource` of raw network activity selectors
/// (one `equals` value: `events` refuses any other number).
fn sources(doc: &Value, c: &mut Checker) {
    let list = |path: &str| {
        doc.pointer(path)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for (i, n) in list("/events/network_activity").iter().enumerate() {
        if let Some(s) = n.get("source").and_then(Value::as_str) {
            let path = format!("/events/network_activity/{i}/source");
            c.value(s, Kind::NetworkSource, &path, "");
        }
    }
    for (i, a) in list("/events/advanced").iter().enumerate() {
        let fields: Vec<&Value> = a
            .get("field_selectors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        let equals = |f: &Value, v: &str| {
            f.get("equals")
                .and_then(Value::as_array)
                .is_some_and(|e| e.iter().any(|x| x.as_str() == Some(v)))
        };
        let network = fields.iter().any(|f| {
            f.get("field").and_then(Value::as_str) == Some("eventCategory")
                && equals(f, "NetworkActivity")
        });
        if !network {
            continue;
        }
        for (k, f) in fields.iter().enumerate() {
            if f.get("field").and_then(Value::as_str) != Some("eventSource") {
                continue;
            }
            let values = f.get("equals").and_then(Value::as_array);
            if let Some([one]) = values.map(Vec::as_slice) {
                if let Some(s) = one.as_str() {
                    let path = format!("/events/advanced/{i}/field_selectors/{k}/equals/0");
                    c.value(s, Kind::NetworkSource, &path, "");
                }
            }
        }
    }
}

/// The region of every ARN in `v` ("Amazon Resource Names (ARNs)" in the IAM User Guide:
/// `arn:partition:service:region:account-id:resource`). A prefix that ends inside the region
/// says no region yet, and an empty region (S3, IAM) names none.
fn arns(v: &Value, path: &str, c: &mut Checker) {
    match v {
        Value::String(s) => {
            let parts: Vec<&str> = s.splitn(5, ':').collect();
            if parts.len() == 5 && parts[0] == "arn" && !parts[3].is_empty() {
                c.value(parts[3], Kind::Region, path, " in this ARN");
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                arns(item, &format!("{path}/{i}"), c);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                arns(item, &format!("{path}/{}", escape_segment(key)), c);
            }
        }
        _ => {}
    }
}

impl Checker<'_> {
    fn value(&mut self, value: &str, kind: Kind, path: &str, within: &str) {
        let well_formed = match kind {
            Kind::Region => names::region(value).is_ok(),
            Kind::ResourceType => well_formed_type(value),
            Kind::NetworkSource => well_formed_source(value),
        };
        if !well_formed || kind.list().contains(&value) {
            return;
        }
        if let Some((_, used)) = self.allowed.iter_mut().find(|(v, _)| *v == value) {
            *used = true;
            return;
        }
        let allow = format!("allow_new_values: {{ \"{value}\": REASON }}");
        let d = match (kind, near_miss(value, kind.list())) {
            (Kind::Region, Some(guess)) => Diagnostic::error(
                Code::RegionNearMiss,
                path,
                format!("`{value}`{within} is one edit from the region `{guess}` but is not an AWS region"),
            )
            .hint(format!("did you mean `{guess}`? If `{value}` is a region newer than trailsmith's list, write `{allow}`")),
            (Kind::ResourceType, Some(guess)) => Diagnostic::error(
                Code::ResourceTypeNearMiss,
                path,
                format!("`{value}` is one edit from the resource type `{guess}` but is not a type CloudTrail lists"),
            )
            .hint(format!("did you mean `{guess}`? If `{value}` is a type newer than trailsmith's list, write `{allow}`")),
            (Kind::Region, None) => Diagnostic::warning(
                Code::UnknownRegion,
                path,
                format!("`{value}`{within} is not among the regions trailsmith knows"),
            )
            .hint(format!("check it against \"AWS Regions\" in the AWS documentation; a new region is accepted, and `{allow}` says it is meant")),
            (Kind::ResourceType, None) => Diagnostic::warning(
                Code::UnknownResourceType,
                path,
                format!("`{value}` is not among the resource types trailsmith knows"),
            )
            .hint(format!("check it against \"AdvancedFieldSelector\" in the CloudTrail API reference; a new type is accepted, and `{allow}` says it is meant")),
            (Kind::NetworkSource, Some(guess)) => Diagnostic::error(
                Code::NetworkSourceNearMiss,
                path,
                format!("`{value}` is one edit from the network activity source `{guess}` but is not one CloudTrail lists"),
            )
            .hint(format!("did you mean `{guess}`? If `{value}` is a source newer than trailsmith's list, write `{allow}`")),
            (Kind::NetworkSource, None) => Diagnostic::warning(
                Code::UnknownNetworkSource,
                path,
                format!("`{value}` is not among the network activity sources trailsmith knows"),
            )
            .hint(format!("check it against \"Logging network activity events\" in the CloudTrail User Guide; a new source is accepted, and `{allow}` says it is meant")),
        };
        self.out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(doc: Value) -> Vec<(Code, String)> {
        check(&doc).into_iter().map(|d| (d.code, d.path)).collect()
    }

    #[test]
    fn the_lists_are_well_formed_without_duplicates() {
        let listed: std::collections::BTreeSet<&str> = REGIONS
            .iter()
            .chain(RESOURCE_TYPES.iter())
            .copied()
            .collect();
        assert_eq!(listed.len(), REGIONS.len() + RESOURCE_TYPES.len());
        assert!(REGIONS.iter().all(|r| names::region(r).is_ok()));
        assert!(RESOURCE_TYPES.iter().all(|t| well_formed_type(t)));
    }

    #[test]
    fn near_misses_are_errors_and_new_values_warnings() {
        let doc = json!({
            "trail": {"name": "a", "home_region": "eu-wset-1"},
            "kms": {"key_arn": "arn:aws:kms:xx-moon-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
            "events": {
                "data": [{"type": "AWS::Lamda::Function"}, {"type": "AWS::Future::Thing"}],
                "advanced": [{"field_selectors": [
                    {"field": "eventCategory", "equals": ["Data"]},
                    {"field": "resources.type", "equals": ["AWS::S3::Objcet"]}
                ]}]
            },
            "tags": {"note": "arn:aws:sns:eu-wset-1:111122223333:t"}
        });
        assert_eq!(
            codes(doc),
            [
                (Code::RegionNearMiss, "/trail/home_region".to_string()),
                (
                    Code::ResourceTypeNearMiss,
                    "/events/data/0/type".to_string()
                ),
                (Code::UnknownResourceType, "/events/data/1/type".to_string()),
                (
                    Code::ResourceTypeNearMiss,
                    "/events/advanced/0/field_selectors/1/equals/0".to_string()
                ),
                (Code::UnknownRegion, "/kms/key_arn".to_string()),
            ]
        );
    }

    #[test]
    fn an_allowed_value_passes_and_an_unused_entry_is_reported() {
        let doc = json!({
            "trail": {"name": "a", "home_region": "ap-southeast-8"},
            "allow_new_values": {"ap-southeast-8": "announced", "eu-west-1": "x", "us-moon-1": "y"}
        });
        assert_eq!(
            codes(doc),
            [
                (
                    Code::AllowNewValueUnused,
                    "/allow_new_values/eu-west-1".to_string()
                ),
                (
                    Code::AllowNewValueUnused,
                    "/allow_new_values/us-moon-1".to_string()
                ),
            ]
        );
    }

    #[test]
    fn arns_without_a_whole_region_and_malformed_values_are_not_judged() {
        let doc = json!({
            "trail": {"name": "a", "home_region": "Eu-West-1"},
            "events": {"data": [
                {"type": "AWS::S3::Object", "arn_prefixes": ["arn:aws:s3:::", "arn:aws:lambda:eu-we"]},
                {"type": "aws::lambda::function"}
            ]},
            "cloudwatch_logs": {"role_arn": "arn:aws:iam::111122223333:role/r"}
        });
        assert_eq!(codes(doc), []);
    }
}
