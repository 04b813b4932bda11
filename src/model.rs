//! A checked spec resolved into the resources the output needs: defaults applied, names derived,
//! references as expressions, policies built by `policy`.
//!
//! Owns every decision both targets share (which resources exist, their settings and names, down
//! to the bucket's hardening and lifecycle rule), so the emitters only translate and `explain`
//! says what these fields hold. It must not know target syntax and cannot fail: `validate` has
//! already refused what would not deploy. What the trail watches is resolved in `alarms`, the log
//! bucket's settings in `bucket`.

pub mod alarms;
pub mod athena;
mod bucket;
pub mod event_rules;
mod recording;

pub use recording::TerraformProvider;

use crate::derived::{dashed, delivery_topic_name};
use crate::expr::{Attr, Expr, Input, Res, Text};
use crate::layout::{self, Part};
use crate::policy::{self, KeyUsers, Policy};
use crate::selectors::Selectors;
use crate::spec::{RetentionSpec, Spec};

pub use alarms::{Alarm, AlertsTopic, MetricFilter, Subscription};
pub use bucket::{
    AccessLogging, Bucket, Encryption, LifecycleRule, LockMode, LockPeriod, ObjectLock,
    ObjectOwnership, PublicAccessBlock, StorageClass, Transition, ABORT_INCOMPLETE_UPLOAD_DAYS,
    NONCURRENT_VERSION_DAYS,
};
pub use event_rules::EventRule;

/// Defaults where the spec is silent; chosen to satisfy CIS and Security Hub controls.
pub use crate::derived::DEFAULT_RETENTION_DAYS;
pub const DEFAULT_DELETION_WINDOW_DAYS: u32 = 30;

#[derive(Debug, Clone)]
pub struct Model {
    /// The part of an organization layout this output is, or `None` for a whole trail.
    pub part: Option<Part>,
    /// The account the output must be deployed to, when the spec says (a layout's parts).
    pub account: Option<Text>,
    /// The trail's name, which every part is named after.
    pub name: Text,
    /// The trail's ARN, known before it exists (built from its name, as the policies do).
    pub trail_arn: Expr,
    pub description: Text,
    pub home_region: Option<Text>,
    /// The hashicorp/aws major version the Terraform output is written for.
    pub terraform_provider: TerraformProvider,
    /// The Terraform output is a module another configuration calls: no provider block.
    pub terraform_module: bool,
    pub tags: Vec<(Text, Text)>,
    /// What the deployer passes in (`Expr::Input`), with the pattern that admits it.
    pub inputs: Vec<InputSpec>,
    /// The spec's `parameters`, each written where a name or ARN of this output uses it
    /// (`Expr::Param`): the emitters declare only those.
    pub params: Vec<Param>,
    pub bucket: Option<Bucket>,
    pub key: Option<Key>,
    pub topic: Option<Topic>,
    pub log_group: Option<LogGroup>,
    pub logs_role: Option<Role>,
    /// The trail, except in a layout's log archive part.
    pub trail: Option<Trail>,
    /// Metric filters on the trail's log group, each with the alarm in `alarms` of the same key.
    pub metric_filters: Vec<MetricFilter>,
    pub alarms: Vec<Alarm>,
    pub alerts_topic: Option<AlertsTopic>,
    /// The Athena table over the log files, with the bucket (`model::athena`).
    pub athena: Option<athena::Athena>,
    /// EventBridge rules on CloudTrail events (`alarms.events`), each notifying the alerts topic.
    pub event_rules: Vec<EventRule>,
    pub outputs: Vec<Output>,
    /// Stores of audit evidence that outlive the stack or configuration that made them: the log
    /// bucket, the key without which logs cannot be read, and the log group.
    pub retained: Vec<Res>,
}

/// What CloudFormation must be told to create the output's IAM resources: a role with a fixed
/// name needs `CAPABILITY_NAMED_IAM` (AWS::IAM::Role, RoleName), any other role `CAPABILITY_IAM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IamCapability {
    Iam,
    NamedIam,
}

impl IamCapability {
    /// The word `aws cloudformation deploy --capabilities` takes.
    pub fn word(self) -> &'static str {
        match self {
            IamCapability::Iam => "CAPABILITY_IAM",
            IamCapability::NamedIam => "CAPABILITY_NAMED_IAM",
        }
    }
}

impl Model {
    /// The capability a CloudFormation deployment of this output needs, or `None` when it
    /// creates no IAM resource.
    pub fn iam_capability(&self) -> Option<IamCapability> {
        self.logs_role.as_ref().map(|r| match r.name {
            Some(_) => IamCapability::NamedIam,
            None => IamCapability::Iam,
        })
    }
}

