//! Every shipped example compiled to both targets and compared with reviewed golden files, checked
//! offline against the Terraform AWS provider schema, compiled twice for byte-identical output,
//! and read back to prove both targets carry the same policy statements, event selectors, metric
//! filters and alarms.
//!
//! `TRAILSMITH_BLESS=1 cargo test --test golden` rewrites the golden files; review the diff line by
//! line before committing it.

#[path = "support/tf_schema.rs"]
mod tf_schema;

/// Metric filters and alarms compared across targets (kept apart to keep this file short).
#[path = "support/alarm_parity.rs"]
mod alarm_parity;
/// The Athena table and workgroup compared across targets.
#[path = "support/athena_parity.rs"]
mod athena_parity;
/// The bucket's hardening and the key's settings compared across targets.
#[path = "support/bucket_parity.rs"]
mod bucket_parity;
#[path = "support/corpus.rs"]
mod corpus;
/// Template code in outputs: Terraform `${`/`%{`, CloudFormation `Fn::Sub` placeholders.
#[path = "support/interpolation.rs"]
mod interpolation;
/// The EventBridge rules of `alarms.events` compared across targets.
#[path = "support/rule_parity.rs"]
mod rule_parity;

use corpus::spec_files;
use interpolation::{sub_pieces, terraform_pieces, Piece};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use trailsmith::{compile, Target};

/// Every shipped example and every golden-only case under `tests/cases/`.
fn examples() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = ["examples", "tests/cases"]
        .iter()
        .flat_map(|dir| spec_files(dir))
        .collect();
    found.sort();
    let mut stems: Vec<String> = found.iter().map(|p| stem(p)).collect();
    stems.sort();
    stems.dedup();
    assert_eq!(
        stems.len(),
        found.len(),
        "golden files are named by stem, so stems must differ"
    );
    assert!(
        found.len() >= 13,
        "expected the examples and the golden cases, found {found:?}"
    );
    found
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

/// One output of a spec: the whole trail, or one part of an organization layout (named as in
/// `--out-dir`).
#[derive(Clone)]
struct Case {
    spec: PathBuf,
    part: Option<&'static str>,
}

impl Case {
    fn whole(spec: &str) -> Case {
        Case {
            spec: PathBuf::from(spec),
            part: None,
        }
    }

    fn display(&self) -> String {
        match self.part {
            Some(p) => format!("{} ({p} part)", self.spec.display()),
            None => self.spec.display().to_string(),
        }
    }

    /// `.log-archive` for a part, nothing for a whole trail.
    fn suffix(&self) -> String {
        self.part.map(|p| format!(".{p}")).unwrap_or_default()
    }
}

/// Each output with its part, or the diagnostics when this target refuses the spec (a spec may
/// use what only one target can deploy); a spec with errors for both targets is a broken case.
fn try_build(path: &Path, target: Target) -> Result<Vec<(Case, String)>, String> {
    let text = std::fs::read_to_string(path).expect("example readable");
    let (output, diagnostics) = compile(&text, target);
    let outputs = output.ok_or_else(|| {
        let file = path.display().to_string();
        diagnostics
            .iter()
            .map(|d| d.render(&file))
            .collect::<String>()
    })?;
    Ok(outputs
        .into_iter()
        .map(|o| {
            let case = Case {
                spec: path.to_path_buf(),
                part: o.part.map(|p| p.slug()),
            };
            (case, o.text)
        })
        .collect())
}

/// The output of one case.
fn build(case: &Case, target: Target) -> String {
    let outputs = try_build(&case.spec, target)
        .unwrap_or_else(|e| panic!("{} does not compile:\n{e}", case.display()));
    outputs
        .into_iter()
        .find(|(c, _)| c.part == case.part)
        .map(|(_, text)| text)
        .unwrap_or_else(|| panic!("{} has no such output", case.display()))
}

