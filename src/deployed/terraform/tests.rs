//! Unit tests of the plan and state reader: values known only after apply resolved through the
//! configuration's references, child modules, the provider's defaults, and choosing the trail.

use super::{is_plan, read};
use crate::deployed::{Failure, File, Read, Selectors};
use crate::diag::Code;
use serde_json::{json, Value};

fn one(doc: &Value, wanted: Option<&str>) -> Result<Read, Failure> {
    read(
        &[File {
            name: "plan.json".into(),
            text: serde_json::to_string_pretty(doc).unwrap_or_default(),
        }],
        wanted,
    )
}

fn resource(address: &str, kind: &str, name: &str, values: Value) -> Value {
    json!({"address": address, "mode": "managed", "type": kind, "name": name, "values": values})
}

fn data(address: &str, kind: &str, values: Value) -> Value {
    json!({"address": address, "mode": "data", "type": kind, "name": "current", "values": values})
}

fn config(kind: &str, name: &str, expressions: Value) -> Value {
    json!({"address": format!("{kind}.{name}"), "mode": "managed", "type": kind, "name": name,
           "expressions": expressions})
}

fn refs(list: &[&str]) -> Value {
    json!({ "references": list })
}

/// A plan creating a bucket, key, topic, log group and role with the trail, whose arguments
/// naming them are all known only after apply.
fn plan_creating_everything() -> Value {
    json!({
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": [
            resource("aws_cloudtrail.t", "aws_cloudtrail", "t", json!({"name": "main"})),
            resource("aws_s3_bucket.logs", "aws_s3_bucket", "logs", json!({"bucket": "acme-logs"})),
            resource("aws_kms_key.k", "aws_kms_key", "k",
                     json!({"description": "trail key", "enable_key_rotation": true})),
            resource("aws_sns_topic.t", "aws_sns_topic", "t", json!({"name": "deliveries"})),
            resource("aws_cloudwatch_log_group.g", "aws_cloudwatch_log_group", "g",
                     json!({"name": "trail-events", "retention_in_days": 90})),
            resource("aws_iam_role.r", "aws_iam_role", "r", json!({"name": "delivery"})),
            resource("aws_instance.web", "aws_instance", "web", json!({})),
        ]}},
        "resource_changes": [{"address": "aws_cloudtrail.t", "change": {"after_unknown": {
            "s3_bucket_name": true, "kms_key_id": true, "sns_topic_name": true,
            "cloud_watch_logs_group_arn": true, "cloud_watch_logs_role_arn": true,
            "arn": true, "multi_region": true
        }}}],
        "prior_state": {"values": {"root_module": {"resources": [
            data("data.aws_caller_identity.current", "aws_caller_identity",
                 json!({"account_id": "111122223333"})),
            data("data.aws_region.current", "aws_region", json!({"name": "eu-central-1"})),
        ]}}},
        "configuration": {"root_module": {"resources": [
            config("aws_cloudtrail", "t", json!({
                "name": {"constant_value": "main"},
                "s3_bucket_name": refs(&["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]),
                "kms_key_id": refs(&["aws_kms_key.k.arn", "aws_kms_key.k"]),
                "sns_topic_name": refs(&["aws_sns_topic.t.name", "aws_sns_topic.t"]),
                "cloud_watch_logs_group_arn": refs(&["aws_cloudwatch_log_group.g.arn"]),
                "cloud_watch_logs_role_arn": refs(&["aws_iam_role.r.arn", "aws_iam_role.r"]),
            })),
        ]}}
    })
}

