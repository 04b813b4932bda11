//! A checked spec resolved into the resources the output needs: defaults applied, names derived,
//! references as expressions, policies built by `policy`.
//!
//! Owns every decision both targets share (which resources exist, their settings and names), so
//! the emitters only translate. It must not know target syntax and cannot fail: `validate` has
//! already refused what would not deploy. What the trail watches is resolved in `alarms`.

pub mod alarms;

use crate::expr::{Attr, Expr, Res, Text};
use crate::policy::{self, Context, KeyUsers, Policy};
use crate::selectors::Selectors;
use crate::spec::{self, Insight, Spec};

pub use alarms::{Alarm, AlertsTopic, MetricFilter, Subscription};

/// Defaults where the spec is silent; chosen to satisfy CIS and Security Hub controls.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;
pub const DEFAULT_DELETION_WINDOW_DAYS: u32 = 30;
/// Incomplete multipart uploads are never log files; clean them up (checkov CKV_AWS_300).
pub const ABORT_INCOMPLETE_UPLOAD_DAYS: u32 = 7;
/// Log files are never overwritten, so a noncurrent version only arises when a file expires (or is
/// deleted); keep it this long for recovery, then let it go so expiry really frees the space.
pub const NONCURRENT_VERSION_DAYS: u32 = 30;

#[derive(Debug, Clone)]
pub struct Model {
    pub description: Text,
    pub home_region: Option<Text>,
    pub tags: Vec<(Text, Text)>,
    pub bucket: Option<Bucket>,
    pub key: Option<Key>,
    pub topic: Option<Topic>,
    pub log_group: Option<LogGroup>,
    pub logs_role: Option<Role>,
    pub trail: Trail,
    /// Metric filters on the trail's log group, each with the alarm in `alarms` of the same key.
    pub metric_filters: Vec<MetricFilter>,
    pub alarms: Vec<Alarm>,
    pub alerts_topic: Option<AlertsTopic>,
    pub outputs: Vec<Output>,
    /// Stores of audit evidence that outlive the stack or configuration that made them: the log
    /// bucket, the key without which logs cannot be read, and the log group.
    pub retained: Vec<Res>,
}

/// A bucket trailsmith creates, hardened: public access blocked, ACLs disabled, encrypted.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: Option<Text>,
    pub versioning: bool,
    /// SSE-KMS with this key, or SSE-S3 when `None`.
    pub kms_key: Option<Expr>,
    pub archive_after_days: Option<u32>,
    pub expire_after_days: Option<u32>,
    pub access_logging: Option<AccessLogging>,
    pub policy: Policy,
}

#[derive(Debug, Clone)]
pub struct AccessLogging {
    pub target_bucket: Text,
    pub prefix: Text,
}

#[derive(Debug, Clone)]
pub struct Key {
    pub description: Text,
    pub alias: Text,
    pub deletion_window_days: u32,
    pub policy: Policy,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: Text,
    pub kms_key: Option<Expr>,
    pub policy: Policy,
}

#[derive(Debug, Clone)]
pub struct LogGroup {
    pub name: Text,
    pub retention_days: u32,
    pub kms_key: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub trust: Policy,
    pub policy_name: &'static str,
    pub policy: Policy,
}

#[derive(Debug, Clone)]
pub struct Trail {
    pub name: Text,
    pub bucket_name: Expr,
    pub prefix: Option<Text>,
    pub kms_key: Option<Expr>,
    pub sns_topic: Option<Expr>,
    /// Log group ARN ending in `:*` (as CloudTrail requires) and the delivery role ARN.
    pub cloudwatch_logs: Option<(Expr, Expr)>,
    pub multi_region: bool,
    pub global_service_events: bool,
    pub log_file_validation: bool,
    pub logging: bool,
    pub organization: bool,
    pub selectors: Selectors,
    /// AWS names: `ApiCallRateInsight`, `ApiErrorRateInsight`.
    pub insights: Vec<&'static str>,
    /// Resources that must exist before the trail, or CreateTrail fails its checks.
    pub depends_on: Vec<Res>,
}

