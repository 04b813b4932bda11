//! Every shipped example compiled to both targets and compared with reviewed golden files, checked
//! offline against the Terraform AWS provider schema, compiled twice for byte-identical output,
//! and read back to prove both targets carry the same policy statements.
//!
//! `TRAILSMITH_BLESS=1 cargo test --test golden` rewrites the golden files; review the diff line by
//! line before committing it.

#[path = "support/tf_schema.rs"]
mod tf_schema;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use trailsmith::{compile, Target};

fn examples() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("examples")
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    found.sort();
    assert!(
        found.len() >= 5,
        "expected at least five examples, found {found:?}"
    );
    found
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn build(path: &Path, target: Target) -> String {
    let text = std::fs::read_to_string(path).expect("example readable");
    let (output, diagnostics) = compile(&text, target);
    output.unwrap_or_else(|| panic!("{} does not compile: {diagnostics:?}", path.display()))
}

fn golden_path(example: &Path, target: Target) -> PathBuf {
    let ext = match target {
        Target::CloudFormation => "template.json",
        Target::Terraform => "tf.json",
    };
    PathBuf::from("tests/golden").join(format!("{}.{ext}", stem(example)))
}

#[test]
fn outputs_match_the_reviewed_golden_files() {
    let bless = std::env::var_os("TRAILSMITH_BLESS").is_some();
    let mut stale = Vec::new();
    for example in examples() {
        for target in [Target::CloudFormation, Target::Terraform] {
            let actual = build(&example, target);
            let path = golden_path(&example, target);
            if bless {
                std::fs::create_dir_all("tests/golden").expect("create tests/golden");
                std::fs::write(&path, &actual).expect("write golden");
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(actual.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "output differs from golden files (TRAILSMITH_BLESS=1 to rewrite, then review): {stale:?}"
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    for example in examples() {
        for target in [Target::CloudFormation, Target::Terraform] {
            assert_eq!(
                build(&example, target),
                build(&example, target),
                "{}",
                example.display()
            );
        }
    }
}

#[test]
fn terraform_outputs_fit_the_provider_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/terraform-aws-schema.json").expect("schema copy"),
    )
    .expect("schema parses");
    let mut findings = Vec::new();
    for example in examples() {
        let config: Value =
            serde_json::from_str(&build(&example, Target::Terraform)).expect("JSON");
        for f in tf_schema::check_config(&config, &schema) {
            findings.push(format!("{}: {f}", example.display()));
        }
    }
    assert!(findings.is_empty(), "{findings:#?}");
}

/// A statement reduced to what it means, with deploy-time values written the same way for both
/// targets, so the two can be compared.
type Canon = BTreeMap<String, String>;

/// Placeholders of each target mapped to one neutral spelling. Written by hand from the
/// CloudFormation and Terraform documentation, not taken from the emitters.
const CFN_NAMES: [(&str, &str); 11] = [
    ("${AWS::Partition}", "{partition}"),
    ("${AWS::AccountId}", "{account}"),
    ("${AWS::Region}", "{region}"),
    ("${TrailBucket.Arn}", "{bucket.arn}"),
    ("${TrailBucket}", "{bucket.name}"),
    ("${TrailTopic}", "{topic.arn}"),
    ("${TrailTopic.TopicName}", "{topic.name}"),
    ("${TrailKey.Arn}", "{key.arn}"),
    ("${TrailLogGroup}", "{log_group.name}"),
    ("${TrailLogsRole.Arn}", "{role.arn}"),
    ("${Trail.Arn}", "{trail.arn}"),
];
const TF_NAMES: [(&str, &str); 10] = [
    ("${data.aws_partition.current.partition}", "{partition}"),
    (
        "${data.aws_caller_identity.current.account_id}",
        "{account}",
    ),
    ("${data.aws_region.current.name}", "{region}"),
    ("${aws_s3_bucket.trail.arn}", "{bucket.arn}"),
    ("${aws_s3_bucket.trail.id}", "{bucket.name}"),
    ("${aws_sns_topic.trail.arn}", "{topic.arn}"),
    ("${aws_sns_topic.trail.name}", "{topic.name}"),
    ("${aws_kms_key.trail.arn}", "{key.arn}"),
    ("${aws_cloudwatch_log_group.trail.name}", "{log_group.name}"),
    ("${aws_iam_role.trail_logs.arn}", "{role.arn}"),
];

fn neutral(text: &str, names: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (from, to) in names {
        out = out.replace(from, to);
    }
    assert!(!out.contains("${"), "unmapped placeholder in {text}");
    out
}

/// A CloudFormation value (string, Ref, GetAtt, Sub) in neutral spelling.
fn cfn_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => {
            if let Some(Value::String(id)) = m.get("Ref") {
                neutral(&format!("${{{id}}}"), &CFN_NAMES)
            } else if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                let parts: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                neutral(&format!("${{{}}}", parts.join(".")), &CFN_NAMES)
            } else if let Some(Value::String(s)) = m.get("Fn::Sub") {
                neutral(s, &CFN_NAMES)
            } else {
                panic!("unexpected intrinsic {v}")
            }
        }
        other => panic!("unexpected value {other}"),
    }
}

fn many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

fn set(values: Vec<String>) -> String {
    values
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" | ")
}

