//! What a deployed trail is, as the AWS APIs describe it: the facts `import` turns into a spec
//! and `drift` holds a spec against, whatever source gave them.
//!
//! Owns the facts (trail settings, status, selectors, Insights, the bucket's settings, key, log
//! group, metric filters, alarms, topic) and the canonical form of selectors that lets two ways of
//! writing the same recording compare equal. Reading a source's shapes is `aws_cli`'s job; this
//! module must not read files or know the spec's words.

pub mod aws_cli;
pub mod cloudformation;
pub mod terraform;

use crate::diag::{Code, Diagnostic};
use crate::expr::{Attr, Expr, Res};
use crate::source::Pos;
use crate::spec::{AdvancedSelectorSpec, FieldSelector, Operator};
use std::collections::{BTreeMap, BTreeSet};

/// A file's name (as the user gave it) and its text.
pub struct File {
    pub name: String,
    pub text: String,
}

/// Why the files do not describe one trail.
#[derive(Debug)]
pub enum Failure {
    /// A file's content: located, exit 1.
    File(Box<Diagnostic>),
    /// Several trails and no `--trail`, or a `--trail` none of them is: exit 2.
    Usage(String),
}

impl Failure {
    /// An error in one of the files, at `pos`: exit 1.
    pub(crate) fn at(file: &File, code: Code, pos: Pos, message: String, hint: &str) -> Self {
        let mut d = Diagnostic::error(code, "", message).hint(hint);
        d.file = Some(file.name.clone());
        d.pos = Some(pos);
        Failure::File(Box::new(d))
    }
}

/// A number a source gives for a count of days, periods or the like, when it is one: whole, not
/// negative and within `u32` (a template or plan may hold any number there).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the range and the fraction are checked first"
)]
pub(crate) fn whole_number(n: f64) -> Option<u32> {
    (n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX)).then_some(n as u32)
}

/// A file's JSON (a byte order mark allowed); a syntax error is `import-invalid-json` at its
/// line and column, with `hint` saying what the file should be.
pub(crate) fn parse_json(file: &File, hint: &str) -> Result<serde_json::Value, Failure> {
    serde_json::from_str(file.text.trim_start_matches('\u{feff}')).map_err(|e| {
        let pos = Pos {
            line: e.line().max(1),
            column: e.column().max(1),
        };
        Failure::at(
            file,
            Code::ImportInvalidJson,
            pos,
            format!("not valid JSON: {e}"),
            hint,
        )
    })
}

/// Where `needle` first occurs in `text`, for an error about what follows it; the file's start
/// when it does not occur.
pub(crate) fn first_pos(text: &str, needle: &str) -> Pos {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            line.find(needle).map(|c| Pos {
                line: i + 1,
                column: line[..c].chars().count() + 1,
            })
        })
        .unwrap_or(Pos { line: 1, column: 1 })
}

/// What the files say, where it came from, and what was passed over (for notes).
#[derive(Debug, Default)]
pub struct Read {
    pub deployed: Deployed,
    /// For the imported spec's header: "the deployed trail ARN", "the CloudFormation template F".
    pub source: String,
    pub notes: Vec<String>,
}

/// The kind of source the files are, told from the first file's top-level keys: a
/// CloudFormation template (`Resources`), a Terraform plan or state (`terraform show -json`:
/// `format_version` with `planned_values` or `values`), or else AWS CLI outputs.
pub fn read(files: &[File], wanted: Option<&str>) -> Result<Read, Failure> {
    let head = files.first().map(|f| f.text.as_str()).unwrap_or_default();
    if cloudformation::is_template(head) {
        cloudformation::read(files, wanted)
    } else if terraform::is_plan(head) {
        terraform::read(files, wanted)
    } else {
        aws_cli::read(files, wanted)
    }
}

