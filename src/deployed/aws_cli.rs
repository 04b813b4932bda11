//! The JSON the AWS CLI prints for a trail and what it uses, read into `Deployed`.
//!
//! Owns recognizing each file by its shape (in any order), choosing the trail among several, and
//! matching the other files to it. Shapes follow the API references' response syntax
//! ("DescribeTrails", "GetTrailStatus", "GetEventSelectors", "GetInsightSelectors",
//! "GetBucketVersioning", "GetBucketEncryption", "GetPublicAccessBlock",
//! "GetBucketLifecycleConfiguration", "GetBucketLogging", "DescribeKey", "DescribeLogGroups",
//! "DescribeMetricFilters", "DescribeAlarms", "GetTopicAttributes"). Files are given already
//! read; this module must not open them.

use super::{
    Alarm, BasicSelector, Failure, File, Key, LifecycleRule, LogGroup, MetricFilter, Read,
    Selectors, Topic, Trail,
};
use crate::diag::Code;
use crate::source::Pos;
use crate::spec::{AdvancedSelectorSpec, FieldSelector};
use serde_json::{Map, Value};

/// The command whose output a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    DescribeTrails,
    TrailStatus,
    EventSelectors,
    InsightSelectors,
    Versioning,
    Encryption,
    PublicAccessBlock,
    Lifecycle,
    Logging,
    DescribeKey,
    LogGroups,
    MetricFilters,
    Alarms,
    TopicAttributes,
}

/// The commands, as a hint names them.
const COMMANDS: &str = "aws cloudtrail describe-trails, get-trail-status, get-event-selectors, \
get-insight-selectors; aws s3api get-bucket-versioning, get-bucket-encryption, \
get-public-access-block, get-bucket-lifecycle-configuration, get-bucket-logging; aws kms \
describe-key; aws logs describe-log-groups, describe-metric-filters; aws cloudwatch \
describe-alarms; aws sns get-topic-attributes";

/// The shape of a parsed file. An empty object is what `get-bucket-versioning` prints for a bucket
/// never versioned and `get-bucket-logging` for one not logged: only the file's name tells which.
fn shape(file: &File, value: &Map<String, Value>) -> Result<Shape, Failure> {
    let has = |k: &str| value.contains_key(k);
    let shape =
        if has("trailList") {
            Shape::DescribeTrails
        } else if has("IsLogging") {
            Shape::TrailStatus
        } else if has("EventSelectors") || has("AdvancedEventSelectors") {
            Shape::EventSelectors
        } else if has("InsightSelectors") {
            Shape::InsightSelectors
        } else if has("ServerSideEncryptionConfiguration") {
            Shape::Encryption
        } else if has("PublicAccessBlockConfiguration") {
            Shape::PublicAccessBlock
        } else if value.get("Rules").is_some_and(Value::is_array) {
            Shape::Lifecycle
        } else if has("LoggingEnabled") {
            Shape::Logging
        } else if has("Status") || has("MFADelete") {
            Shape::Versioning
        } else if has("KeyMetadata") {
            Shape::DescribeKey
        } else if has("logGroups") {
            Shape::LogGroups
        } else if has("metricFilters") {
            Shape::MetricFilters
        } else if has("MetricAlarms") {
            Shape::Alarms
        } else if value
            .get("Attributes")
            .is_some_and(|a| a.get("TopicArn").is_some())
        {
            Shape::TopicAttributes
        } else if value.is_empty() && file.name.contains("versioning") {
            Shape::Versioning
        } else if value.is_empty() && file.name.contains("logging") {
            Shape::Logging
        } else if value.is_empty() {
            return Err(Failure::at(file, Code::ImportUnknownShape, Pos { line: 1, column: 1 },
            "the file is an empty object, which several commands print".into(),
            "an empty `get-bucket-versioning` or `get-bucket-logging` output is told apart by its \
             name: name the file after the command (bucket-versioning.json, bucket-logging.json), \
             as scripts/export-trail.sh does",
        ));
        } else {
            let keys: Vec<&str> = value.keys().map(String::as_str).take(5).collect();
            return Err(Failure::at(
                file,
                Code::ImportUnknownShape,
                Pos { line: 1, column: 1 },
                format!(
                    "not the output of an AWS CLI command trailsmith reads (its keys: {})",
                    keys.join(", ")
                ),
                &format!("give the JSON that these print: {COMMANDS}"),
            ));
        };
    Ok(shape)
}