#[derive(Debug, Clone)]
pub struct Output {
    /// snake_case; CloudFormation writes it in PascalCase.
    pub name: &'static str,
    pub description: &'static str,
    pub value: Expr,
}

/// Letters, digits, `_` and `-` only: trail names may hold `.`, which topic names and aliases
/// cannot.
fn dashed(name: &str) -> String {
    name.replace('.', "-")
}

/// The name of a new delivery topic: `<trail>-delivery` unless named.
pub fn delivery_topic_name(trail: &str, sns: &spec::Sns) -> String {
    sns.topic_name
        .clone()
        .unwrap_or_else(|| format!("{}-delivery", dashed(trail)))
}

/// The spec with the selectors `validate` planned for it (planned once, lowered as they are).
pub fn lower(spec: &Spec, selectors: Selectors) -> Model {
    let name = spec.trail.name.clone();
    let ctx = Context {
        trail_name: name.clone(),
        organization_id: spec.trail.organization.as_ref().map(|o| o.id.clone()),
        prefix: spec.bucket.prefix.clone(),
        writer_accounts: spec.bucket.writer_accounts.clone(),
    };
    let kms = spec.kms.settings();
    let new_key = kms.as_ref().filter(|k| k.key_arn.is_none());
    let key_arn = kms.as_ref().map(|k| match &k.key_arn {
        Some(arn) => Expr::lit(arn),
        None => Expr::Attr(Res::Key, Attr::Arn),
    });
    let mut depends_on = Vec::new();

    let bucket = (!spec.bucket.existing).then(|| {
        depends_on.push(Res::BucketPolicy);
        bucket(&spec.bucket, key_arn.clone(), &ctx)
    });
    let bucket_name = match &spec.bucket.name {
        Some(n) if spec.bucket.existing => Expr::lit(n),
        _ => Expr::Attr(Res::Bucket, Attr::Name),
    };

    let watch = alarms::lower(spec);
    let sns = spec.sns.settings();
    let topic = sns.as_ref().filter(|s| s.topic_arn.is_none()).map(|s| {
        depends_on.push(Res::TopicPolicy);
        Topic {
            name: Text::new(delivery_topic_name(&name, s)),
            // Only a key whose policy we write: it must let CloudTrail publish to the topic.
            kms_key: new_key.map(|_| Expr::Attr(Res::Key, Attr::Arn)),
            policy: policy::topic_policy(&ctx, watch.to_delivery_topic),
        }
    });
    let sns_topic = sns.map(|s| match s.topic_arn {
        Some(arn) => Expr::lit(arn),
        // CloudTrail takes a name or an ARN; the name keeps the trail readable in the console.
        None => Expr::Attr(Res::Topic, Attr::Name),
    });

    let (log_group, logs_role, cloudwatch_logs) = match spec.cloudwatch_logs.settings() {
        None => (None, None, None),
        Some(c) => {
            let group = c.log_group_arn.is_none().then(|| LogGroup {
                name: Text::new(
                    c.log_group
                        .clone()
                        .unwrap_or_else(|| format!("CloudTrail/{name}")),
                ),
                retention_days: c.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS),
                kms_key: new_key.map(|_| Expr::Attr(Res::Key, Attr::Arn)),
            });
            let group_arn = match (&c.log_group_arn, &group) {
                (Some(arn), _) => Expr::lit(arn.trim_end_matches(":*")),
                (None, _) => Expr::arn(
                    "logs",
                    Some(Expr::Region),
                    Some(Expr::Account),
                    Expr::join([
                        Expr::lit("log-group:"),
                        Expr::Attr(Res::LogGroup, Attr::Name),
                    ]),
                ),
            };
            let role = c.role_arn.is_none().then(|| {
                depends_on.push(Res::LogsRole);
                Role {
                    trust: policy::logs_role_trust(&ctx),
                    policy_name: "cloudtrail-log-delivery",
                    policy: policy::logs_role_policy(&ctx, &group_arn),
                }
            });
            let role_arn = match &c.role_arn {
                Some(arn) => Expr::lit(arn),
                None => Expr::Attr(Res::LogsRole, Attr::Arn),
            };
            let trail_group_arn = Expr::join([group_arn, Expr::lit(":*")]);
            (group, role, Some((trail_group_arn, role_arn)))
        }
    };

    let key = new_key.map(|k| {
        depends_on.push(Res::Key);
        let users = KeyUsers {
            admins: k.admins.clone(),
            decrypt_principals: k.decrypt_principals.clone(),
            log_group: log_group.as_ref().map(|g| g.name.verbatim().to_string()),
            topic: topic
                .as_ref()
                .filter(|t| t.kms_key.is_some())
                .map(|t| t.name.verbatim().to_string()),
            alarm_topic: watch.encrypted_topic.clone(),
        };
        Key {
            description: Text::new(format!("Encrypts the log files of CloudTrail trail {name}")),
            alias: Text::new(
                k.alias
                    .clone()
                    .unwrap_or_else(|| format!("alias/cloudtrail/{}", dashed(&name))),
            ),
            deletion_window_days: k
                .deletion_window_days
                .unwrap_or(DEFAULT_DELETION_WINDOW_DAYS),
            policy: policy::key_policy(&ctx, &users),
        }
    });
    depends_on.sort();

    let t = &spec.trail;
    let trail = Trail {
        name: Text::new(name.clone()),
        bucket_name,
        prefix: spec.bucket.prefix.clone().map(Text::from),
        kms_key: key_arn,
        sns_topic,
        cloudwatch_logs,
        multi_region: t.multi_region,
        global_service_events: t.global_service_events,
        log_file_validation: t.log_file_validation,
        logging: t.logging,
        organization: t.organization.is_some(),
        selectors,
        insights: insights(&spec.events.insights),
        depends_on,
    };
    let mut outputs = outputs(&trail, key.is_some(), topic.is_some(), log_group.is_some());
    if watch.topic.is_some() {
        outputs.push(Output {
            name: "alerts_topic_arn",
            description: "Topic that receives the CloudWatch alarms",
            value: Expr::Attr(Res::AlertsTopic, Attr::Arn),
        });
    }
    let retained = [
        (Res::Bucket, bucket.is_some()),
        (Res::Key, key.is_some()),
        (Res::LogGroup, log_group.is_some()),
    ]
    .into_iter()
    .filter_map(|(res, created)| created.then_some(res))
    .collect();
    Model {
        description: Text::new(format!(
            "CloudTrail trail {name}, generated by trailsmith from a trail spec"
        )),
        home_region: t.home_region.clone().map(Text::from),
        tags: spec
            .tags
            .iter()
            .map(|(k, v)| (Text::new(k.clone()), Text::new(v.clone())))
            .collect(),
        bucket,
        key,
        topic,
        log_group,
        logs_role,
        trail,
        metric_filters: watch.filters,
        alarms: watch.alarms,
        alerts_topic: watch.topic,
        outputs,
        retained,
    }
}