/// A case's output for `target`, read as JSON: what the parity tests compare.
fn parsed(case: &Case, target: Target) -> Value {
    serde_json::from_str(&build(case, target)).expect("JSON")
}

/// Outputs of every case that compiles for `target`, each part of a layout apart.
fn built(target: Target) -> Vec<(Case, String)> {
    examples()
        .into_iter()
        .filter_map(|p| try_build(&p, target).ok())
        .flatten()
        .collect()
}

fn golden_path(case: &Case, target: Target, refused: bool) -> PathBuf {
    let ext = match (target, refused) {
        (Target::CloudFormation, false) => "template.json",
        (Target::CloudFormation, true) => "template.err",
        (Target::Terraform, false) => "tf.json",
        (Target::Terraform, true) => "tf.err",
    };
    PathBuf::from("tests/golden").join(format!("{}{}.{ext}", stem(&case.spec), case.suffix()))
}

#[test]
fn outputs_match_the_reviewed_golden_files() {
    let bless = std::env::var_os("TRAILSMITH_BLESS").is_some();
    let mut stale = Vec::new();
    for example in examples() {
        let mut refusals = 0;
        for target in [Target::CloudFormation, Target::Terraform] {
            let whole = Case {
                spec: example.clone(),
                part: None,
            };
            let files: Vec<(PathBuf, String)> = match try_build(&example, target) {
                Ok(outputs) => outputs
                    .into_iter()
                    .map(|(case, text)| (golden_path(&case, target, false), text))
                    .collect(),
                Err(e) => {
                    refusals += 1;
                    vec![(golden_path(&whole, target, true), e)]
                }
            };
            // A golden file of the other kind (output or refusal) for the same case is stale.
            let strays: Vec<PathBuf> = files
                .iter()
                .map(|(path, _)| {
                    let refused = path.extension().is_some_and(|e| e == "err");
                    let name = path.to_string_lossy().to_string();
                    let (from, to) = match (target, refused) {
                        (Target::CloudFormation, false) => ("template.json", "template.err"),
                        (Target::CloudFormation, true) => ("template.err", "template.json"),
                        (Target::Terraform, false) => ("tf.json", "tf.err"),
                        (Target::Terraform, true) => ("tf.err", "tf.json"),
                    };
                    PathBuf::from(format!("{}{to}", name.strip_suffix(from).unwrap_or(&name)))
                })
                .collect();
            for ((path, actual), stray) in files.iter().zip(&strays) {
                if bless {
                    std::fs::create_dir_all("tests/golden").expect("create tests/golden");
                    std::fs::write(path, actual).expect("write golden");
                    let _ = std::fs::remove_file(stray);
                } else if std::fs::read_to_string(path).ok().as_deref() != Some(actual.as_str())
                    || stray.exists()
                {
                    stale.push(path.display().to_string());
                }
            }
        }
        assert!(refusals < 2, "{} compiles for no target", example.display());
    }
    assert!(
        stale.is_empty(),
        "output differs from golden files (TRAILSMITH_BLESS=1 to rewrite, then review): {stale:?}"
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    for target in [Target::CloudFormation, Target::Terraform] {
        for (case, first) in built(target) {
            assert_eq!(first, build(&case, target), "{}", case.display());
        }
    }
}

/// Each Terraform output against the schema of the provider line it asks for: the 5.100 schema
/// `terraform providers schema -json` printed, or the hand-checked 6.x subset
/// (`tests/data/README.md` says where each of its facts comes from).
#[test]
fn terraform_outputs_fit_the_provider_schema() {
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema copy"))
            .expect("schema parses")
    };
    let schema_5 = read("tests/data/terraform-aws-schema.json");
    let schema_6 = read("tests/data/terraform-aws-6-schema-subset.json");
    let mut findings = Vec::new();
    let mut lines = (0, 0);
    for (example, output) in built(Target::Terraform) {
        let config: Value = serde_json::from_str(&output).expect("JSON");
        let version = config["terraform"]["required_providers"]["aws"]["version"]
            .as_str()
            .unwrap_or_default();
        let (schema, retired) = match version {
            "~> 5.100" => {
                lines.0 += 1;
                (&schema_5, "${data.aws_region.current.region}")
            }
            "~> 6.2" => {
                lines.1 += 1;
                (&schema_6, "${data.aws_region.current.name}")
            }
            other => panic!("{}: unexpected provider version {other}", example.display()),
        };
        // 5.x has no `region` attribute on `data.aws_region`; 6.x deprecates `name`.
        if output.contains(retired) {
            findings.push(format!(
                "{}: names the region as {retired}",
                example.display()
            ));
        }
        for f in tf_schema::check_config(&config, schema) {
            findings.push(format!("{}: {f}", example.display()));
        }
    }
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(lines.0 >= 13 && lines.1 >= 1, "outputs per line: {lines:?}");
}

