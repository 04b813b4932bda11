//! Unit tests of `explain`: what the summary says for each kind of spec, and that the graph is
//! well formed, escaped, stable and follows the model's references.

use super::{mermaid, text};
use crate::expr::{Attr, Expr, Res};
use crate::model::{self, Model};
use crate::policy::{Condition, Effect, Principal, Statement};
use crate::selectors::Selectors;
use crate::spec::{Operator, Spec};

pub(super) fn lowered(yaml: &str) -> (Spec, Model) {
    let (spec, selectors) = crate::validate::valid(yaml);
    let model = model::lower(&spec, selectors);
    (spec, model)
}

fn explained(yaml: &str) -> String {
    let (spec, model) = lowered(yaml);
    text(&spec, &model)
}

/// The section whose heading starts with `heading`, headings and items alike.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    text.split("\n\n")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading} in\n{text}"))
}

/// The text with wrapped items joined again: every run of whitespace as one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn example(name: &str) -> String {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const EXISTING: &str = "version: 1\ntrail: {name: team1}\n\
    bucket: {existing: true, name: central-logs, prefix: teams/one}\n\
    kms: {key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}\nsns: false\n";

#[test]
fn an_existing_bucket_and_key_are_referenced_not_created() {
    let t = explained(EXISTING);
    let created = section(&t, "Created");
    let referenced = flat(section(&t, "Referenced"));
    let made = |what: &str| created.lines().any(|l| l.starts_with(&format!("  {what}")));
    assert!(!made("S3 bucket") && !made("KMS key"), "{created}");
    assert!(
        referenced.contains("S3 bucket for the log files, its policy managed elsewhere: s3://central-logs/teams/one/AWSLogs/${account}/"),
        "{t}"
    );
    assert!(
        referenced.contains("KMS key for the log files, its policy managed elsewhere: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        "{t}"
    );
    // Nothing is written for what exists: no bucket or key policy, and only the log group kept.
    let policies = section(&t, "Who may do what");
    assert!(!policies.contains("bucket policy") && !policies.contains("key policy"));
    assert!(
        created.contains("deleted: the log group (CloudFormation retains it"),
        "{created}"
    );
    let g = mermaid(&lowered(EXISTING).1);
    assert!(g.contains("existing S3 bucket<br/>central-logs"), "{g}");
    assert!(g.contains("existing KMS key<br/>arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
    assert!(!g.contains("\n  bucket[") && !g.contains("\n  key["), "{g}");
}

#[test]
fn kms_false_says_sse_s3_and_no_key() {
    let t = explained("version: 1\ntrail: {name: team1}\nkms: false\n");
    let created = section(&t, "Created");
    assert!(
        created.contains("SSE-S3 (S3 managed keys, no KMS key)"),
        "{created}"
    );
    assert!(
        created.contains("not used: a KMS key (kms: false)"),
        "{created}"
    );
    assert!(!created.contains("KMS key alias/"), "{created}");
    assert!(!section(&t, "Cost drivers").contains("KMS"), "{t}");
    assert!(!t.contains("key policy"));
}

#[test]
fn an_organization_trail_names_the_organization_path() {
    let t = explained(&example("organization.yaml"));
    let trail = section(&t, "Trail org-audit");
    assert!(
        trail.contains("organization trail: yes, organization o-a1b2c3d4e5")
            && trail.contains("s3://acme-org-cloudtrail/org/AWSLogs/o-a1b2c3d4e5/"),
        "{trail}"
    );
    let policies = flat(section(&t, "Who may do what"));
    assert!(
        policies.contains("org/AWSLogs/o-a1b2c3d4e5/* in the bucket"),
        "{policies}"
    );
    assert!(policies.contains("log-stream:o-a1b2c3d4e5_* in the log group"));
    let single = explained("version: 1\ntrail: {name: solo}\n");
    assert!(single.contains("organization trail: no, this account only"));
}

#[test]
fn all_s3_objects_say_the_trail_bucket_is_left_out_as_the_plan_does() {
    let yaml =
        "version: 1\ntrail: {name: trail1}\nevents: {data: [{type: AWS::S3::Object, all: true}]}\n";
    let (spec, model) = lowered(yaml);
    let recorded = section(&text(&spec, &model), "Recorded").to_string();
    assert!(
        recorded
            .contains("data events: AWS::S3::Object: all buckets except the trail's own bucket"),
        "{recorded}"
    );
    assert!(recorded.starts_with("Recorded (written as 2 advanced event selectors)"));
    // The words repeat a rule of `selectors`; the plan must agree with them.
    let Selectors::Advanced(selectors) = &model.trail.as_ref().expect("a trail").selectors else {
        panic!("all S3 objects minus a bucket needs advanced selectors")
    };
    let arn = Expr::join([Expr::Attr(Res::Bucket, Attr::Arn), Expr::lit("/")]);
    assert!(selectors.iter().flat_map(|s| &s.fields).any(|f| {
        f.field == "resources.ARN"
            && f.conditions == vec![(Operator::NotStartsWith, vec![arn.clone()])]
    }));
    let kept = explained(&yaml.replace("all: true", "all: true, include_trail_bucket: true"));
    assert!(
        kept.contains("all buckets, the trail's own bucket included"),
        "{kept}"
    );
}

#[test]
fn what_is_recorded_is_read_off_the_plan_raw_selectors_included() {
    let recorded = |events: &str| {
        let (spec, model) = lowered(&format!("version: 1\ntrail: {{name: trail1}}\n{events}"));
        flat(section(&text(&spec, &model), "Recorded"))
    };
    let raw = recorded(
        "events:\n  management: none\n  advanced:\n    - field_selectors:\n        - {field: eventCategory, equals: [Management]}\n        - {field: readOnly, equals: [\"false\"]}\n    - field_selectors:\n        - {field: eventCategory, equals: [Data]}\n        - {field: resources.type, equals: [AWS::Lambda::Function]}\n",
    );
    assert!(
        raw.contains("management events: write only (partly through the raw advanced selectors)"),
        "{raw}"
    );
    assert!(
        raw.contains("data events: only through the raw advanced selectors"),
        "{raw}"
    );
    assert!(raw.contains("network activity events: none"), "{raw}");
    let plain = recorded("events: {management: read_only}\n");
    assert!(
        plain.contains("management events: read only data events: none"),
        "{plain}"
    );
}

#[test]
fn costs_list_data_events_only_when_there_are_some() {
    let none = explained("version: 1\ntrail: {name: trail1}\n");
    let costs = section(&none, "Cost drivers");
    assert!(
        !costs.contains("data events") && !costs.contains("$0.10"),
        "{costs}"
    );
    assert!(costs.contains("CloudWatch Logs delivery of the events: $0.25 per GB"));
    let some = explained(
        "version: 1\ntrail: {name: trail1}\nevents:\n  data: [{type: AWS::Lambda::Function, all: true}]\n  network_activity: [{source: kms.amazonaws.com}]\n  insights: [api_call_rate]\n",
    );
    let costs = section(&some, "Cost drivers");
    assert!(
        costs.contains("data events of AWS::Lambda::Function: $0.10 per 100,000 data events"),
        "{costs}"
    );
    assert!(costs.contains(
        "network activity events of kms.amazonaws.com: $0.10 per 100,000 network activity events"
    ));
    assert!(costs.contains("Insights (1 type): $0.35 per 100,000 events analyzed"));
}

#[test]
fn every_statement_of_every_policy_has_one_sentence() {
    let (spec, model) = lowered(&example("cis.yaml"));
    let statements: usize = super::policies::held(&model)
        .iter()
        .map(|h| h.policy.statements.len())
        .sum();
    let t = text(&spec, &model);
    let sentences = section(&t, "Who may do what")
        .lines()
        .filter(|l| l.starts_with("    allow ") || l.starts_with("    deny "))
        .count();
    assert_eq!((statements, sentences), (15, 15), "{t}");
    let t = flat(&t);
    assert!(t.contains("allow CloudTrail as this trail: s3:GetBucketAcl on the bucket"));
    assert!(
        t.contains("deny anyone, over plain HTTP: s3:* on the bucket, everything in the bucket")
    );
    assert!(t.contains("allow CloudWatch as any alarm of this account in this region: sns:Publish"));
    assert!(t.contains("allow this account (root): kms:* on this key"));
}

#[test]
fn a_new_statement_is_explained_and_drawn_without_a_change_here() {
    let (spec, mut model) = lowered("version: 1\ntrail: {name: trail1}\n");
    let bucket = model.bucket.as_mut().expect("a bucket");
    bucket.policy.statements.push(Statement {
        sid: "Readers",
        effect: Effect::Allow,
        principal: Principal::Service(Expr::lit("athena.amazonaws.com")),
        actions: vec!["s3:GetObject"],
        resources: vec![Expr::join([
            Expr::Attr(Res::Bucket, Attr::Arn),
            Expr::lit("/*"),
        ])],
        conditions: vec![Condition {
            test: "StringEquals",
            key: "aws:PrincipalOrgID",
            values: vec![Expr::lit("o-a1b2c3d4e5")],
        }],
    });
    let t = flat(&text(&spec, &model));
    assert!(
        t.contains("allow athena.amazonaws.com, if aws:PrincipalOrgID StringEquals o-a1b2c3d4e5: s3:GetObject on everything in the bucket"),
        "{t}"
    );
    let g = mermaid(&model);
    assert!(
        g.contains("bucket_policy -.->|\"allows s3:GetObject\"| principal_1"),
        "{g}"
    );
}

#[test]
fn output_is_stable_and_clean() {
    let yaml = example("cis.yaml");
    let (a, b) = (lowered(&yaml), lowered(&yaml));
    assert_eq!(text(&a.0, &a.1), text(&b.0, &b.1));
    assert_eq!(mermaid(&a.1), mermaid(&b.1));
    let t = text(&a.0, &a.1);
    assert!(t.ends_with('\n') && !t.ends_with("\n\n"));
    assert!(t.lines().all(|l| l == l.trim_end()), "trailing spaces");
}

#[test]
fn values_read_as_words_and_unknowns_as_placeholders() {
    use super::words::Words;
    let (_, model) = lowered(&example("cis.yaml"));
    let w = Words::new(&model);
    let any = |region, account| Expr::arn("cloudtrail", region, account, Expr::lit("trail/*"));
    let other = any(Some(Expr::lit("*")), Some(Expr::lit("777788889999")));
    assert_eq!(w.value(&other), "any trail of account 777788889999");
    assert_eq!(
        w.value(&any(Some(Expr::lit("*")), Some(Expr::Account))),
        "any trail of this account"
    );
    let alarms = Expr::arn(
        "cloudwatch",
        Some(Expr::Region),
        Some(Expr::Account),
        Expr::lit("alarm:*"),
    );
    assert_eq!(w.value(&alarms), "any alarm of this account in this region");
    let root = Expr::arn("iam", None, Some(Expr::Account), Expr::lit("root"));
    assert_eq!(
        w.principal(&Principal::Aws(vec![root]), ""),
        "this account (root)"
    );
    assert_eq!(w.expr(&Expr::Attr(Res::Key, Attr::Arn)), "${key.arn}");
    let bucket = Expr::Attr(Res::Bucket, Attr::Arn);
    assert_eq!(w.expr(&bucket), "arn:${partition}:s3:::acme-cis-audit-logs");
    assert_eq!(
        w.resource(&Expr::join([bucket, Expr::lit("/x/*")])),
        "x/* in the bucket"
    );
    // A bucket whose name only starts like ours is not ours.
    let lookalike = Expr::arn("s3", None, None, Expr::lit("acme-cis-audit-logs-old/x"));
    assert_eq!(
        w.resource(&lookalike),
        "arn:${partition}:s3:::acme-cis-audit-logs-old/x"
    );
    let (_, unnamed) = lowered("version: 1\ntrail: {name: trail1}\n");
    let w = Words::new(&unnamed);
    assert_eq!(
        w.expr(&Expr::Attr(Res::Bucket, Attr::Name)),
        "${bucket.name}"
    );
    assert_eq!(
        w.resource(&Expr::Attr(Res::Bucket, Attr::Arn)),
        "the bucket"
    );
}