/// Everything known about one deployed trail. `None` means the source did not say (the file was
/// not given), which is never the same as "off".
#[derive(Debug, Clone, Default)]
pub struct Deployed {
    pub trail: Trail,
    /// `get-trail-status`: whether the trail is logging.
    pub logging: Option<bool>,
    /// `get-event-selectors`.
    pub selectors: Option<Selectors>,
    /// `get-insight-selectors`: AWS names such as `ApiCallRateInsight`.
    pub insights: Option<Vec<String>>,
    pub bucket: Bucket,
    /// `kms describe-key` of the trail's key.
    pub key: Option<Key>,
    /// `logs describe-log-groups`: the trail's log group.
    pub log_group: Option<LogGroup>,
    /// `logs describe-metric-filters`, on the trail's log group.
    pub metric_filters: Option<Vec<MetricFilter>>,
    /// `cloudwatch describe-alarms`.
    pub alarms: Option<Vec<Alarm>>,
    /// `sns get-topic-attributes` of the trail's topic.
    pub topic: Option<Topic>,
}

impl Deployed {
    /// Whether the source creates the trail's key (a template or plan that makes it), whose ARN
    /// is AWS's choice at deploy time: a key is used, but no ARN can be compared.
    pub fn key_made_by_source(&self) -> bool {
        self.trail.kms_key_id.is_none() && self.key.as_ref().is_some_and(|k| k.arn.is_empty())
    }
}

/// `describe-trails`, one entry of `trailList`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trail {
    pub name: String,
    pub arn: Option<String>,
    pub home_region: Option<String>,
    pub multi_region: bool,
    pub global_service_events: bool,
    pub log_file_validation: bool,
    pub organization: bool,
    pub bucket: String,
    pub prefix: Option<String>,
    /// The key's ARN, as CloudTrail reads it back.
    pub kms_key_id: Option<String>,
    pub sns_topic_arn: Option<String>,
    /// Log group ARN, ending in `:*`.
    pub log_group_arn: Option<String>,
    pub role_arn: Option<String>,
}