/// A parameter of the spec: a CloudFormation parameter, a Terraform variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// snake_case as the spec writes it; CloudFormation takes it in PascalCase.
    pub name: String,
    pub description: Text,
    pub default: Option<Text>,
    pub allowed: Vec<Text>,
}

/// A value the deployer passes in, and what it must look like.
#[derive(Debug, Clone)]
pub struct InputSpec {
    pub input: Input,
    /// The part whose output supplies it, and that output's name: that part is deployed first.
    pub from: (Part, &'static str),
    pub description: Text,
    /// A regular expression the whole value must match (CloudFormation `AllowedPattern`, a
    /// Terraform validation).
    pub pattern: String,
}

#[derive(Debug, Clone)]
pub struct Key {
    pub description: Text,
    pub alias: Text,
    /// Automatic yearly rotation of the key material.
    pub rotation: bool,
    pub deletion_window_days: u32,
    /// A multi-Region primary key ("Multi-Region keys in AWS KMS"), fixed at creation.
    pub multi_region: bool,
    pub policy: Policy,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: Text,
    pub kms_key: Option<Expr>,
    pub policy: Policy,
    /// The delivery topic's own subscriptions, keyed as the alerts topic's are.
    pub subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone)]
pub struct LogGroup {
    pub name: Text,
    pub retention: Retention,
    pub kms_key: Option<Expr>,
}

/// How long a log group keeps events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// One of the numbers of days CloudWatch Logs accepts.
    Days(u32),
    /// No retention policy: CloudWatch Logs keeps the events forever ("DeleteRetentionPolicy" API
    /// reference), which is what a log group created without one has.
    Never,
}

impl Retention {
    /// The spec's retention, or the default when it gives none.
    pub fn of(spec: Option<RetentionSpec>) -> Retention {
        match spec {
            None => Retention::Days(DEFAULT_RETENTION_DAYS),
            Some(RetentionSpec::Days(days)) => Retention::Days(days),
            Some(RetentionSpec::Never(_)) => Retention::Never,
        }
    }

    /// The number of days, or `None` when events never expire.
    pub fn days(self) -> Option<u32> {
        match self {
            Retention::Days(days) => Some(days),
            Retention::Never => None,
        }
    }
}