fn cfn_statements(doc: &Value) -> Vec<Canon> {
    many(doc.get("Statement"))
        .into_iter()
        .map(|s| {
            let mut c = Canon::new();
            c.insert("sid".into(), cfn_value(&s["Sid"]));
            c.insert("effect".into(), cfn_value(&s["Effect"]));
            let principal = match s.get("Principal") {
                None => String::new(),
                Some(Value::String(star)) => format!("*:{star}"),
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(kind, ids)| {
                        format!(
                            "{kind}:{}",
                            set(many(Some(ids)).into_iter().map(cfn_value).collect())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(";"),
                Some(other) => panic!("principal {other}"),
            };
            c.insert("principal".into(), principal);
            c.insert(
                "actions".into(),
                set(many(s.get("Action")).into_iter().map(cfn_value).collect()),
            );
            c.insert(
                "resources".into(),
                set(many(s.get("Resource")).into_iter().map(cfn_value).collect()),
            );
            if let Some(Value::Object(tests)) = s.get("Condition") {
                for (test, keys) in tests {
                    for (key, values) in keys.as_object().expect("condition keys") {
                        let vals = set(many(Some(values)).into_iter().map(cfn_value).collect());
                        c.insert(format!("condition {test} {key}"), vals);
                    }
                }
            }
            c
        })
        .collect()
}

fn tf_str(v: &Value) -> String {
    neutral(v.as_str().expect("string"), &TF_NAMES)
}

fn tf_statements(doc: &Value) -> Vec<Canon> {
    many(doc.get("statement"))
        .into_iter()
        .map(|s| {
            let mut c = Canon::new();
            c.insert("sid".into(), tf_str(&s["sid"]));
            c.insert("effect".into(), tf_str(&s["effect"]));
            let principal = many(s.get("principals"))
                .into_iter()
                .map(|p| {
                    let kind = match p["type"].as_str() {
                        Some("Service") => "Service",
                        Some("AWS") => "AWS",
                        _ => "*",
                    };
                    format!(
                        "{kind}:{}",
                        set(many(p.get("identifiers")).into_iter().map(tf_str).collect())
                    )
                })
                .collect::<Vec<_>>()
                .join(";");
            c.insert("principal".into(), principal);
            c.insert(
                "actions".into(),
                set(many(s.get("actions")).into_iter().map(tf_str).collect()),
            );
            c.insert(
                "resources".into(),
                set(many(s.get("resources")).into_iter().map(tf_str).collect()),
            );
            for cond in many(s.get("condition")) {
                let key = format!(
                    "condition {} {}",
                    tf_str(&cond["test"]),
                    tf_str(&cond["variable"])
                );
                c.insert(
                    key,
                    set(many(cond.get("values")).into_iter().map(tf_str).collect()),
                );
            }
            c
        })
        .collect()
}

/// Policy documents of a CloudFormation template, by what they protect.
fn cfn_policies(template: &Value) -> BTreeMap<&'static str, Vec<Canon>> {
    let r = &template["Resources"];
    let mut out = BTreeMap::new();
    let mut put = |name, doc: &Value| {
        if !doc.is_null() {
            out.insert(name, cfn_statements(doc));
        }
    };
    put(
        "bucket",
        &r["TrailBucketPolicy"]["Properties"]["PolicyDocument"],
    );
    put("key", &r["TrailKey"]["Properties"]["KeyPolicy"]);
    put(
        "topic",
        &r["TrailTopicPolicy"]["Properties"]["PolicyDocument"],
    );
    put(
        "logs_trust",
        &r["TrailLogsRole"]["Properties"]["AssumeRolePolicyDocument"],
    );
    put(
        "logs",
        &r["TrailLogsRole"]["Properties"]["Policies"][0]["PolicyDocument"],
    );
    out
}

/// Policy documents of a Terraform configuration, and proof each one is attached where expected.
fn tf_policies(config: &Value) -> BTreeMap<&'static str, Vec<Canon>> {
    let docs = &config["data"]["aws_iam_policy_document"];
    let r = &config["resource"];
    let attached = [
        ("bucket", &r["aws_s3_bucket_policy"]["trail"]["policy"]),
        ("key", &r["aws_kms_key"]["trail"]["policy"]),
        ("topic", &r["aws_sns_topic_policy"]["trail"]["policy"]),
        (
            "logs_trust",
            &r["aws_iam_role"]["trail_logs"]["assume_role_policy"],
        ),
        ("logs", &r["aws_iam_role_policy"]["trail_logs"]["policy"]),
    ];
    let mut out = BTreeMap::new();
    for (name, use_site) in attached {
        let doc = &docs[name];
        if doc.is_null() {
            assert!(use_site.is_null(), "{name} policy used but not defined");
            continue;
        }
        assert_eq!(
            use_site.as_str(),
            Some(format!("${{data.aws_iam_policy_document.{name}.json}}").as_str()),
            "{name} policy document is not the one attached"
        );
        out.insert(name, tf_statements(doc));
    }
    out
}

#[test]
fn both_targets_carry_the_same_policy_statements() {
    for example in examples() {
        let template: Value =
            serde_json::from_str(&build(&example, Target::CloudFormation)).expect("JSON");
        let config: Value =
            serde_json::from_str(&build(&example, Target::Terraform)).expect("JSON");
        let (cfn, tf) = (cfn_policies(&template), tf_policies(&config));
        assert_eq!(
            cfn,
            tf,
            "policies differ between targets for {}",
            example.display()
        );
        let created = template["Resources"]
            .as_object()
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(created > 1, "{}: nothing created", example.display());
    }
}

#[test]
fn the_comparison_sees_a_changed_statement() {
    // Guards the parity test itself: a one-word change in one target must show up.
    let example = PathBuf::from("examples/minimal.yaml");
    let template: Value =
        serde_json::from_str(&build(&example, Target::CloudFormation)).expect("JSON");
    let mut config: Value =
        serde_json::from_str(&build(&example, Target::Terraform)).expect("JSON");
    config["data"]["aws_iam_policy_document"]["bucket"]["statement"][1]["actions"][0] =
        Value::from("s3:PutObjectAcl");
    assert_ne!(cfn_policies(&template), tf_policies(&config));
}