fn parse(file: &File) -> Result<Map<String, Value>, Failure> {
    let hint = "run the command again with `--output json` and save all it prints";
    match super::parse_json(file, hint)? {
        Value::Object(map) => Ok(map),
        _ => Err(Failure::at(
            file,
            Code::ImportUnknownShape,
            Pos { line: 1, column: 1 },
            "not a JSON object; the AWS CLI prints one object per command".into(),
            &format!("give the JSON that these print: {COMMANDS}"),
        )),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn number(v: &Value, key: &str) -> Option<u32> {
    v.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

fn texts(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn trail(v: &Value) -> Trail {
    Trail {
        name: text(v, "Name").unwrap_or_default(),
        arn: text(v, "TrailARN"),
        home_region: text(v, "HomeRegion"),
        multi_region: flag(v, "IsMultiRegionTrail"),
        global_service_events: flag(v, "IncludeGlobalServiceEvents"),
        log_file_validation: flag(v, "LogFileValidationEnabled"),
        organization: flag(v, "IsOrganizationTrail"),
        bucket: text(v, "S3BucketName").unwrap_or_default(),
        prefix: text(v, "S3KeyPrefix").filter(|p| !p.is_empty()),
        kms_key_id: text(v, "KmsKeyId"),
        sns_topic_arn: text(v, "SnsTopicARN"),
        log_group_arn: text(v, "CloudWatchLogsLogGroupArn"),
        role_arn: text(v, "CloudWatchLogsRoleArn"),
    }
}

fn selectors(v: &Value) -> Selectors {
    let advanced = list(v, "AdvancedEventSelectors");
    if !advanced.is_empty() {
        return Selectors::Advanced(
            advanced
                .iter()
                .map(|a| AdvancedSelectorSpec {
                    name: text(a, "Name"),
                    field_selectors: list(a, "FieldSelectors")
                        .iter()
                        .map(|f| FieldSelector {
                            field: text(f, "Field").unwrap_or_default(),
                            equals: texts(f, "Equals"),
                            not_equals: texts(f, "NotEquals"),
                            starts_with: texts(f, "StartsWith"),
                            not_starts_with: texts(f, "NotStartsWith"),
                            ends_with: texts(f, "EndsWith"),
                            not_ends_with: texts(f, "NotEndsWith"),
                        })
                        .collect(),
                })
                .collect(),
        );
    }
    Selectors::Basic(
        list(v, "EventSelectors")
            .iter()
            .map(|s| BasicSelector {
                read_write: text(s, "ReadWriteType").unwrap_or_else(|| "All".into()),
                include_management_events: s
                    .get("IncludeManagementEvents")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                exclude_management_sources: texts(s, "ExcludeManagementEventSources"),
                data_resources: list(s, "DataResources")
                    .iter()
                    .map(|d| (text(d, "Type").unwrap_or_default(), texts(d, "Values")))
                    .collect(),
            })
            .collect(),
    )
}

fn lifecycle_rule(r: &Value) -> LifecycleRule {
    const KNOWN: [&str; 8] = [
        "ID",
        "Status",
        "Filter",
        "Prefix",
        "Transitions",
        "Expiration",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    ];
    let filter = r.get("Filter");
    let prefix = filter
        .and_then(|f| text(f, "Prefix"))
        .or_else(|| text(r, "Prefix"))
        .unwrap_or_default();
    let mut other: Vec<String> = r
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| !KNOWN.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if filter.is_some_and(|f| f.get("Tag").is_some() || f.get("And").is_some()) {
        other.push("Filter (tags)".into());
    }
    let expiration = r.get("Expiration");
    if expiration.is_some_and(|e| e.get("Date").is_some()) {
        other.push("Expiration.Date".into());
    }
    LifecycleRule {
        id: text(r, "ID"),
        enabled: text(r, "Status").as_deref() == Some("Enabled"),
        prefix,
        transitions: list(r, "Transitions")
            .iter()
            .filter_map(|t| Some((number(t, "Days")?, text(t, "StorageClass")?)))
            .collect(),
        expiration_days: expiration.and_then(|e| number(e, "Days")),
        noncurrent_expiration_days: r
            .get("NoncurrentVersionExpiration")
            .and_then(|e| number(e, "NoncurrentDays")),
        abort_incomplete_days: r
            .get("AbortIncompleteMultipartUpload")
            .and_then(|e| number(e, "DaysAfterInitiation")),
        other,
    }
}

fn alarm(a: &Value) -> Alarm {
    Alarm {
        name: text(a, "AlarmName").unwrap_or_default(),
        description: text(a, "AlarmDescription"),
        metric: text(a, "MetricName").unwrap_or_default(),
        namespace: text(a, "Namespace").unwrap_or_default(),
        statistic: text(a, "Statistic").unwrap_or_default(),
        period: number(a, "Period").unwrap_or(0),
        evaluation_periods: number(a, "EvaluationPeriods").unwrap_or(0),
        threshold: a.get("Threshold").and_then(Value::as_f64).unwrap_or(0.0),
        comparison: text(a, "ComparisonOperator").unwrap_or_default(),
        actions: texts(a, "AlarmActions"),
        treat_missing_data: text(a, "TreatMissingData"),
    }
}

/// The trail the files describe: the one `describe-trails` lists, or the one `wanted` names.
fn choose<'a>(
    file: &File,
    trails: &'a [Value],
    wanted: Option<&str>,
) -> Result<&'a Value, Failure> {
    let names: Vec<String> = trails.iter().filter_map(|t| text(t, "Name")).collect();
    let named = |t: &&Value| {
        let w = wanted.unwrap_or_default();
        text(t, "Name").as_deref() == Some(w) || text(t, "TrailARN").as_deref() == Some(w)
    };
    match (wanted, trails) {
        (None, []) => Err(Failure::at(
            file,
            Code::ImportNoTrail,
            Pos { line: 1, column: 1 },
            "`trailList` is empty: this account has no trail in the region asked".into(),
            "run `aws cloudtrail describe-trails` in the trail's home region, or with \
             `--include-shadow-trails` from another",
        )),
        (None, [one]) => Ok(one),
        (None, _) => Err(Failure::Usage(format!(
            "{} lists {} trails ({}); say which with --trail NAME",
            file.name,
            trails.len(),
            names.join(", ")
        ))),
        (Some(w), _) => trails.iter().find(named).ok_or_else(|| {
            Failure::Usage(format!(
                "{} has no trail named {w}; it lists: {}",
                file.name,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        }),
    }
}

/// Reads the files into one trail's facts.
pub fn read(files: &[File], wanted: Option<&str>) -> Result<Read, Failure> {
    let mut parsed = Vec::new();
    for file in files {
        let map = parse(file)?;
        let shape = shape(file, &map)?;
        parsed.push((file, shape, Value::Object(map)));
    }
    let describes: Vec<&(&File, Shape, Value)> = parsed
        .iter()
        .filter(|(_, s, _)| *s == Shape::DescribeTrails)
        .collect();
    let Some((trails_file, _, trails)) = describes.first() else {
        return Err(Failure::Usage(
            "no `aws cloudtrail describe-trails` output among the files; it names the trail \
             the others describe"
                .into(),
        ));
    };
    if describes.len() > 1 {
        return Err(Failure::Usage(format!(
            "{} and {} are both describe-trails outputs; give one",
            describes[0].0.name, describes[1].0.name
        )));
    }
    let chosen = choose(trails_file, list(trails, "trailList"), wanted)?;
    let mut out = Read::default();
    out.deployed.trail = trail(chosen);
    out.source = format!(
        "the deployed trail {}",
        out.deployed
            .trail
            .arn
            .as_deref()
            .unwrap_or(&out.deployed.trail.name)
    );
    let t = out.deployed.trail.clone();
    let log_group_name = t.log_group_name().map(str::to_string);
    for (file, shape, v) in &parsed {
        let other_trail = |v: &Value| {
            text(v, "TrailARN").filter(|arn| Some(arn) != t.arn.as_ref() && *arn != t.name)
        };
        match shape {
            Shape::DescribeTrails => {}
            Shape::TrailStatus => out.deployed.logging = Some(flag(v, "IsLogging")),
            Shape::EventSelectors | Shape::InsightSelectors => {
                if let Some(arn) = other_trail(v) {
                    return Err(Failure::at(file, Code::ImportOtherTrail, Pos { line: 1, column: 1 },
                        format!("describes trail {arn}, not {}", t.arn.as_deref().unwrap_or(&t.name)),
                        "give the files of one trail; run the command with `--trail-name` of the trail",
                    ));
                }
                if *shape == Shape::EventSelectors {
                    out.deployed.selectors = Some(selectors(v));
                } else {
                    out.deployed.insights = Some(
                        list(v, "InsightSelectors")
                            .iter()
                            .filter_map(|i| text(i, "InsightType"))
                            .collect(),
                    );
                }
            }
            Shape::Versioning => {
                out.deployed.bucket.versioning =
                    Some(text(v, "Status").as_deref() == Some("Enabled"));
            }
            Shape::Encryption => {
                let rule = v
                    .get("ServerSideEncryptionConfiguration")
                    .map(|c| list(c, "Rules"))
                    .and_then(|r| r.first())
                    .and_then(|r| r.get("ApplyServerSideEncryptionByDefault"));
                out.deployed.bucket.encryption = rule.map(|r| {
                    (
                        text(r, "SSEAlgorithm").unwrap_or_default(),
                        text(r, "KMSMasterKeyID"),
                    )
                });
            }
            Shape::PublicAccessBlock => {
                let c = v.get("PublicAccessBlockConfiguration");
                out.deployed.bucket.public_access_block =
                    c.map(|c| super::PUBLIC_ACCESS_BLOCK.map(|k| flag(c, k)));
            }
            Shape::Lifecycle => {
                out.deployed.bucket.lifecycle =
                    Some(list(v, "Rules").iter().map(lifecycle_rule).collect());
            }
            Shape::Logging => {
                out.deployed.bucket.logging = Some(v.get("LoggingEnabled").map(|l| {
                    (
                        text(l, "TargetBucket").unwrap_or_default(),
                        text(l, "TargetPrefix").unwrap_or_default(),
                    )
                }));
            }
            Shape::DescribeKey => {
                let m = v.get("KeyMetadata").cloned().unwrap_or_default();
                let key = Key {
                    arn: text(&m, "Arn").unwrap_or_default(),
                    manager: text(&m, "KeyManager").unwrap_or_default(),
                    multi_region: flag(&m, "MultiRegion"),
                    description: text(&m, "Description").unwrap_or_default(),
                };
                let ours = t
                    .kms_key_id
                    .as_deref()
                    .is_some_and(|id| id == key.arn || text(&m, "KeyId").as_deref() == Some(id));
                if ours {
                    out.deployed.key = Some(key);
                } else {
                    out.notes.push(format!(
                        "{}: key {} is not the trail's key; passed over",
                        file.name, key.arn
                    ));
                }
            }
            Shape::LogGroups => {
                let group = list(v, "logGroups")
                    .iter()
                    .find(|g| text(g, "logGroupName") == log_group_name);
                match group {
                    Some(g) => {
                        out.deployed.log_group = Some(LogGroup {
                            name: text(g, "logGroupName").unwrap_or_default(),
                            retention_days: number(g, "retentionInDays"),
                            kms_key_id: text(g, "kmsKeyId"),
                        })
                    }
                    None => out.notes.push(format!(
                        "{}: none of its log groups is the trail's ({}); passed over",
                        file.name,
                        log_group_name.as_deref().unwrap_or("the trail has none")
                    )),
                }
            }
            Shape::MetricFilters => {
                let all: Vec<MetricFilter> = list(v, "metricFilters")
                    .iter()
                    .map(|f| {
                        let m = list(f, "metricTransformations")
                            .first()
                            .cloned()
                            .unwrap_or_default();
                        MetricFilter {
                            name: text(f, "filterName").unwrap_or_default(),
                            pattern: text(f, "filterPattern").unwrap_or_default(),
                            log_group: text(f, "logGroupName").unwrap_or_default(),
                            metric: text(&m, "metricName").unwrap_or_default(),
                            namespace: text(&m, "metricNamespace").unwrap_or_default(),
                            value: text(&m, "metricValue").unwrap_or_default(),
                        }
                    })
                    .collect();
                let (ours, others): (Vec<_>, Vec<_>) = all
                    .into_iter()
                    .partition(|f| Some(&f.log_group) == log_group_name.as_ref());
                if !others.is_empty() {
                    out.notes.push(format!(
                        "{}: {} metric filter(s) on other log groups passed over",
                        file.name,
                        others.len()
                    ));
                }
                out.deployed.metric_filters = Some(ours);
            }
            Shape::Alarms => {
                out.deployed.alarms = Some(list(v, "MetricAlarms").iter().map(alarm).collect());
            }
            Shape::TopicAttributes => {
                let a = v.get("Attributes").cloned().unwrap_or_default();
                let topic = Topic {
                    arn: text(&a, "TopicArn").unwrap_or_default(),
                    kms_key_id: text(&a, "KmsMasterKeyId").filter(|k| !k.is_empty()),
                };
                if t.sns_topic_arn.as_ref() == Some(&topic.arn) {
                    out.deployed.topic = Some(topic);
                } else {
                    out.notes.push(format!(
                        "{}: topic {} is not the trail's delivery topic; passed over",
                        file.name, topic.arn
                    ));
                }
            }
        }
    }
    // Alarms only on the trail's filters' metrics are the trail's.
    if let (Some(alarms), Some(filters)) = (&mut out.deployed.alarms, &out.deployed.metric_filters)
    {
        let (ours, others): (Vec<_>, Vec<_>) = std::mem::take(alarms).into_iter().partition(|a| {
            filters
                .iter()
                .any(|f| f.metric == a.metric && f.namespace == a.namespace)
        });
        *alarms = ours;
        if !others.is_empty() {
            let names: Vec<&str> = others.iter().map(|a| a.name.as_str()).collect();
            out.notes.push(format!(
                "alarms on metrics of no filter of the trail's log group passed over: {}",
                names.join(", ")
            ));
        }
    }
    Ok(out)
}