/// The CloudWatch Logs delivery role trailsmith creates.
#[derive(Debug, Clone)]
pub struct Role {
    /// A fixed name, or `None` for one the target generates (as when the spec gives none).
    pub name: Option<Text>,
    /// The IAM path, written only when the spec gives one (IAM's default is `/`).
    pub path: Option<Text>,
    /// The ARN of the managed policy bounding the role's permissions.
    pub permissions_boundary: Option<Text>,
    pub description: Text,
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
    /// The categories Insights analyze (`Management`, `Data`), or `None` for AWS's default,
    /// management events alone, which outputs leave unsaid.
    pub insight_categories: Option<Vec<&'static str>>,
    /// Aggregated events: (`EventCategory`, `Templates`) in AWS's words.
    pub aggregations: Vec<(&'static str, Vec<&'static str>)>,
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

/// The spec with the selectors `validate` planned for it (planned once, lowered as they are), as
/// one whole trail. A spec with `accounts` is lowered by `lower_all`.
pub fn lower(spec: &Spec, selectors: Selectors) -> Model {
    lower_part(spec, selectors, None)
}

/// Every output of the spec in deploy order: the whole trail, or each part of its organization
/// layout.
pub fn lower_all(spec: &Spec, selectors: Selectors) -> Vec<Model> {
    match layout::parts(spec) {
        [] => vec![lower(spec, selectors)],
        parts => parts
            .iter()
            .map(|p| lower_part(spec, selectors.clone(), Some(*p)))
            .collect(),
    }
}

/// The resources of one part (or, for `None`, all of them). In a layout the log archive part
/// holds the bucket and, where the spec puts it, the key of the log files; the management part
/// holds the rest, naming the bucket and that key by literal name and ARN.
fn lower_part(spec: &Spec, selectors: Selectors, part: Option<Part>) -> Model {
    let name = spec.trail.name.clone();
    let ctx = layout::policy_context(spec);
    let holds_bucket = part != Some(Part::Management) && !spec.bucket.existing;
    let holds_trail = part != Some(Part::LogArchive);
    let key_here = part.is_none() || layout::key_part(spec) == part;
    let kms = spec.kms.settings();
    let new_key = kms.as_ref().filter(|k| k.key_arn.is_none());
    // "Encrypt log data in CloudWatch Logs using AWS KMS" and SNS encryption take a key of
    // another account, but then the management account's alarms break whenever the log archive
    // account changes its key policy; its own key keeps each account's data under its own key.
    let monitoring_key = new_key.is_some() && !key_here && part == Some(Part::Management);
    let key_arn = kms.as_ref().and_then(|k| match &k.key_arn {
        Some(arn) => Some(Expr::deploy_time(arn)),
        None if key_here => Some(Expr::Attr(Res::Key, Attr::Arn)),
        // The key's id is random: the management part learns its ARN from the log archive's
        // output, since a trail named by an alias ARN reads back another value on every plan.
        None if part == Some(Part::Management) => Some(Expr::Input(Input::KmsKeyArn)),
        None => None,
    });
    let key_arn_here = key_arn.clone().filter(|k| !matches!(k, Expr::Input(_)));
    let mut inputs = Vec::new();
    if key_arn == Some(Expr::Input(Input::KmsKeyArn)) {
        inputs.push(key_input(spec));
    }
    let mut depends_on = Vec::new();

    let bucket = holds_bucket.then(|| {
        depends_on.push(Res::BucketPolicy);
        // A key of the other account would make every writer of the bucket depend on that
        // account's key policy; CloudTrail names its own key on each log file anyway.
        let encryption = match (&key_arn, &kms) {
            (Some(key), _) if key_here => Encryption::Kms(key.clone()),
            (_, Some(_)) => Encryption::AwsManagedKms,
            (_, None) => Encryption::S3,
        };
        let mut b = bucket::lower(&spec.bucket, encryption, &ctx);
        if let Some(a) = &spec.athena {
            let results_prefix = crate::derived::athena_results_prefix(a);
            let readers = athena_readers(a);
            let in_trail_bucket = a.results.as_ref().is_none_or(|r| r.bucket.is_none());
            let access = policy::athena::Readers {
                readers: &readers,
                results_prefix: in_trail_bucket.then_some(results_prefix.as_str()),
            };
            policy::athena::extend(
                &mut b.policy,
                policy::athena::bucket_statements(&ctx, &access),
            );
        }
        b
    });
    let bucket_name = match &spec.bucket.name {
        Some(n) if !holds_bucket => Expr::deploy_time(n),
        _ => Expr::Attr(Res::Bucket, Attr::Name),
    };

    let watch = if holds_trail {
        alarms::lower(spec)
    } else {
        alarms::Lowered::default()
    };
    let sns = spec.sns.settings().filter(|_| holds_trail);
    let topic = sns.as_ref().filter(|s| s.topic_arn.is_none()).map(|s| {
        depends_on.push(Res::TopicPolicy);
        Topic {
            name: Text::deploy_time(delivery_topic_name(&name, s)),
            // Only a key whose policy we write: it must let CloudTrail publish to the topic.
            kms_key: new_key.map(|_| Expr::Attr(Res::Key, Attr::Arn)),
            policy: {
                let mut p = policy::topic_policy(&ctx, watch.to_delivery_topic);
                if !watch.delivery_topic_rules.is_empty() {
                    let topic = Expr::Attr(Res::Topic, Attr::Arn);
                    let rules = &watch.delivery_topic_rules;
                    p.statements.push(policy::events_publish(topic, rules));
                }
                p
            },
            subscriptions: alarms::subscriptions(&s.email, &s.subscriptions),
        }
    });
    let sns_topic = sns.map(|s| match s.topic_arn {
        Some(arn) => Expr::deploy_time(&arn),
        // CloudTrail takes a name or an ARN; the name keeps the trail readable in the console.
        None => Expr::Attr(Res::Topic, Attr::Name),
    });

    let logs = spec.cloudwatch_logs.settings().filter(|_| holds_trail);
    let (log_group, logs_role, cloudwatch_logs) = match logs {
        None => (None, None, None),
        Some(c) => {
            let group = c.log_group_arn.is_none().then(|| LogGroup {
                name: Text::deploy_time(
                    c.log_group
                        .clone()
                        .unwrap_or_else(|| format!("CloudTrail/{name}")),
                ),
                retention: Retention::of(c.retention_days),
                kms_key: new_key.map(|_| Expr::Attr(Res::Key, Attr::Arn)),
            });
            let group_arn = match (&c.log_group_arn, &group) {
                (Some(arn), _) => Expr::deploy_time(arn.trim_end_matches(":*")),
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
                let given = c.role.clone().unwrap_or_default();
                Role {
                    name: given.name.map(Text::deploy_time),
                    path: given.path.map(Text::new),
                    permissions_boundary: given.permissions_boundary.map(Text::deploy_time),
                    description: Text::new(format!(
                        "Lets CloudTrail trail {name} deliver to CloudWatch Logs"
                    )),
                    trust: policy::logs_role_trust(&ctx),
                    policy_name: "cloudtrail-log-delivery",
                    policy: policy::logs_role_policy(&ctx, &group_arn),
                }
            });
            let role_arn = match &c.role_arn {
                Some(arn) => Expr::deploy_time(arn),
                None => Expr::Attr(Res::LogsRole, Attr::Arn),
            };
            let trail_group_arn = Expr::join([group_arn, Expr::lit(":*")]);
            (group, role, Some((trail_group_arn, role_arn)))
        }
    };