impl Trail {
    /// Partition, region and account, read off the trail's ARN.
    pub fn arn_parts(&self) -> Option<(&str, &str, &str)> {
        let mut it = self.arn.as_deref()?.split(':');
        let (_, partition, _, region, account) =
            (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
        Some((partition, region, account))
    }

    /// The log group's name, from its ARN (`arn:...:log-group:NAME:*`).
    pub fn log_group_name(&self) -> Option<&str> {
        let arn = self.log_group_arn.as_deref()?;
        let rest = arn.split_once(":log-group:")?.1;
        Some(rest.strip_suffix(":*").unwrap_or(rest))
    }
}

/// The trail's event selectors, in the form they were written.
#[derive(Debug, Clone)]
pub enum Selectors {
    Basic(Vec<BasicSelector>),
    Advanced(Vec<AdvancedSelectorSpec>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BasicSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write: String,
    pub include_management_events: bool,
    pub exclude_management_sources: Vec<String>,
    /// (type, values).
    pub data_resources: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bucket {
    /// `get-bucket-versioning`: `Some(true)` when `Enabled`.
    pub versioning: Option<bool>,
    /// `get-bucket-encryption`: the algorithm (`AES256`, `aws:kms`, `aws:kms:dsse`) and key.
    pub encryption: Option<(String, Option<String>)>,
    /// `get-public-access-block`: the four settings, in the API's order.
    pub public_access_block: Option<[bool; 4]>,
    /// `get-bucket-lifecycle-configuration`.
    pub lifecycle: Option<Vec<LifecycleRule>>,
    /// `get-bucket-logging`: target bucket and prefix, or `Some(None)` when off.
    pub logging: Option<Option<(String, String)>>,
}

/// The names of the public access block settings, in `Bucket::public_access_block`'s order.
pub const PUBLIC_ACCESS_BLOCK: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LifecycleRule {
    pub id: Option<String>,
    pub enabled: bool,
    /// The rule's prefix filter (empty: the whole bucket).
    pub prefix: String,
    /// (days, storage class).
    pub transitions: Vec<(u32, String)>,
    pub expiration_days: Option<u32>,
    pub noncurrent_expiration_days: Option<u32>,
    pub abort_incomplete_days: Option<u32>,
    /// What else the rule says, by field name, for notes.
    pub other: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Key {
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    pub multi_region: bool,
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogGroup {
    pub name: String,
    /// `None`: never expire.
    pub retention_days: Option<u32>,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricFilter {
    pub name: String,
    pub pattern: String,
    pub log_group: String,
    pub metric: String,
    pub namespace: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub description: Option<String>,
    pub metric: String,
    pub namespace: String,
    pub statistic: String,
    pub period: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison: String,
    pub actions: Vec<String>,
    pub treat_missing_data: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topic {
    pub arn: String,
    pub kms_key_id: Option<String>,
}

/// One advanced selector as a set of conditions: field, operator, values. Two selectors that
/// test the same values the same way are equal however they were ordered or written.
pub type Canon = BTreeMap<String, BTreeMap<Operator, BTreeSet<String>>>;

/// A recording as a set of canonical selectors: what is recorded, not how it is written.
pub fn canonical(selectors: &Selectors, partition: &str) -> BTreeSet<Canon> {
    match selectors {
        Selectors::Advanced(list) => list.iter().map(canon_advanced).collect(),
        Selectors::Basic(list) => list
            .iter()
            .flat_map(|b| basic_as_advanced(b, partition))
            .map(|a| canon_advanced(&a))
            .collect(),
    }
}

fn canon_advanced(a: &AdvancedSelectorSpec) -> Canon {
    let mut canon = Canon::new();
    for f in &a.field_selectors {
        let entry = canon.entry(f.field.clone()).or_default();
        for (op, values) in f.operators() {
            if !values.is_empty() {
                entry.entry(op).or_default().extend(values.iter().cloned());
            }
        }
    }
    canon
}

fn field(name: &str, op: Operator, values: Vec<String>) -> FieldSelector {
    let mut f = FieldSelector {
        field: name.into(),
        equals: Vec::new(),
        not_equals: Vec::new(),
        starts_with: Vec::new(),
        not_starts_with: Vec::new(),
        ends_with: Vec::new(),
        not_ends_with: Vec::new(),
    };
    match op {
        Operator::Equals => f.equals = values,
        Operator::NotEquals => f.not_equals = values,
        Operator::StartsWith => f.starts_with = values,
        Operator::NotStartsWith => f.not_starts_with = values,
        Operator::EndsWith => f.ends_with = values,
        Operator::NotEndsWith => f.not_ends_with = values,
    }
    f
}

/// The value of a basic data resource that means every resource of its type (`arn:aws:s3` and
/// `arn:aws:s3:::` alike, "Logging data events").
pub fn is_all_resources(value: &str, partition: &str) -> bool {
    let rest = value
        .strip_prefix(&format!("arn:{partition}:"))
        .unwrap_or("");
    !rest.is_empty()
        && rest.trim_end_matches(':').chars().all(|c| c != ':')
        && !rest.trim_end_matches(':').contains('/')
}

/// A basic selector as the advanced selectors that record the same events, as CloudTrail itself
/// converts them ("Converting basic event selectors to advanced event selectors"): one for
/// management events, one per data resource type.
pub fn basic_as_advanced(b: &BasicSelector, partition: &str) -> Vec<AdvancedSelectorSpec> {
    let read_only = match b.read_write.as_str() {
        "ReadOnly" => Some("true"),
        "WriteOnly" => Some("false"),
        _ => None,
    };
    let read_only_field = || read_only.map(|v| field("readOnly", Operator::Equals, vec![v.into()]));
    let mut out = Vec::new();
    if b.include_management_events {
        let mut fields = vec![field(
            "eventCategory",
            Operator::Equals,
            vec!["Management".into()],
        )];
        fields.extend(read_only_field());
        if !b.exclude_management_sources.is_empty() {
            fields.push(field(
                "eventSource",
                Operator::NotEquals,
                b.exclude_management_sources.clone(),
            ));
        }
        out.push(AdvancedSelectorSpec {
            name: None,
            field_selectors: fields,
        });
    }
    for (resource_type, values) in &b.data_resources {
        let mut fields = vec![
            field("eventCategory", Operator::Equals, vec!["Data".into()]),
            field(
                "resources.type",
                Operator::Equals,
                vec![resource_type.clone()],
            ),
        ];
        fields.extend(read_only_field());
        if !values.iter().any(|v| is_all_resources(v, partition)) {
            // S3 values are object ARN prefixes; the others name resources exactly.
            let op = if resource_type == "AWS::S3::Object" {
                Operator::StartsWith
            } else {
                Operator::Equals
            };
            fields.push(field("resources.ARN", op, values.clone()));
        }
        out.push(AdvancedSelectorSpec {
            name: None,
            field_selectors: fields,
        });
    }
    out
}

/// What a deployed trail's values are where a spec's model leaves them to the deployment: the
/// partition, region and account of the trail's ARN, and the names of what it writes to.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub bucket: Option<String>,
    pub topic: Option<String>,
    pub log_group: Option<String>,
    /// The topic the alarms notify, when it is known by name.
    pub alerts_topic: Option<String>,
}

impl Env {
    pub fn of(d: &Deployed) -> Env {
        let (partition, region, account) = d.trail.arn_parts().unwrap_or(("aws", "", ""));
        Env {
            partition: partition.into(),
            region: d.trail.home_region.clone().unwrap_or_else(|| region.into()),
            account: account.into(),
            bucket: Some(d.trail.bucket.clone()).filter(|b| !b.is_empty()),
            topic: d
                .trail
                .sns_topic_arn
                .as_deref()
                .and_then(|a| a.rsplit(':').next())
                .map(str::to_string),
            log_group: d.trail.log_group_name().map(str::to_string),
            alerts_topic: None,
        }
    }

    fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }

    /// A name of the spec at this deployment: as written, or with its deploy-time values
    /// resolved; `None` when it takes a parameter, whose value the deployment does not say.
    pub fn text(&self, t: &crate::expr::Text) -> Option<String> {
        match t.deployed() {
            None => Some(t.verbatim().to_string()),
            Some(e) => self.resolve(e),
        }
    }

    /// The value of an expression at this deployment, or `None` when it depends on what the
    /// deployment does not say (a key ARN passed in, a role's ARN). ARNs are built as AWS prints
    /// them ("Amazon Resource Names (ARNs)": S3 without region and account).
    pub fn resolve(&self, e: &Expr) -> Option<String> {
        Some(match e {
            Expr::Lit(s) => s.clone(),
            Expr::Partition => self.partition.clone(),
            Expr::Region => self.region.clone(),
            Expr::Account => self.account.clone(),
            Expr::Attr(Res::Bucket, Attr::Name) => self.bucket.clone()?,
            Expr::Attr(Res::Bucket, Attr::Arn) => {
                format!("arn:{}:s3:::{}", self.partition, self.bucket.as_ref()?)
            }
            Expr::Attr(Res::Topic, Attr::Name) => self.topic.clone()?,
            Expr::Attr(Res::Topic, Attr::Arn) => self.arn("sns", self.topic.as_ref()?),
            Expr::Attr(Res::AlertsTopic, Attr::Name) => self.alerts_topic.clone()?,
            Expr::Attr(Res::AlertsTopic, Attr::Arn) => self.arn("sns", self.alerts_topic.as_ref()?),
            Expr::Attr(Res::LogGroup, Attr::Name) => self.log_group.clone()?,
            Expr::Attr(Res::LogGroup, Attr::Arn) => {
                self.arn("logs", &format!("log-group:{}", self.log_group.as_ref()?))
            }
            // A parameter has no value here; drift takes its default where it has one.
            Expr::Attr(..) | Expr::Input(_) | Expr::Param(_) => return None,
            Expr::Join(parts) => parts
                .iter()
                .map(|p| self.resolve(p))
                .collect::<Option<Vec<_>>>()?
                .concat(),
        })
    }

    /// The selectors a spec's plan writes, at this deployment.
    pub fn selectors(&self, planned: &crate::selectors::Selectors) -> Option<Selectors> {
        use crate::selectors::{Op, Selectors as Planned};
        let texts = |values: &[Expr]| -> Option<Vec<String>> {
            values.iter().map(|v| self.resolve(v)).collect()
        };
        Some(match planned {
            Planned::Basic(list) => Selectors::Basic(
                list.iter()
                    .map(|b| {
                        Some(BasicSelector {
                            read_write: b.read_write.to_string(),
                            include_management_events: b.include_management_events,
                            exclude_management_sources: b
                                .exclude_management_sources
                                .iter()
                                .map(|t| t.verbatim().to_string())
                                .collect(),
                            data_resources: b
                                .data_resources
                                .iter()
                                .map(|d| {
                                    Some((
                                        d.resource_type.verbatim().to_string(),
                                        texts(&d.values)?,
                                    ))
                                })
                                .collect::<Option<_>>()?,
                        })
                    })
                    .collect::<Option<_>>()?,
            ),
            Planned::Advanced(list) => Selectors::Advanced(
                list.iter()
                    .map(|a| {
                        let mut fields = Vec::new();
                        for f in &a.fields {
                            let mut out = field(f.field.verbatim(), Operator::Equals, Vec::new());
                            for (op, values) in &f.conditions {
                                let values = texts(values)?;
                                match op {
                                    Op::Equals => out.equals.extend(values),
                                    Op::NotEquals => out.not_equals.extend(values),
                                    Op::StartsWith => out.starts_with.extend(values),
                                    Op::NotStartsWith => out.not_starts_with.extend(values),
                                    Op::EndsWith => out.ends_with.extend(values),
                                    Op::NotEndsWith => out.not_ends_with.extend(values),
                                }
                            }
                            fields.push(out);
                        }
                        Some(AdvancedSelectorSpec {
                            name: Some(a.name.verbatim().to_string()),
                            field_selectors: fields,
                        })
                    })
                    .collect::<Option<_>>()?,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(rw: &str, mgmt: bool, data: &[(&str, &[&str])]) -> BasicSelector {
        BasicSelector {
            read_write: rw.into(),
            include_management_events: mgmt,
            exclude_management_sources: Vec::new(),
            data_resources: data
                .iter()
                .map(|(t, v)| (t.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn a_basic_selector_and_its_advanced_conversion_are_the_same_recording() {
        let b = Selectors::Basic(vec![basic(
            "All",
            true,
            &[("AWS::S3::Object", &["arn:aws:s3:::logs-bucket/"])],
        )]);
        let a = Selectors::Advanced(vec![
            AdvancedSelectorSpec {
                name: Some("objects".into()),
                field_selectors: vec![
                    field(
                        "resources.ARN",
                        Operator::StartsWith,
                        vec!["arn:aws:s3:::logs-bucket/".into()],
                    ),
                    field(
                        "resources.type",
                        Operator::Equals,
                        vec!["AWS::S3::Object".into()],
                    ),
                    field("eventCategory", Operator::Equals, vec!["Data".into()]),
                ],
            },
            AdvancedSelectorSpec {
                name: None,
                field_selectors: vec![field(
                    "eventCategory",
                    Operator::Equals,
                    vec!["Management".into()],
                )],
            },
        ]);
        assert_eq!(canonical(&b, "aws"), canonical(&a, "aws"));
        let reads = Selectors::Basic(vec![basic("ReadOnly", true, &[])]);
        assert_ne!(canonical(&reads, "aws"), canonical(&a, "aws"));
    }

    #[test]
    fn every_resource_of_a_type_has_more_than_one_spelling() {
        for v in [
            "arn:aws:s3",
            "arn:aws:s3:::",
            "arn:aws:lambda",
            "arn:aws:dynamodb",
        ] {
            assert!(is_all_resources(v, "aws"), "{v}");
        }
        for v in [
            "arn:aws:s3:::bucket/",
            "arn:aws:lambda:eu-west-1:111122223333:function:f",
            "arn:aws-cn:s3",
        ] {
            assert!(!is_all_resources(v, "aws"), "{v}");
        }
    }
}