/// The values users wire into other stacks: the trail, then each resource created.
fn outputs(trail: &Trail, key: bool, topic: bool, log_group: bool) -> Vec<Output> {
    let out = |name, description, value| Output {
        name,
        description,
        value,
    };
    let mut list = vec![
        out(
            "trail_arn",
            "ARN of the trail",
            Expr::Attr(Res::Trail, Attr::Arn),
        ),
        out(
            "bucket_name",
            "Bucket that receives the log files",
            trail.bucket_name.clone(),
        ),
    ];
    if key {
        list.push(out(
            "kms_key_arn",
            "KMS key encrypting the log files",
            Expr::Attr(Res::Key, Attr::Arn),
        ));
    }
    if topic {
        list.push(out(
            "sns_topic_arn",
            "Topic told of each log file delivery",
            Expr::Attr(Res::Topic, Attr::Arn),
        ));
    }
    if log_group {
        let name = Expr::Attr(Res::LogGroup, Attr::Name);
        list.push(out(
            "log_group_name",
            "CloudWatch Logs group receiving the events",
            name,
        ));
    }
    list
}

fn bucket(b: &spec::Bucket, kms_key: Option<Expr>, ctx: &Context) -> Bucket {
    Bucket {
        name: b.name.clone().map(Text::from),
        versioning: b.versioning.unwrap_or(true),
        kms_key,
        archive_after_days: b.lifecycle.as_ref().and_then(|l| l.archive_after_days),
        expire_after_days: b.lifecycle.as_ref().and_then(|l| l.expire_after_days),
        access_logging: b.access_logging.as_ref().map(|l| AccessLogging {
            target_bucket: Text::new(l.target_bucket.clone()),
            prefix: Text::new(l.prefix.clone().unwrap_or_default()),
        }),
        policy: policy::bucket_policy(ctx),
    }
}

