//! Unit tests of the template reader: YAML tags to their long form, intrinsic resolution, and
//! what a trail's properties become.

use super::eval::Template;
use super::{read, yaml};
use crate::deployed::{Failure, File, Selectors};
use crate::diag::Code;
use serde_json::{json, Value};

fn template(yaml_text: &str) -> Template {
    Template::of(&yaml::parse(yaml_text).expect("valid YAML"))
}

fn one(text: &str) -> Result<crate::deployed::Read, Failure> {
    read(
        &[File {
            name: "t.yaml".into(),
            text: text.into(),
        }],
        None,
    )
}

#[test]
fn short_form_tags_become_the_long_form() {
    let v = yaml::parse(
        "a: !Ref X\n\
         b: !GetAtt Log.Arn\n\
         c: !GetAtt [Db, Endpoint.Address]\n\
         d: !Sub [\"${A}-x\", {A: !Ref B}]\n\
         e: !If [C, !Join ['', [a, !Ref AWS::Region]], !Ref AWS::NoValue]\n\
         f: !Equals [!Ref E, prod]\n\
         g: !Select [0, !GetAZs '']\n\
         h: !Condition IsProd\n\
         i: !FindInMap [M, !Ref AWS::Region, k]\n",
    )
    .expect("parses");
    assert_eq!(v["a"], json!({"Ref": "X"}));
    assert_eq!(v["b"], json!({"Fn::GetAtt": ["Log", "Arn"]}));
    assert_eq!(v["c"], json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]}));
    assert_eq!(v["d"], json!({"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]}));
    assert_eq!(
        v["e"],
        json!({"Fn::If": ["C", {"Fn::Join": ["", ["a", {"Ref": "AWS::Region"}]]}, {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(v["f"], json!({"Fn::Equals": [{"Ref": "E"}, "prod"]}));
    assert_eq!(v["g"], json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
    assert_eq!(v["h"], json!({"Condition": "IsProd"}));
    assert_eq!(
        v["i"],
        json!({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "k"]})
    );
}

#[test]
fn plain_scalars_are_typed_as_cloudformation_reads_them() {
    let v = yaml::parse("a: true\nb: 90\nc: '90'\nd: 012345678901\ne: yes\nf: 1.5\ng: \"true\"\n")
        .expect("parses");
    assert_eq!(v["a"], json!(true));
    assert_eq!(v["b"], json!(90));
    assert_eq!(v["c"], json!("90"));
    // An account id keeps its leading zero.
    assert_eq!(v["d"], json!("012345678901"));
    assert_eq!(v["e"], json!("yes"));
    assert_eq!(v["f"], json!(1.5));
    assert_eq!(v["g"], json!("true"));
}

#[test]
fn bad_yaml_is_located_and_unknown_tags_refused() {
    let e = yaml::parse("Resources:\n  A: [1, 2\n").expect_err("unclosed");
    assert!(e.pos.line >= 2, "{e:?}");
    let e = yaml::parse("a: !Reff X\n").expect_err("unknown tag");
    assert!(e.message.contains("!Reff"), "{}", e.message);
    assert!(yaml::parse("a: !GetAtt NoDot\n").is_err());
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n".to_string()
        + &(1..8)
            .map(|i| {
                format!(
                    "a{i}: &a{i} [{}]\n",
                    vec![
                        if i == 1 {
                            "*a".to_string()
                        } else {
                            format!("*a{}", i - 1)
                        };
                        10
                    ]
                    .join(", ")
                )
            })
            .collect::<String>();
    assert!(yaml::parse(&bomb)
        .expect_err("bounded")
        .message
        .contains("nodes"));
}

const TEMPLATE: &str = r#"
Parameters:
  Name: {Type: String, Default: audit}
  Regions: {Type: CommaDelimitedList, Default: "eu-west-1, us-east-1"}
  NoDefault: {Type: String}
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Unknowable: !Equals [!Ref AWS::Region, eu-west-1]
Mappings:
  Sizes: {prod: {days: 365}}
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${Name}-logs"}}
  Anonymous: {Type: AWS::S3::Bucket}
  Topic: {Type: AWS::SNS::Topic, Properties: {TopicName: alerts}}
  Group: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Join ["/", [CloudTrail, !Ref Name]]}}
  Key: {Type: AWS::KMS::Key}
"#;

fn eval(t: &Template, yaml_value: &str) -> Result<Option<Value>, super::eval::Unresolved> {
    t.eval(&yaml::parse(yaml_value).expect("valid"))
}

#[test]
fn refs_give_what_cloudformation_returns_for_each_type() {
    let t = template(TEMPLATE);
    let ok = |v: &str| eval(&t, v).expect(v).expect("a value");
    assert_eq!(ok("!Ref Name"), json!("audit"));
    assert_eq!(ok("!Ref Regions"), json!(["eu-west-1", "us-east-1"]));
    assert_eq!(ok("!Ref Bucket"), json!("audit-logs"));
    assert_eq!(ok("!GetAtt Bucket.Arn"), json!("arn:aws:s3:::audit-logs"));
    assert_eq!(ok("!Ref Topic"), json!("arn:aws:sns:::alerts"));
    assert_eq!(ok("!GetAtt Topic.TopicName"), json!("alerts"));
    assert_eq!(ok("!Ref Group"), json!("CloudTrail/audit"));
    assert_eq!(
        ok("!GetAtt Group.Arn"),
        json!("arn:aws:logs:::log-group:CloudTrail/audit:*")
    );
    assert_eq!(
        ok("!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}'"),
        json!("arn:aws:s3:::audit-logs/${Literal}")
    );
    assert_eq!(
        ok("!Sub 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic.TopicName}'"),
        json!("arn:aws:sns:::alerts")
    );
    assert_eq!(ok("!Select [1, !Split [',', 'a,b,c']]"), json!("b"));
    assert_eq!(ok("!FindInMap [Sizes, !Ref Env, days]"), json!(365));
    assert_eq!(ok("!Base64 'ab?'"), json!("YWI/"));
    assert_eq!(ok("[a, !Ref AWS::NoValue, b]"), json!(["a", "b"]));
    assert_eq!(eval(&t, "!If [NotProd, x, !Ref AWS::NoValue]"), Ok(None));
    assert_eq!(ok("!If [IsProd, 1, 2]"), json!(1));
}

#[test]
fn what_the_template_does_not_say_is_unresolved_with_its_expression() {
    let t = template(TEMPLATE);
    let why = |v: &str| eval(&t, v).expect_err(v);
    let u = why("!Ref NoDefault");
    assert_eq!(u.expr, r#"{"Ref":"NoDefault"}"#);
    assert!(u.why.contains("no Default"), "{}", u.why);
    assert!(why("!Ref Anonymous").why.contains("deploy time"));
    assert!(why("!GetAtt Key.Arn").why.contains("once deployed"));
    assert!(why("!ImportValue shared-bucket").why.contains("export"));
    // The region may stand in an ARN's region field, nowhere else.
    assert!(why("!Sub '${AWS::Region}/logs'").why.contains("Region"));
    assert!(why("!If [Unknowable, a, b]").why.contains("Region"));
    assert!(why("!Ref Nothing").why.contains("names nothing"));
    // The innermost expression is the one named.
    let u = why("!Join ['', [a, !ImportValue x]]");
    assert_eq!(u.expr, r#"{"Fn::ImportValue":"x"}"#);
}

#[test]
fn a_rule_pinning_the_region_and_account_makes_them_known() {
    let t = template(
        "Rules:\n  Home:\n    Assertions:\n      - Assert: !Equals [!Ref AWS::Region, cn-north-1]\n      \
         - Assert: !Equals [!Ref AWS::AccountId, '111122223333']\n\
         Resources:\n  T: {Type: AWS::SNS::Topic, Properties: {TopicName: x}}\n",
    );
    assert_eq!(t.partition, "aws-cn");
    assert_eq!(
        eval(&t, "!Ref T").expect("known"),
        Some(json!("arn:aws-cn:sns:cn-north-1:111122223333:x"))
    );
}

#[test]
fn a_trail_reads_into_facts_and_notes() {
    let r = one(r#"
Parameters:
  Prefix: {Type: String}
Resources:
  Key: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: true}}
  Logs: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 90}}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: audit
      S3BucketName: existing-logs
      S3KeyPrefix: !Ref Prefix
      IsLogging: "false"
      KmsKeyId: !Ref Key
      CloudWatchLogsLogGroupArn: !GetAtt Logs.Arn
      EventSelectors:
        - DataResources:
            - Type: AWS::S3::Object
              Values: [!Sub "arn:${AWS::Partition}:s3:::payroll/"]
      Mystery: 1
"#)
    .expect("reads");
    let d = &r.deployed;
    assert_eq!(d.trail.name, "audit");
    assert_eq!(d.trail.bucket, "existing-logs");
    assert_eq!(d.trail.prefix, None);
    assert_eq!(d.logging, Some(false));
    assert!(!d.trail.multi_region && d.trail.global_service_events);
    assert_eq!(d.trail.kms_key_id, None);
    assert_eq!(d.key.as_ref().map(|k| k.arn.as_str()), Some(""));
    assert_eq!(d.trail.log_group_name(), Some("CloudTrail/audit"));
    assert_eq!(
        d.log_group.as_ref().and_then(|g| g.retention_days),
        Some(90)
    );
    let Some(Selectors::Basic(s)) = &d.selectors else {
        panic!("basic selectors: {:?}", d.selectors)
    };
    assert_eq!(s[0].data_resources[0].1, ["arn:aws:s3:::payroll/"]);
    assert_eq!(d.insights, Some(Vec::new()));
    let notes = r.notes.join("\n");
    for said in [
        "Trail.S3KeyPrefix: {\"Ref\":\"Prefix\"} cannot be resolved",
        "Logs.LogGroupName: not set",
        "Trail.Mystery: not read",
    ] {
        assert!(notes.contains(said), "{said} not in:\n{notes}");
    }
    assert_eq!(r.source, "the CloudFormation template t.yaml (trail Trail)");
}

#[test]
fn several_trails_need_a_choice_and_none_is_a_located_error() {
    let two = "Resources:\n  A: {Type: AWS::CloudTrail::Trail, Properties: {TrailName: one}}\n  \
               B: {Type: AWS::CloudTrail::Trail}\n";
    match one(two) {
        Err(Failure::Usage(m)) => assert!(m.contains("A (TrailName one), B"), "{m}"),
        other => panic!("{other:?}"),
    }
    let file = File {
        name: "t.yaml".into(),
        text: two.into(),
    };
    let chosen = read(std::slice::from_ref(&file), Some("one")).expect("by TrailName");
    assert_eq!(chosen.deployed.trail.name, "one");
    match one("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B: {Type: AWS::S3::Bucket}\n")
    {
        Err(Failure::File(d)) => {
            assert_eq!(d.code, Code::ImportNoTrail);
            assert_eq!(d.pos.map(|p| p.line), Some(2));
        }
        other => panic!("{other:?}"),
    }
    match one("Resources:\n  A: [\n") {
        Err(Failure::File(d)) => assert_eq!(d.code, Code::ImportInvalidYaml),
        other => panic!("{other:?}"),
    }
}

#[test]
fn templates_are_told_apart_from_aws_cli_outputs() {
    assert!(super::is_template(
        "AWSTemplateFormatVersion: \"2010-09-09\"\n"
    ));
    assert!(super::is_template("Resources:\n  A: [\n"));
    assert!(super::is_template("{\"Resources\": {}}"));
    assert!(!super::is_template("{\"trailList\": []}"));
    assert!(!super::is_template("trail:\n  name: x\n"));
}

#[test]
fn a_name_that_refers_to_itself_ends_unresolved() {
    let t = template(
        "Resources:\n  B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Ref B}}\n  \
         L: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Sub '${L.Arn}'}}\n\
         Conditions:\n  C: !Condition C\n",
    );
    assert!(eval(&t, "!Ref B").is_err());
    assert!(eval(&t, "!GetAtt L.Arn").is_err());
    assert!(t.condition("C").is_err());
}

#[test]
fn odd_shapes_never_panic() {
    for text in [
        "Resources: []\n",
        "Resources:\n  T: {Type: AWS::CloudTrail::Trail, Properties: []}\n",
        "Resources:\n  T: {Type: AWS::CloudTrail::Trail, Properties: {EventSelectors: 3, \
         AdvancedEventSelectors: [1], InsightSelectors: x, S3BucketName: !Sub '${', \
         KmsKeyId: !GetAtt [X], SnsTopicName: !Select [9, []], IsLogging: !Join [1, 2]}}\n",
        "Resources:\n  T: {Type: AWS::CloudTrail::Trail, Properties: {CloudWatchLogsLogGroupArn: \
         !Ref G}}\n  G: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: -1}}\n  \
         F: {Type: AWS::Logs::MetricFilter, Properties: {LogGroupName: !Ref G, \
         MetricTransformations: 1}}\n",
    ] {
        let _ = one(text);
    }
}