/// The golden files of one extension, parsed, with their paths.
fn golden_files(ext: &str) -> Vec<(PathBuf, Value)> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("tests/golden")
        .expect("tests/golden")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_str().is_some_and(|p| p.ends_with(ext)))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("golden readable");
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, value)
        })
        .collect()
}

#[test]
fn golden_outputs_hold_no_template_code_but_their_own_references() {
    // Every `${`/`%{` of a Terraform golden is a reference to a block it declares, every `Fn::Sub`
    // placeholder of a CloudFormation golden one the template resolves; user text is escaped.
    for (ext, scan, least) in [
        (
            ".tf.json",
            interpolation::terraform_scan as fn(&Value) -> interpolation::Scan,
            15,
        ),
        (".template.json", interpolation::cloudformation_scan, 10),
    ] {
        let files = golden_files(ext);
        assert!(files.len() >= 21, "only {} {ext} golden files", files.len());
        let mut total = 0;
        for (path, output) in &files {
            let found = scan(output);
            assert!(
                found.problems.is_empty(),
                "{}: {:#?}",
                path.display(),
                found.problems
            );
            // Even an output that creates almost nothing refers to the account, the partition and
            // its trail (19 and 13 references today): a scan that sees fewer is not reading it. A
            // layout's log archive part has no trail: its bucket and policy alone hold 9 in
            // CloudFormation (the fewest today), so it is held to a floor below that.
            let least = if path.to_string_lossy().contains(".log-archive.") {
                least.min(8)
            } else {
                least
            };
            assert!(
                found.references >= least,
                "{}: only {} references seen",
                path.display(),
                found.references
            );
            total += found.references;
        }
        println!(
            "{ext}: {} golden files, {total} references, all to what they declare",
            files.len()
        );
    }
}

/// A statement reduced to what it means, with deploy-time values written the same way for both
/// targets, so the two can be compared.
type Canon = BTreeMap<String, String>;

