//! The planner as a whole, spec in and selectors out: the form it chooses, what the plan records,
//! the trail-bucket exclusion and where limits point.

use super::{plan, Op, Selectors};
use crate::diag::Code;
use crate::expr::Expr;
use crate::spec::Events;

fn events(yaml: &str) -> Events {
    let doc = crate::source::parse(yaml).expect("yaml");
    serde_json::from_value(doc.value).expect("events")
}

fn bucket() -> Expr {
    Expr::lit("arn:aws:s3:::trail-logs")
}

#[test]
fn recorded_is_read_off_either_form() {
    let recorded = |yaml: &str| plan(&events(yaml), &bucket()).selectors.recorded();
    let r = recorded("management: read_only\n");
    assert!(r.management_reads && !r.management_writes && !r.data);
    let r = recorded("management: none\ndata: [{type: AWS::Lambda::Function, all: true}]\n");
    assert!(!r.management() && r.data && !r.network_activity);
    let r = recorded("management: write_only\nnetwork_activity: [{source: kms.amazonaws.com}]\n");
    assert!(!r.management_reads && r.management_writes && r.network_activity);
    let raw = |read_only: &str| {
        recorded(&format!("management: none\nadvanced:\n- field_selectors:\n  - {{field: eventCategory, equals: [Management]}}\n{read_only}"))
    };
    let r = raw("");
    assert!(r.management_reads && r.management_writes);
    let r = raw("  - {field: readOnly, not_equals: [\"true\"]}\n");
    assert!(!r.management_reads && r.management_writes);
    assert!(!recorded("management: none\n").anything());
}

#[test]
fn basic_when_it_can_say_it_all() {
    let p = plan(
        &events("data:\n- {type: AWS::S3::Object, buckets: [payroll/reports/, hr], read_write: write_only}\n- {type: AWS::Lambda::Function, all: true}\n"),
        &bucket(),
    );
    let Selectors::Basic(s) = p.selectors else {
        panic!("expected basic")
    };
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].read_write, s[0].include_management_events),
        ("All", true)
    );
    assert_eq!(
        s[0].data_resources[0].resource_type,
        "AWS::Lambda::Function"
    );
    assert_eq!(
        (s[1].read_write, s[1].include_management_events),
        ("WriteOnly", false)
    );
    assert_eq!(
        s[1].data_resources[0].values[1],
        Expr::Join(vec![
            Expr::lit("arn:"),
            Expr::Partition,
            Expr::lit(":s3:::hr/")
        ])
    );
}

#[test]
fn all_s3_objects_leave_out_the_trail_bucket_with_a_note() {
    let p = plan(
        &events("data:\n- {type: AWS::S3::Object, all: true}\n"),
        &bucket(),
    );
    let Selectors::Advanced(s) = p.selectors else {
        panic!("expected advanced")
    };
    let arn = &s[1].fields[2];
    assert_eq!(arn.field, "resources.ARN");
    assert_eq!(
        arn.conditions,
        vec![(
            Op::NotStartsWith,
            vec![Expr::lit("arn:aws:s3:::trail-logs/")]
        )]
    );
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.code == Code::TrailBucketExcluded));
    let p = plan(
        &events("data:\n- {type: AWS::S3::Object, all: true, include_trail_bucket: true}\n"),
        &bucket(),
    );
    assert!(matches!(p.selectors, Selectors::Basic(_)));
}

#[test]
fn basic_style_refuses_what_it_cannot_say() {
    let p = plan(
        &events("selector_style: basic\nnetwork_activity: [{source: kms.amazonaws.com}]\n"),
        &bucket(),
    );
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.code == Code::NeedsAdvancedSelectors)
        .expect("error");
    assert_eq!(d.path, "/events/network_activity");
}

#[test]
fn limits_point_at_the_entry_that_crosses_them() {
    let arns: Vec<String> = (0..200)
        .map(|i| format!("arn:aws:lambda:eu-west-1:111122223333:function:f{i}"))
        .collect();
    let text = format!(
        "selector_style: basic\ndata:\n- {{type: AWS::Lambda::Function, arns: [{}]}}\n- {{type: AWS::DynamoDB::Table, arns: [{}]}}\n",
        arns.join(", "),
        arns[..60].join(", ").replace("lambda", "dynamodb")
    );
    let p = plan(&events(&text), &bucket());
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DataResourceLimit)
        .expect("limit");
    assert_eq!(d.path, "/events/data/1");
    // The same intent in auto style moves to advanced selectors, which take 500 values.
    let p = plan(
        &events(&text.replace("selector_style: basic", "selector_style: auto")),
        &bucket(),
    );
    assert!(matches!(p.selectors, Selectors::Advanced(_)));
    assert!(!p
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error));
}