#[test]
fn values_known_after_apply_are_read_from_the_resources_they_refer_to() {
    let read = one(&plan_creating_everything(), None).expect("reads");
    let d = &read.deployed;
    assert_eq!(d.trail.name, "main");
    assert_eq!(d.trail.bucket, "acme-logs");
    assert_eq!(
        d.trail.sns_topic_arn.as_deref(),
        Some("arn:aws:sns:eu-central-1:111122223333:deliveries")
    );
    assert_eq!(
        d.trail.log_group_arn.as_deref(),
        Some("arn:aws:logs:eu-central-1:111122223333:log-group:trail-events:*")
    );
    assert_eq!(
        d.trail.arn.as_deref(),
        Some("arn:aws:cloudtrail:eu-central-1:111122223333:trail/main")
    );
    assert_eq!(d.trail.home_region.as_deref(), Some("eu-central-1"));
    // The key the plan creates has no ARN yet: trailsmith creates its own in its place.
    let key = d.key.as_ref().expect("the key");
    assert_eq!((key.arn.as_str(), key.manager.as_str()), ("", "CUSTOMER"));
    assert_eq!(key.description, "trail key");
    assert_eq!(d.trail.kms_key_id, None);
    assert_eq!(d.trail.role_arn, None);
    assert_eq!(
        d.log_group.as_ref().and_then(|g| g.retention_days),
        Some(90)
    );
    assert!(d.topic.is_some());
    assert!(
        read.notes.iter().any(|n| n.starts_with(
            "aws_iam_role.r: the delivery role the configuration creates is not carried"
        )),
        "{:?}",
        read.notes
    );
    assert_eq!(
        read.notes.last().map(String::as_str),
        Some("resources the trail does not use, passed over: aws_instance.web (aws_instance)")
    );
}

#[test]
fn what_no_reference_resolves_is_noted_not_dropped() {
    let mut plan = plan_creating_everything();
    plan["configuration"]["root_module"]["resources"][0]["expressions"]["kms_key_id"] =
        refs(&["var.key_arn"]);
    let read = one(&plan, None).expect("reads");
    assert!(read.notes.iter().any(|n| n
        == "aws_cloudtrail.t.kms_key_id: known only after apply, from nothing the \
                    plan says; trailsmith creates a key instead"));
    assert_eq!(
        read.deployed.key.map(|k| k.manager),
        Some("CUSTOMER".into())
    );
}

#[test]
fn a_trail_in_a_child_module_is_read_through_variables_and_outputs() {
    let plan = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"child_modules": [
            {"address": "module.audit", "child_modules": [
                {"address": "module.audit.module.trail[0]", "resources": [
                    resource("module.audit.module.trail[0].aws_cloudtrail.default[0]",
                             "aws_cloudtrail", "default", json!({"name": "org-trail"})),
                ]},
                {"address": "module.audit.module.bucket", "resources": [
                    resource("module.audit.module.bucket.aws_s3_bucket.default",
                             "aws_s3_bucket", "default", json!({"bucket": "audit-logs"})),
                    resource("module.audit.module.bucket.aws_s3_bucket_versioning.default",
                             "aws_s3_bucket_versioning", "default",
                             json!({"versioning_configuration": [{"status": "Enabled"}]})),
                ]},
            ]},
        ]}},
        "resource_changes": [{
            "address": "module.audit.module.trail[0].aws_cloudtrail.default[0]",
            "change": {"after_unknown": {"s3_bucket_name": true}}
        }],
        "configuration": {"root_module": {"module_calls": {"audit": {"module": {"module_calls": {
            "trail": {
                "expressions": {"bucket": refs(&["module.bucket.id", "module.bucket"])},
                "module": {"resources": [config("aws_cloudtrail", "default", json!({
                    "s3_bucket_name": refs(&["var.bucket"])
                }))]}
            },
            "bucket": {"module": {
                "outputs": {"id": {"expression": refs(&["aws_s3_bucket.default.id",
                                                        "aws_s3_bucket.default"])}},
                "resources": [
                    config("aws_s3_bucket", "default", json!({})),
                    config("aws_s3_bucket_versioning", "default",
                           json!({"bucket": refs(&["aws_s3_bucket.default.id"])})),
                ]
            }}
        }}}}}}
    });
    let read = one(&plan, Some("org-trail")).expect("reads");
    assert_eq!(read.deployed.trail.bucket, "audit-logs");
    assert_eq!(read.deployed.bucket.versioning, Some(true));
    assert!(read
        .source
        .ends_with("(trail module.audit.module.trail[0].aws_cloudtrail.default[0])"));
    // Neither region nor account is said: the ARN is left out, with a note.
    assert_eq!(read.deployed.trail.arn, None);
    assert!(read
        .notes
        .iter()
        .any(|n| n.contains(".arn: the plan does not say")));
}