/// The log bucket's ARN, which "all S3 objects" data events leave out.
pub fn trail_bucket_arn(b: &spec::Bucket) -> Expr {
    match &b.name {
        Some(name) if b.existing => Expr::arn("s3", None, None, Expr::lit(name)),
        _ => Expr::Attr(Res::Bucket, Attr::Arn),
    }
}

fn insights(list: &[Insight]) -> Vec<&'static str> {
    let mut sorted = list.to_vec();
    sorted.sort();
    sorted
        .into_iter()
        .map(|i| match i {
            Insight::ApiCallRate => "ApiCallRateInsight",
            Insight::ApiErrorRate => "ApiErrorRateInsight",
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let (spec, selectors) = crate::validate::valid(text);
        lower(&spec, selectors)
    }

    #[test]
    fn silence_means_secure_defaults() {
        let m = model("version: 1\ntrail: {name: org.audit}\n");
        assert!(
            m.trail.multi_region && m.trail.global_service_events && m.trail.log_file_validation
        );
        let key = m.key.expect("a key by default");
        assert_eq!(key.alias, "alias/cloudtrail/org-audit");
        assert_eq!(key.deletion_window_days, 30);
        assert_eq!(
            m.topic.expect("a topic by default").name,
            "org-audit-delivery"
        );
        let group = m.log_group.expect("a log group by default");
        assert_eq!(
            (group.name.verbatim(), group.retention_days),
            ("CloudTrail/org.audit", 365)
        );
        assert!(group.kms_key.is_some());
        let bucket = m.bucket.expect("a bucket by default");
        assert!(bucket.versioning && bucket.kms_key.is_some());
        assert_eq!(
            m.trail.depends_on,
            vec![Res::BucketPolicy, Res::Key, Res::TopicPolicy, Res::LogsRole]
        );
    }

    #[test]
    fn existing_resources_are_referenced_not_created() {
        let m = model(
            "version: 1\ntrail: {name: team1}\nbucket: {existing: true, name: central-logs}\n\
             kms: {key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}\nsns: false\n\
             cloudwatch_logs: {log_group_arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:g:*', role_arn: 'arn:aws:iam::111122223333:role/r'}\n",
        );
        assert!(
            m.bucket.is_none()
                && m.key.is_none()
                && m.topic.is_none()
                && m.log_group.is_none()
                && m.logs_role.is_none()
        );
        assert_eq!(m.trail.bucket_name, Expr::lit("central-logs"));
        assert_eq!(
            m.trail.cloudwatch_logs.map(|c| c.0),
            Some(Expr::lit(
                "arn:aws:logs:eu-west-1:111122223333:log-group:g:*"
            ))
        );
        assert!(m.trail.depends_on.is_empty());
        assert!(m.trail.sns_topic.is_none());
    }

    #[test]
    fn kms_false_leaves_everything_on_sse_s3() {
        let m = model("version: 1\ntrail: {name: team1}\nkms: false\n");
        assert!(m.key.is_none() && m.trail.kms_key.is_none());
        assert!(m.bucket.expect("bucket").kms_key.is_none());
        assert!(m.topic.expect("topic").kms_key.is_none());
        assert!(m.log_group.expect("group").kms_key.is_none());
    }
}