    // The management account's own key only where something of it is encrypted.
    let encrypts_here = log_group.is_some()
        || topic.is_some()
        || watch.encrypted_topic.is_some()
        || watch.events_topic.is_some()
        || watch.topic.as_ref().is_some_and(|t| t.kms_key.is_some());
    let monitoring_key = monitoring_key && encrypts_here;
    let creates_key = new_key.is_some() && (key_here || monitoring_key);
    let key = new_key.filter(|_| creates_key).map(|k| {
        if key_here {
            depends_on.push(Res::Key);
        }
        let users = KeyUsers {
            // The administrators named in the spec administer the log files' key; the other
            // account's key is administered by its own root (IAM) only.
            admins: if monitoring_key {
                Vec::new()
            } else {
                k.admins.clone()
            },
            decrypt_principals: k.decrypt_principals.clone(),
            log_group: log_group.as_ref().map(|g| g.name.verbatim().to_string()),
            topic: topic
                .as_ref()
                .filter(|t| t.kms_key.is_some())
                .map(|t| t.name.verbatim().to_string()),
            alarm_topic: watch.encrypted_topic.clone(),
            events_topic: watch.events_topic.clone(),
            monitoring_only: monitoring_key,
            // CloudTrail writes log files with this key into a bucket with S3 Bucket Keys.
            bucket_key: spec.bucket.bucket_key && !monitoring_key,
        };
        let alias = k
            .alias
            .clone()
            .unwrap_or_else(|| format!("alias/cloudtrail/{}", dashed(&name)));
        let (description, alias) = if monitoring_key {
            (
                format!("Encrypts the CloudWatch Logs group and topics of CloudTrail trail {name}"),
                layout::monitoring_alias(&alias),
            )
        } else {
            (
                format!("Encrypts the log files of CloudTrail trail {name}"),
                alias,
            )
        };
        let mut key_policy = policy::key_policy(&ctx, &users);
        if let Some(a) = spec.athena.as_ref().filter(|_| !monitoring_key) {
            let statements = policy::athena::key_statements(&ctx, &athena_readers(a));
            policy::athena::extend(&mut key_policy, statements);
        }
        Key {
            description: Text::new(description),
            alias: Text::deploy_time(alias),
            // CIS 3.6 ("Rotating AWS KMS keys"); the spec has no switch to turn it off.
            rotation: true,
            deletion_window_days: k
                .deletion_window_days
                .unwrap_or(DEFAULT_DELETION_WINDOW_DAYS),
            // The management account's own key of a layout only serves that account's region.
            multi_region: k.multi_region && !monitoring_key,
            policy: key_policy,
        }
    });
    depends_on.sort();