#[test]
fn arguments_left_out_read_as_the_providers_defaults() {
    let state = json!({
        "format_version": "1.0",
        "terraform_version": "1.11.4",
        "values": {"root_module": {"resources": [resource(
            "aws_cloudtrail.t", "aws_cloudtrail", "t",
            json!({"name": "t", "s3_bucket_name": "b", "s3_key_prefix": "", "kms_key_id": null,
                   "arn": "arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/t",
                   "event_selector": [], "advanced_event_selector": []})
        )]}}
    });
    let read = one(&state, None).expect("reads");
    let d = &read.deployed;
    assert!(!d.trail.multi_region);
    assert!(d.trail.global_service_events);
    assert!(!d.trail.log_file_validation);
    assert!(!d.trail.organization);
    assert_eq!(d.logging, Some(true));
    assert_eq!(d.trail.prefix, None);
    assert_eq!(d.trail.kms_key_id, None);
    assert_eq!(d.trail.home_region.as_deref(), Some("cn-north-1"));
    assert_eq!(d.insights, Some(Vec::new()));
    match &d.selectors {
        Some(Selectors::Basic(b)) => {
            assert_eq!(b.len(), 1);
            assert!(b[0].include_management_events && b[0].data_resources.is_empty());
            assert_eq!(b[0].read_write, "All");
        }
        other => panic!("{other:?}"),
    }
    assert!(read.notes.is_empty(), "{:?}", read.notes);
}

fn two_trails() -> Value {
    json!({
        "format_version": "1.0",
        "values": {"root_module": {"resources": [
            resource("aws_cloudtrail.a", "aws_cloudtrail", "a", json!({"name": "first"})),
            resource("aws_cloudtrail.b", "aws_cloudtrail", "b", json!({"name": "second"})),
        ]}}
    })
}

#[test]
fn several_trails_need_trail() {
    match one(&two_trails(), None) {
        Err(Failure::Usage(m)) => assert!(
            m.contains("2 trails (aws_cloudtrail.a (name first), aws_cloudtrail.b (name second))")
                && m.contains("--trail"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    for wanted in ["second", "aws_cloudtrail.b"] {
        let read = one(&two_trails(), Some(wanted)).expect("reads");
        assert_eq!(read.deployed.trail.name, "second");
    }
    assert!(matches!(
        one(&two_trails(), Some("third")),
        Err(Failure::Usage(m)) if m.contains("has no trail named third")
    ));
}

#[test]
fn a_plan_without_a_trail_is_a_located_error() {
    let plan = json!({
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": [
            resource("aws_s3_bucket.b", "aws_s3_bucket", "b", json!({"bucket": "b"})),
        ]}}
    });
    match one(&plan, None) {
        Err(Failure::File(d)) => {
            assert_eq!(d.code, Code::ImportNoTrail);
            assert_eq!(d.file.as_deref(), Some("plan.json"));
            let pos = d.pos.expect("located");
            assert_eq!((pos.line, pos.column), (4, 3));
            assert!(d.message.contains("plans no aws_cloudtrail resource"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn plans_and_states_are_told_apart() {
    assert!(is_plan(r#"{"format_version":"1.2","planned_values":{}}"#));
    assert!(is_plan(r#"{"format_version":"1.0","values":{}}"#));
    assert!(is_plan(
        r#"{"format_version":"1.0","terraform_version":"1.11.4""#
    ));
    assert!(!is_plan(r#"{"format_version":"1.0"}"#));
    assert!(!is_plan(r#"{"trailList":[]}"#));
    assert!(!is_plan("Resources: {}"));
}

#[test]
fn module_addresses_split_outside_instance_keys() {
    use super::doc::{bare, module_path, segments};
    assert_eq!(
        module_path("module.a[0].module.b[\"x.y]\"]"),
        vec!["a".to_string(), "b".to_string()]
    );
    assert_eq!(
        segments("module.a.aws_cloudtrail.default[0]"),
        vec!["module", "a", "aws_cloudtrail", "default[0]"]
    );
    assert_eq!(bare("default[0]"), "default");
}
