//! Unit tests of `explain`: what the summary says for each kind of spec, and that the graph is
//! well formed, escaped, stable and follows the model's references.

use super::{mermaid, text, text_all};
use crate::expr::{Attr, Expr, Res};
use crate::model::{self, Model};
use crate::policy::{Condition, Effect, Principal, Statement};
use crate::selectors::{Op, Selectors};
use crate::spec::Spec;

pub(super) fn lowered(yaml: &str) -> (Spec, Model) {
    let (spec, selectors) = crate::validate::valid(yaml);
    let model = model::lower(&spec, selectors);
    (spec, model)
}

/// Every output of a spec, as `explain` lowers it.
pub(super) fn lowered_all(yaml: &str) -> (Spec, Vec<Model>) {
    let (spec, selectors) = crate::validate::valid(yaml);
    let models = model::lower_all(&spec, selectors);
    (spec, models)
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
    // The words ask `selectors` the rule the plan follows; the plan must agree with them.
    let Selectors::Advanced(selectors) = &model.trail.as_ref().expect("a trail").selectors else {
        panic!("all S3 objects minus a bucket needs advanced selectors")
    };
    let arn = Expr::join([Expr::Attr(Res::Bucket, Attr::Arn), Expr::lit("/")]);
    assert!(selectors.iter().flat_map(|s| &s.fields).any(|f| {
        f.field == "resources.ARN" && f.conditions == vec![(Op::NotStartsWith, vec![arn.clone()])]
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

/// The text of a layout: the layout section, then each part's block from its heading on.
fn layout_blocks(yaml: &str) -> (String, String, String) {
    let (spec, models) = lowered_all(yaml);
    let t = text_all(&spec, &models);
    let first = "Part 1 of 2: log archive account 111111111111 (deploy first)\n====";
    let second = "Part 2 of 2: management account 222222222222\n====";
    let (layout, rest) = t.split_once(first).unwrap_or_else(|| panic!("{t}"));
    let (archive, management) = rest.split_once(second).unwrap_or_else(|| panic!("{t}"));
    (
        layout.to_string(),
        archive.to_string(),
        management.to_string(),
    )
}

#[test]
fn a_layout_is_explained_part_by_part_in_deploy_order() {
    let (layout, archive, management) = layout_blocks(&example("organization-layout.yaml"));
    assert!(
        layout.starts_with("Organization layout: 2 parts"),
        "{layout}"
    );
    // The trail, what it records and its alarms are the management part's alone.
    for heading in [
        "Trail org-audit",
        "Recorded",
        "\n  CloudTrail trail org-audit\n",
    ] {
        assert!(!archive.contains(heading), "{heading} in\n{archive}");
        assert!(
            management.contains(heading),
            "{heading} not in\n{management}"
        );
    }
    assert!(!archive.contains("15 alarms") && management.contains("15 alarms"));
    // Each part names its own account, and where log files of the management account land.
    let archive = flat(&archive);
    assert!(archive.contains("allow account 111111111111 (root): kms:* on this key"));
    assert!(archive.contains(
        "S3 bucket for the log files: s3://acme-org-audit-logs-111111111111-eu-west-1/org/AWSLogs/222222222222/"
    ));
    assert!(archive.contains(
        "CloudTrail trail org-audit, made by the management part (account 222222222222)"
    ));
    let management = flat(&management);
    assert!(management.contains("allow account 222222222222 (root): kms:* on this key"));
    assert!(management.contains(
        "KMS key for the log files, made by the log archive part (account 111111111111): its ARN is passed in as kms_key_arn"
    ));
    assert!(management.contains(
        "alias/org-audit-monitoring: automatic rotation on, deletion waits 30 days once scheduled encrypts the CloudWatch Logs group and topics"
    ));
    // Storage is billed where the bucket is, events where the trail is.
    assert!(archive.contains("S3 storage and requests of the log files"));
    assert!(!management.contains("S3 storage"));
    assert!(!archive.contains("CloudWatch Logs delivery"));
}

#[test]
fn a_layout_says_the_order_the_hand_off_the_prerequisites_and_the_grants() {
    let (spec, models) = lowered_all(&example("organization-layout.yaml"));
    let (layout, _, _) = layout_blocks(&example("organization-layout.yaml"));
    let layout = flat(&layout);
    for said in [
        "1. log archive part, in account 111111111111 (synth --part log-archive) 2. management part, in account 222222222222",
        "why this order: CreateTrail checks the bucket policy, so the management part's trail cannot be created before the log archive part has written that policy",
        "hand-off: pass output kms_key_arn of the log archive part (KmsKeyArn in CloudFormation) to the management part, as the CloudFormation parameter KmsKeyArn or Terraform's -var kms_key_arn=VALUE",
        "in the management account 222222222222: all features enabled in AWS Organizations, and trusted access for CloudTrail (aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com)",
        "CloudFormation cannot create an organization trail from a delegated administrator account",
        "\"this trail\" is arn:${partition}:cloudtrail:eu-west-1:222222222222:trail/org-audit",
        "bucket policy (log archive account 111111111111): CloudTrail may write log files to the bucket only as this trail (org/AWSLogs/222222222222/* and org/AWSLogs/o-a1b2c3d4e5/*)",
        "key policy (log archive account 111111111111): CloudTrail may encrypt log files only as this trail; arn:aws:iam::111111111111:role/LogArchiveReader and arn:aws:iam::333333333333:role/SecurityAudit may decrypt them",
        "needs kms:Decrypt on the key in an IAM policy of its own account: arn:aws:iam::333333333333:role/SecurityAudit",
    ] {
        assert!(layout.contains(said), "not said: {said}\n{layout}");
    }
    // The hand-off is the model's: the output it names is one the supplying part has.
    let input = &models[1].inputs[0];
    assert_eq!(models[0].part, Some(input.from.0));
    assert!(models[0].outputs.iter().any(|o| o.name == input.from.1));
    // A whole trail reads as it always has.
    let whole = lowered_all(&example("cis.yaml"));
    assert_eq!(text_all(&whole.0, &whole.1), text(&whole.0, &whole.1[0]));
    assert!(!text_all(&spec, &models).contains("Part 3"));
}

#[test]
fn with_the_key_in_the_management_account_every_reader_elsewhere_needs_an_iam_grant() {
    let yaml = example("organization-layout.yaml").replace(
        "  management: \"222222222222\"\n",
        "  management: \"222222222222\"\n  key: management\n",
    );
    let (layout, archive, management) = layout_blocks(&yaml);
    let layout = flat(&layout);
    assert!(!layout.contains("hand-off"), "{layout}");
    assert!(layout.contains("key policy (management account 222222222222): CloudTrail may encrypt log files only as this trail"), "{layout}");
    assert!(layout.contains("IAM policy of its own account: arn:aws:iam::111111111111:role/LogArchiveReader and arn:aws:iam::333333333333:role/SecurityAudit"), "{layout}");
    assert!(flat(&archive).contains("SSE-KMS with this account's AWS managed key aws/s3"));
    assert!(!archive.contains("KMS key alias/"), "{archive}");
    assert!(!management.contains("passed in as"), "{management}");
    // Without an organization there is nothing to enable in AWS Organizations.
    let single_account_trail =
        example("organization-layout.yaml").replace("  organization:\n    id: o-a1b2c3d4e5\n", "");
    let (layout, _, management) = layout_blocks(&single_account_trail);
    assert!(
        !layout.contains("trusted access") && !layout.contains("delegated"),
        "{layout}"
    );
    assert!(flat(&layout).contains("only as this trail (org/AWSLogs/222222222222/*)"));
    assert!(management.contains("organization trail: no"));
}