/// Placeholders of each target mapped to one neutral spelling. Written by hand from the
/// CloudFormation and Terraform documentation, not taken from the emitters.
const CFN_NAMES: [(&str, &str); 13] = [
    ("${AWS::Partition}", "{partition}"),
    ("${AWS::AccountId}", "{account}"),
    ("${AWS::Region}", "{region}"),
    ("${TrailBucket.Arn}", "{bucket.arn}"),
    ("${TrailBucket}", "{bucket.name}"),
    ("${TrailTopic}", "{topic.arn}"),
    ("${TrailTopic.TopicName}", "{topic.name}"),
    ("${AlertsTopic}", "{alerts_topic.arn}"),
    ("${TrailKey.Arn}", "{key.arn}"),
    ("${TrailLogGroup}", "{log_group.name}"),
    ("${TrailLogsRole.Arn}", "{role.arn}"),
    ("${Trail.Arn}", "{trail.arn}"),
    ("${TrailAthenaDatabase}", "{athena_database.name}"),
];
const TF_NAMES: [(&str, &str); 13] = [
    ("${data.aws_partition.current.partition}", "{partition}"),
    (
        "${data.aws_caller_identity.current.account_id}",
        "{account}",
    ),
    ("${data.aws_region.current.name}", "{region}"),
    // hashicorp/aws 6 names the region `region` (`name` is deprecated in 6.0).
    ("${data.aws_region.current.region}", "{region}"),
    ("${aws_s3_bucket.trail.arn}", "{bucket.arn}"),
    ("${aws_s3_bucket.trail.id}", "{bucket.name}"),
    ("${aws_sns_topic.trail.arn}", "{topic.arn}"),
    ("${aws_sns_topic.trail.name}", "{topic.name}"),
    ("${aws_sns_topic.alerts.arn}", "{alerts_topic.arn}"),
    ("${aws_kms_key.trail.arn}", "{key.arn}"),
    ("${aws_cloudwatch_log_group.trail.name}", "{log_group.name}"),
    ("${aws_iam_role.trail_logs.arn}", "{role.arn}"),
    (
        "${aws_glue_catalog_database.trail.name}",
        "{athena_database.name}",
    ),
];

/// A template string in neutral spelling: each placeholder mapped through `names` (one that is not
/// there fails), the text between them as the target reads it (`$${` is `${` in Terraform, `${!`
/// is `${` in an `Fn::Sub`), split by `pieces`.
fn neutral(text: &str, names: &[(&str, &str)], pieces: Pieces) -> String {
    pieces(text)
        .unwrap_or_else(|e| panic!("{e} in {text}"))
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Ref(r) => {
                let placeholder = format!("${{{r}}}");
                names
                    .iter()
                    .find(|(from, _)| *from == placeholder)
                    .map(|(_, to)| to.to_string())
                    .or_else(|| parameter(&r))
                    .unwrap_or_else(|| panic!("unmapped placeholder {placeholder} in {text}"))
            }
        })
        .collect()
}

/// A deployer's value in neutral spelling: a Terraform variable `var.log_bucket` and the
/// CloudFormation parameter `LogBucket` (its name in PascalCase, as the README says) are both
/// `{param:log_bucket}`. A name with `::` or `.` is a pseudo parameter or an attribute, not this.
fn parameter(reference: &str) -> Option<String> {
    if let Some(var) = reference.strip_prefix("var.") {
        return Some(format!("{{param:{var}}}"));
    }
    if !reference.starts_with(|c: char| c.is_ascii_uppercase())
        || !reference.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut snake = String::new();
    for (i, c) in reference.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    Some(format!("{{param:{snake}}}"))
}

type Pieces = fn(&str) -> Result<Vec<Piece>, String>;