    let t = &spec.trail;
    let trail = holds_trail.then(|| Trail {
        name: Text::new(name.clone()),
        bucket_name: bucket_name.clone(),
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
        insights: recording::insights(&spec.events.insights),
        insight_categories: recording::insight_categories(&spec.events),
        aggregations: recording::aggregations(&spec.events.aggregations),
        depends_on,
    });
    let athena = bucket.as_ref().and_then(|_| {
        athena::lower(&athena::Inputs {
            trail_account: ctx.trail_account(),
            bucket_name: bucket_name.clone(),
            // The key of another part's account is not one this part's readers are granted.
            results_key: key_arn_here.clone(),
            spec,
        })
    });
    let created = Created {
        trail: trail.is_some(),
        key: match &key {
            Some(_) if monitoring_key => KeyKind::Monitoring,
            Some(_) => KeyKind::LogFiles,
            None => KeyKind::None,
        },
        topic: topic.is_some(),
        log_group: log_group.is_some(),
        alerts_topic: watch.topic.is_some(),
    };
    let outputs = outputs(&bucket_name, &created);
    let retained = [
        (Res::Bucket, bucket.is_some()),
        (Res::Key, key.is_some()),
        (Res::LogGroup, log_group.is_some()),
    ]
    .into_iter()
    .filter_map(|(res, created)| created.then_some(res))
    .collect();
    let account = part.and_then(|p| p.account(spec)).map(Text::from);
    let description = match (part, &account) {
        (Some(p), Some(a)) => format!(
            "CloudTrail trail {name}, {} part (account {}), generated by trailsmith from a trail spec",
            p.title(),
            a.verbatim()
        ),
        _ => format!("CloudTrail trail {name}, generated by trailsmith from a trail spec"),
    };
    Model {
        part,
        account,
        name: Text::new(name),
        trail_arn: ctx.trail_arn(),
        description: Text::new(description),
        home_region: t.home_region.clone().map(Text::from),
        terraform_provider: recording::provider(spec),
        terraform_module: spec.terraform.module,
        tags: spec
            .tags
            .iter()
            .map(|(k, v)| (Text::new(k.clone()), Text::new(v.clone())))
            .collect(),
        inputs,
        params: spec
            .parameters
            .iter()
            .map(|(name, p)| Param {
                name: name.clone(),
                description: Text::new(
                    p.description.clone().unwrap_or_else(|| {
                        format!("`${{{name}}}` of trail spec {}", spec.trail.name)
                    }),
                ),
                default: p.default.clone().map(Text::new),
                allowed: p.allowed.iter().cloned().map(Text::new).collect(),
            })
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
        athena,
        event_rules: watch.rules,
        outputs,
        retained,
    }
}

/// The readers of the Athena table, as the policies name them.
fn athena_readers(a: &crate::spec::Athena) -> Vec<Expr> {
    a.readers.iter().map(|r| Expr::deploy_time(r)).collect()
}

/// The log files' key, as the management part of a layout takes it: a key ARN (never an alias)
/// of the log archive account in the trail's region.
fn key_input(spec: &Spec) -> InputSpec {
    let (part, output) = (Part::LogArchive, "kms_key_arn");
    let account = part.account(spec).unwrap_or_default();
    let region = spec.trail.home_region.clone().unwrap_or_default();
    InputSpec {
        input: Input::KmsKeyArn,
        from: (part, output),
        description: Text::new(format!(
            "ARN of the key that encrypts the log files: output {output} of the {} part (account {account})",
            part.title()
        )),
        pattern: format!(
            "^arn:aws[a-z-]*:kms:{region}:{account}:key/(mrk-[0-9a-f]{{32}}|[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}})$"
        ),
    }
}

/// Which key an output creates, for its outputs.
#[derive(PartialEq)]
enum KeyKind {
    None,
    LogFiles,
    Monitoring,
}

/// What an output creates, for its outputs.
struct Created {
    trail: bool,
    key: KeyKind,
    topic: bool,
    log_group: bool,
    alerts_topic: bool,
}

/// The values users wire into other stacks (and one part of a layout into the other): the
/// trail, then each resource created.
fn outputs(bucket_name: &Expr, created: &Created) -> Vec<Output> {
    let out = |name, description, value| Output {
        name,
        description,
        value,
    };
    let mut list = Vec::new();
    if created.trail {
        list.push(out(
            "trail_arn",
            "ARN of the trail",
            Expr::Attr(Res::Trail, Attr::Arn),
        ));
    }
    list.push(out(
        "bucket_name",
        "Bucket that receives the log files",
        bucket_name.clone(),
    ));
    match created.key {
        KeyKind::LogFiles => list.push(out(
            "kms_key_arn",
            "KMS key encrypting the log files",
            Expr::Attr(Res::Key, Attr::Arn),
        )),
        KeyKind::Monitoring => list.push(out(
            "monitoring_key_arn",
            "KMS key encrypting the log group and topics",
            Expr::Attr(Res::Key, Attr::Arn),
        )),
        KeyKind::None => {}
    }
    if created.topic {
        list.push(out(
            "sns_topic_arn",
            "Topic told of each log file delivery",
            Expr::Attr(Res::Topic, Attr::Arn),
        ));
    }
    if created.log_group {
        list.push(out(
            "log_group_name",
            "CloudWatch Logs group receiving the events",
            Expr::Attr(Res::LogGroup, Attr::Name),
        ));
    }
    if created.alerts_topic {
        list.push(out(
            "alerts_topic_arn",
            "Topic that receives the CloudWatch alarms",
            Expr::Attr(Res::AlertsTopic, Attr::Arn),
        ));
    }
    list
}

#[cfg(test)]
mod tests;