/// A CloudFormation value (string, Ref, GetAtt, Sub) in neutral spelling.
fn cfn_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => {
            if let Some(Value::String(id)) = m.get("Ref") {
                neutral(&format!("${{{id}}}"), &CFN_NAMES, sub_pieces)
            } else if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                let parts: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                neutral(&format!("${{{}}}", parts.join(".")), &CFN_NAMES, sub_pieces)
            } else if let Some(Value::String(s)) = m.get("Fn::Sub") {
                neutral(s, &CFN_NAMES, sub_pieces)
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
    neutral(v.as_str().expect("string"), &TF_NAMES, terraform_pieces)
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
        "alerts_topic",
        &r["AlertsTopicPolicy"]["Properties"]["PolicyDocument"],
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
            "alerts_topic",
            &r["aws_sns_topic_policy"]["alerts"]["policy"],
        ),
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
    let compared = built(Target::Terraform);
    // `built` leaves out what a target refuses: a mass refusal must not pass as parity.
    assert!(
        compared.len() >= 21,
        "only {} specs compared",
        compared.len()
    );
    for (example, tf) in compared {
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = serde_json::from_str(&tf).expect("JSON");
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
    let example = Case::whole("examples/minimal.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let mut config: Value = parsed(&example, Target::Terraform);
    config["data"]["aws_iam_policy_document"]["bucket"]["statement"][1]["actions"][0] =
        Value::from("s3:PutObjectAcl");
    assert_ne!(cfn_policies(&template), tf_policies(&config));
}

/// Event selectors in neutral spelling: (kind, selectors as sorted text lines).
fn cfn_selectors(template: &Value) -> (String, Vec<String>) {
    let p = &template["Resources"]["Trail"]["Properties"];
    if let Some(list) = p["EventSelectors"].as_array() {
        let lines = list
            .iter()
            .map(|s| {
                let data: Vec<String> = many(s.get("DataResources"))
                    .into_iter()
                    .map(|r| {
                        format!(
                            "{}={}",
                            cfn_value(&r["Type"]),
                            set(many(r.get("Values")).into_iter().map(cfn_value).collect())
                        )
                    })
                    .collect();
                let excluded = set(many(s.get("ExcludeManagementEventSources"))
                    .into_iter()
                    .map(cfn_value)
                    .collect());
                format!(
                    "{} mgmt={} excl={excluded} data={}",
                    cfn_value(&s["ReadWriteType"]),
                    s["IncludeManagementEvents"],
                    data.join(";")
                )
            })
            .collect();
        return ("basic".into(), lines);
    }
    let ops = [
        "Equals",
        "NotEquals",
        "StartsWith",
        "NotStartsWith",
        "EndsWith",
        "NotEndsWith",
    ];
    let lines = many(p.get("AdvancedEventSelectors"))
        .into_iter()
        .map(|a| {
            let fields: Vec<String> = many(a.get("FieldSelectors"))
                .into_iter()
                .map(|f| {
                    let conds: Vec<String> = ops
                        .iter()
                        .filter_map(|op| {
                            f.get(*op).map(|v| {
                                format!(
                                    "{}:{}",
                                    op.to_lowercase(),
                                    set(many(Some(v)).into_iter().map(cfn_value).collect())
                                )
                            })
                        })
                        .collect();
                    format!("{}[{}]", cfn_value(&f["Field"]), conds.join(","))
                })
                .collect();
            format!("{}: {}", cfn_value(&a["Name"]), fields.join(" "))
        })
        .collect();
    ("advanced".into(), lines)
}

fn tf_selectors(config: &Value) -> (String, Vec<String>) {
    let t = &config["resource"]["aws_cloudtrail"]["trail"];
    if let Some(list) = t["event_selector"].as_array() {
        let lines = list
            .iter()
            .map(|s| {
                let data: Vec<String> = many(s.get("data_resource"))
                    .into_iter()
                    .map(|r| {
                        format!(
                            "{}={}",
                            tf_str(&r["type"]),
                            set(many(r.get("values")).into_iter().map(tf_str).collect())
                        )
                    })
                    .collect();
                let excluded = set(many(s.get("exclude_management_event_sources"))
                    .into_iter()
                    .map(tf_str)
                    .collect());
                format!(
                    "{} mgmt={} excl={excluded} data={}",
                    tf_str(&s["read_write_type"]),
                    s["include_management_events"],
                    data.join(";")
                )
            })
            .collect();
        return ("basic".into(), lines);
    }
    let ops = [
        "equals",
        "not_equals",
        "starts_with",
        "not_starts_with",
        "ends_with",
        "not_ends_with",
    ];
    let lines = many(t.get("advanced_event_selector"))
        .into_iter()
        .map(|a| {
            let fields: Vec<String> = many(a.get("field_selector"))
                .into_iter()
                .map(|f| {
                    let conds: Vec<String> = ops
                        .iter()
                        .filter_map(|op| {
                            f.get(*op).map(|v| {
                                format!(
                                    "{}:{}",
                                    op.replace('_', ""),
                                    set(many(Some(v)).into_iter().map(tf_str).collect())
                                )
                            })
                        })
                        .collect();
                    format!("{}[{}]", tf_str(&f["field"]), conds.join(","))
                })
                .collect();
            format!("{}: {}", tf_str(&a["name"]), fields.join(" "))
        })
        .collect();
    ("advanced".into(), lines)
}

#[test]
fn both_targets_record_the_same_events() {
    let mut compared = 0;
    for (example, tf) in built(Target::Terraform) {
        let template: Value = parsed(&example, Target::CloudFormation);
        // A layout's log archive part has no trail; its management part is compared.
        if template["Resources"]["Trail"].is_null() {
            assert_eq!(example.part, Some("log-archive"), "{}", example.display());
            continue;
        }
        let config: Value = serde_json::from_str(&tf).expect("JSON");
        let (cfn, tf) = (cfn_selectors(&template), tf_selectors(&config));
        assert!(!cfn.1.is_empty(), "{}: no selectors", example.display());
        assert_eq!(
            cfn,
            tf,
            "event selectors differ between targets for {}",
            example.display()
        );
        let insights = |v: &Value, key: &str, field: &str| -> Vec<String> {
            many(v.get(key))
                .into_iter()
                .map(|i| i[field].as_str().unwrap_or_default().to_string())
                .collect()
        };
        // Terraform writes no categories (no `aws_cloudtrail` has them; `compile` refuses a
        // spec that needs them), so its Insights analyze management events alone, as a
        // CloudFormation selector without `EventCategories` does.
        let props = &template["Resources"]["Trail"]["Properties"];
        for i in many(props.get("InsightSelectors")) {
            assert!(
                i.get("EventCategories").is_none(),
                "{}: categories Terraform cannot write",
                example.display()
            );
        }
        assert!(props.get("AggregationConfigurations").is_none());
        assert_eq!(
            insights(
                &template["Resources"]["Trail"]["Properties"],
                "InsightSelectors",
                "InsightType"
            ),
            insights(
                &config["resource"]["aws_cloudtrail"]["trail"],
                "insight_selector",
                "insight_type"
            ),
            "{}",
            example.display()
        );
        compared += 1;
    }
    assert!(compared >= 13);
}

#[test]
fn the_selector_comparison_sees_a_change() {
    let example = Case::whole("tests/cases/events-basic-s3-buckets.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let mut config: Value = parsed(&example, Target::Terraform);
    config["resource"]["aws_cloudtrail"]["trail"]["event_selector"][1]["read_write_type"] =
        Value::from("All");
    assert_ne!(cfn_selectors(&template), tf_selectors(&config));
}

/// The log group's retention in both targets: the same days, or none at all for `never`
/// (CloudFormation leaves `RetentionInDays` out; Terraform writes `retention_in_days = 0`, the
/// provider's "never expire", explicitly so that the state it reads back matches).
#[test]
fn both_targets_keep_log_events_alike() {
    let (mut compared, mut never) = (0, 0);
    for (example, tf) in built(Target::Terraform) {
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = serde_json::from_str(&tf).expect("JSON");
        let cfn = &template["Resources"]["TrailLogGroup"];
        let tf = &config["resource"]["aws_cloudwatch_log_group"]["trail"];
        assert_eq!(cfn.is_null(), tf.is_null(), "{}", example.display());
        if cfn.is_null() {
            continue;
        }
        let cfn_days = cfn["Properties"]
            .get("RetentionInDays")
            .map(|d| d.as_u64().expect("a number of days"));
        assert_ne!(cfn_days, Some(0), "{}", example.display());
        let tf_days = tf["retention_in_days"].as_u64().expect("always written");
        assert_eq!(
            cfn_days,
            Some(tf_days).filter(|d| *d > 0),
            "log retention differs between targets for {}",
            example.display()
        );
        never += usize::from(cfn_days.is_none());
        compared += 1;
    }
    assert!(
        compared >= 10 && never >= 1,
        "{compared} compared, {never} never"
    );
}
