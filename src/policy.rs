//! The one place where bucket, key, topic and delivery-role policy documents are written.
//!
//! Owns every statement, its Sid, principal, actions, resources and conditions, following the AWS
//! CloudTrail, Amazon SNS and CloudWatch pages cited on each function. Both targets serialize these documents, so
//! they cannot drift apart. Every statement that lets a service act on our resources is scoped with
//! `aws:SourceArn` (confused deputy protection) or an encryption context. It must not know target
//! syntax, and must not reference the trail resource itself: the trail ARN is built from its name,
//! because the trail waits for these policies and a reference would make a cycle.

use crate::expr::{Attr, Expr, Res};

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    Service(Expr),
    Aws(Vec<Expr>),
    Everyone,
    /// Identity policies (attached to a role) name no principal.
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Condition operator, such as `StringEquals` or `ArnLike`.
    pub test: &'static str,
    /// Condition key, such as `aws:SourceArn`.
    pub key: &'static str,
    pub values: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: &'static str,
    pub effect: Effect,
    pub principal: Principal,
    pub actions: Vec<&'static str>,
    pub resources: Vec<Expr>,
    pub conditions: Vec<Condition>,
}

/// What the policies need to know about the trail and its neighbours.
#[derive(Debug, Clone)]
pub struct Context {
    pub trail_name: String,
    pub organization_id: Option<String>,
    /// Key prefix of log files, without slashes at either end.
    pub prefix: Option<String>,
    /// Other accounts whose trails deliver into our bucket and use our key.
    pub writer_accounts: Vec<String>,
    /// The trail's account and region as written in the spec, when an organization layout puts
    /// the trail in another account than some of these policies: then every ARN of the trail is
    /// literal. `None`: the account and region the output is deployed to.
    pub trail_home: Option<(String, String)>,
    /// The oldest TLS version the bucket accepts (`s3:TlsVersion`), when the spec sets one.
    pub min_tls_version: Option<&'static str>,
}

const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
const CLOUDWATCH: &str = "cloudwatch.amazonaws.com";
const SNS: &str = "sns.amazonaws.com";

fn cloudtrail() -> Principal {
    Principal::Service(Expr::lit(CLOUDTRAIL))
}

fn cloudwatch() -> Principal {
    Principal::Service(Expr::lit(CLOUDWATCH))
}

/// `arn:P:sns:R:A:NAME`, known before the topic exists: a key that encrypts the topic must not
/// refer to it, since the topic refers to the key.
fn topic_arn(name: &str) -> Expr {
    Expr::arn(
        "sns",
        Some(Expr::Region),
        Some(Expr::Account),
        Expr::deploy_time(name),
    )
}

fn cond(test: &'static str, key: &'static str, values: Vec<Expr>) -> Condition {
    Condition { test, key, values }
}

fn allow(
    sid: &'static str,
    principal: Principal,
    actions: &[&'static str],
    resources: Vec<Expr>,
) -> Statement {
    Statement {
        sid,
        effect: Effect::Allow,
        principal,
        actions: actions.to_vec(),
        resources,
        conditions: Vec::new(),
    }
}

impl Statement {
    fn when(mut self, condition: Condition) -> Statement {
        self.conditions.push(condition);
        self
    }
}

impl Context {
    /// `arn:P:cloudtrail:R:A:trail/NAME`, known before the trail exists.
    pub fn trail_arn(&self) -> Expr {
        let region = match &self.trail_home {
            Some((_, region)) => Expr::lit(region),
            None => Expr::Region,
        };
        Expr::arn(
            "cloudtrail",
            Some(region),
            Some(self.trail_account()),
            Expr::lit(format!("trail/{}", self.trail_name)),
        )
    }

    /// The account that owns the trail ("Organization delegated administrator": the management
    /// account owns an organization trail whoever created it).
    pub fn trail_account(&self) -> Expr {
        match &self.trail_home {
            Some((account, _)) => Expr::lit(account),
            None => Expr::Account,
        }
    }

    fn source_is_trail(&self) -> Condition {
        cond("StringEquals", "aws:SourceArn", vec![self.trail_arn()])
    }

    /// Any trail of each writer account, in any region.
    fn writer_trails(&self) -> Vec<Expr> {
        self.writer_accounts
            .iter()
            .map(|a| {
                Expr::arn(
                    "cloudtrail",
                    Some(Expr::lit("*")),
                    Some(Expr::lit(a)),
                    Expr::lit("trail/*"),
                )
            })
            .collect()
    }

    /// `arn:P:s3:::BUCKET/PREFIX/AWSLogs/OWNER/*`
    fn log_path(&self, owner: Expr) -> Expr {
        Expr::join([
            Expr::Attr(Res::Bucket, Attr::Arn),
            Expr::lit("/"),
            log_files_prefix(self.prefix.as_deref(), owner),
            Expr::lit("*"),
        ])
    }
}

/// `PREFIX/AWSLogs/OWNER/`: the key prefix CloudTrail writes the log files of OWNER (an account
/// or organization id) under, which the bucket policy grants and `explain` names.
pub(crate) fn log_files_prefix(prefix: Option<&str>, owner: Expr) -> Expr {
    let prefix = prefix.map(|p| format!("{p}/")).unwrap_or_default();
    Expr::join([
        Expr::lit(format!("{prefix}AWSLogs/")),
        owner,
        Expr::lit("/"),
    ])
}

/// Who else the key serves, beyond CloudTrail writing log files.
#[derive(Debug, Clone, Default)]
pub struct KeyUsers {
    pub admins: Vec<String>,
    pub decrypt_principals: Vec<String>,
    /// Name of the log group encrypted with this key (a literal: the group refers to the key, so
    /// the key policy must not refer back to the group).
    pub log_group: Option<String>,
    /// Name of the SNS topic encrypted with this key (a literal, for the same reason).
    pub topic: Option<String>,
    /// Name of the topic encrypted with this key that receives CloudWatch alarms (the delivery
    /// topic or the alerts topic; a literal, for the same reason), or the ARN of one made elsewhere.
    pub alarm_topic: Option<String>,
    /// Name of the topic encrypted with this key that EventBridge rules notify (a literal, as
    /// above).
    pub events_topic: Option<String>,
    /// The key does not encrypt log files (no CloudTrail encryption, no readers): the key an
    /// organization layout's management account keeps for its own log group and topics when the
    /// log files' key is in the log archive account.
    pub monitoring_only: bool,
    /// The bucket uses S3 Bucket Keys with this key, so CloudTrail must be able to decrypt.
    pub bucket_key: bool,
}

/// What a publisher needs of the key of an encrypted topic: both actions, for that one topic
/// (its encryption context). `topic` is a name (a topic the output creates, whose ARN is built from it) or the ARN of a
/// topic made elsewhere, taken as it is.
fn publish_to_encrypted_topic(sid: &'static str, publisher: Principal, topic: &str) -> Statement {
    let arn = if topic.starts_with("arn:") {
        Expr::deploy_time(topic)
    } else {
        topic_arn(topic)
    };
    allow(
        sid,
        publisher,
        &["kms:GenerateDataKey*", "kms:Decrypt"],
        vec![Expr::lit("*")],
    )
    .when(cond(
        "StringEquals",
        "kms:EncryptionContext:aws:sns:topicArn",
        vec![arn],
    ))
}

/// Key administration actions of the "default key policy" page, without kms:Encrypt/Decrypt.
const KEY_ADMIN_ACTIONS: [&str; 15] = [
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
];

/// "Configure AWS KMS key policies for CloudTrail": root keeps the key manageable; CloudTrail may
/// encrypt only for this account's trails (encryption context) and only as this trail (SourceArn).
pub fn key_policy(ctx: &Context, users: &KeyUsers) -> Policy {
    let any = || vec![Expr::lit("*")];
    let root = Expr::arn("iam", None, Some(Expr::Account), Expr::lit("root"));
    let mut statements = vec![allow(
        "EnableRootAccess",
        Principal::Aws(vec![root]),
        &["kms:*"],
        any(),
    )];
    if !users.admins.is_empty() {
        statements.push(allow(
            "KeyAdministrators",
            Principal::Aws(users.admins.iter().map(|a| Expr::deploy_time(a)).collect()),
            &KEY_ADMIN_ACTIONS,
            any(),
        ));
    }
    if !users.monitoring_only {
        log_file_statements(ctx, users, &mut statements);
    }
    if let Some(group) = &users.log_group {
        // "Encrypt log data in CloudWatch Logs using AWS KMS": the regional logs service principal,
        // scoped to the one log group by its encryption context.
        let logs = Principal::Service(Expr::join([
            Expr::lit("logs."),
            Expr::Region,
            Expr::lit(".amazonaws.com"),
        ]));
        let group_arn = Expr::arn(
            "logs",
            Some(Expr::Region),
            Some(Expr::Account),
            Expr::deploy_time(&format!("log-group:{group}")),
        );
        statements.push(
            allow(
                "AllowCloudWatchLogs",
                logs,
                &[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                any(),
            )
            .when(cond(
                "ArnLike",
                "kms:EncryptionContext:aws:logs:arn",
                vec![group_arn],
            )),
        );
    }
    if let Some(topic) = &users.topic {
        // "Amazon SNS topic policy for CloudTrail": publishing to an encrypted topic needs both.
        // SNS makes the KMS call with the topic as encryption context (`aws:sns:topicArn`, as in
        // "Set up an SNS topic with server-side encryption" for GameLift); that, not
        // aws:SourceArn, is what the request is documented to carry.
        statements.push(publish_to_encrypted_topic(
            "AllowCloudTrailEncryptedTopic",
            cloudtrail(),
            topic,
        ));
    }
    if let Some(topic) = &users.alarm_topic {
        // "Key management" (Amazon SNS Developer Guide), "Enable compatibility between event
        // sources from AWS services and encrypted topics": CloudWatch needs both actions to
        // publish alarms to an encrypted topic; scoped to that one topic as above.
        statements.push(publish_to_encrypted_topic(
            "AllowCloudWatchAlarmsEncryptedTopic",
            cloudwatch(),
            topic,
        ));
    }
    if let Some(topic) = &users.events_topic {
        statements.push(events::events_encrypted_topic(topic));
    }
    Policy { statements }
}

/// CloudTrail encrypting log files with the key, for this trail and the writer accounts' trails
/// (encryption context and SourceArn), and the named readers decrypting them.
fn log_file_statements(ctx: &Context, users: &KeyUsers, statements: &mut Vec<Statement>) {
    let any = || vec![Expr::lit("*")];
    let own_trails = Expr::arn(
        "cloudtrail",
        Some(Expr::lit("*")),
        Some(ctx.trail_account()),
        Expr::lit("trail/*"),
    );
    let context_key = "kms:EncryptionContext:aws:cloudtrail:arn";
    statements.push(
        allow(
            "AllowCloudTrailEncrypt",
            cloudtrail(),
            &["kms:GenerateDataKey*"],
            any(),
        )
        .when(cond("StringLike", context_key, vec![own_trails]))
        .when(ctx.source_is_trail()),
    );
    if !ctx.writer_accounts.is_empty() {
        statements.push(
            allow(
                "AllowCloudTrailEncryptWriterAccounts",
                cloudtrail(),
                &["kms:GenerateDataKey*"],
                any(),
            )
            .when(cond("StringLike", context_key, ctx.writer_trails()))
            .when(cond("ArnLike", "aws:SourceArn", ctx.writer_trails())),
        );
    }
    statements.push(
        allow(
            "AllowCloudTrailDescribe",
            cloudtrail(),
            &["kms:DescribeKey"],
            any(),
        )
        .when(ctx.source_is_trail()),
    );
    if !ctx.writer_accounts.is_empty() {
        // The same page lists "describe KMS key properties" as required for every trail that
        // uses the key, so a writer account's CreateTrail with this key needs it too.
        statements.push(
            allow(
                "AllowCloudTrailDescribeWriterAccounts",
                cloudtrail(),
                &["kms:DescribeKey"],
                any(),
            )
            .when(cond("ArnLike", "aws:SourceArn", ctx.writer_trails())),
        );
    }
    if users.bucket_key {
        // "Configure AWS KMS key policies for CloudTrail": with an S3 Bucket Key, creating or
        // updating a trail with SSE-KMS needs kms:Decrypt for CloudTrail. The page gives no
        // encryption context for it (S3 derives the bucket key's context from the bucket), so it
        // is scoped as the page asks of every statement: aws:SourceArn, this trail's (and the
        // writer accounts' trails').
        statements.push(
            allow(
                "AllowCloudTrailDecryptBucketKey",
                cloudtrail(),
                &["kms:Decrypt"],
                any(),
            )
            .when(ctx.source_is_trail()),
        );
        if !ctx.writer_accounts.is_empty() {
            statements.push(
                allow(
                    "AllowCloudTrailDecryptBucketKeyWriterAccounts",
                    cloudtrail(),
                    &["kms:Decrypt"],
                    any(),
                )
                .when(cond("ArnLike", "aws:SourceArn", ctx.writer_trails())),
            );
        }
    }
    if !users.decrypt_principals.is_empty() {
        statements.push(
            allow(
                "AllowLogFileDecryption",
                Principal::Aws(
                    users
                        .decrypt_principals
                        .iter()
                        .map(|a| Expr::deploy_time(a))
                        .collect(),
                ),
                &["kms:Decrypt", "kms:ReEncryptFrom"],
                any(),
            )
            .when(cond("Null", context_key, vec![Expr::lit("false")])),
        );
    }
}

/// "Amazon SNS topic policy for CloudTrail"; with `alarms`, the topic also receives CloudWatch
/// alarms.
pub fn topic_policy(ctx: &Context, alarms: bool) -> Policy {
    let topic = Expr::Attr(Res::Topic, Attr::Arn);
    let mut statements = vec![allow(
        "AWSCloudTrailSNSPolicy",
        cloudtrail(),
        &["sns:Publish"],
        vec![topic.clone()],
    )
    .when(ctx.source_is_trail())];
    if alarms {
        statements.push(alarms_publish(topic));
    }
    Policy { statements }
}

/// The topic that receives the trail's CloudWatch alarms.
pub fn alerts_topic_policy() -> Policy {
    Policy {
        statements: vec![alarms_publish(Expr::Attr(Res::AlertsTopic, Attr::Arn))],
    }
}

/// "Subscribing an Amazon SQS queue to an Amazon SNS topic" and "Fanout to Amazon SQS queues"
/// (Amazon SNS Developer Guide): the queue's policy lets SNS send it messages from this topic
/// only. trailsmith never owns a subscribed queue: this is what a note tells its owner to allow,
/// for the new topic `topic_name`.
pub fn queue_policy(queue_arn: &str, topic_name: &str) -> Policy {
    Policy {
        statements: vec![allow(
            "AllowSNSSendMessage",
            Principal::Service(Expr::lit(SNS)),
            &["sqs:SendMessage"],
            vec![Expr::deploy_time(queue_arn)],
        )
        .when(cond(
            "ArnEquals",
            "aws:SourceArn",
            vec![topic_arn(topic_name)],
        ))],
    }
}

/// "Configure KMS permissions for AWS services" (Amazon SQS Developer Guide, key management): a
/// customer managed key that encrypts a subscribed queue lets SNS use it, for this topic's
/// messages only.
pub fn queue_key_policy(topic_name: &str) -> Policy {
    Policy {
        statements: vec![allow(
            "AllowSNSUseOfQueueKey",
            Principal::Service(Expr::lit(SNS)),
            &["kms:GenerateDataKey", "kms:Decrypt"],
            vec![Expr::lit("*")],
        )
        .when(cond(
            "ArnEquals",
            "aws:SourceArn",
            vec![topic_arn(topic_name)],
        ))],
    }
}

/// "Using Amazon CloudWatch alarms" (actions on SNS topics) and "Amazon SNS topic policy for
/// CloudTrail": CloudWatch publishes as itself, on behalf of an alarm of this account and region
/// (aws:SourceArn, confused deputy protection).
fn alarms_publish(topic: Expr) -> Statement {
    let alarms = Expr::arn(
        "cloudwatch",
        Some(Expr::Region),
        Some(Expr::Account),
        Expr::lit("alarm:*"),
    );
    allow(
        "AllowCloudWatchAlarmsPublish",
        cloudwatch(),
        &["sns:Publish"],
        vec![topic],
    )
    .when(cond("ArnLike", "aws:SourceArn", vec![alarms]))
}

/// "Sending events to CloudWatch Logs": the role CloudTrail assumes, only for this trail.
pub fn logs_role_trust(ctx: &Context) -> Policy {
    Policy {
        statements: vec![allow(
            "AWSCloudTrailAssumeRole",
            cloudtrail(),
            &["sts:AssumeRole"],
            Vec::new(),
        )
        .when(ctx.source_is_trail())],
    }
}

/// "Role policy document for CloudTrail to use CloudWatch Logs for monitoring": streams are named
/// `ACCOUNT_CloudTrail_REGION…`, and `ORG-ID_…` for an organization trail's member accounts.
/// `group_arn` is the log group ARN without the trailing `:*`.
pub fn logs_role_policy(ctx: &Context, group_arn: &Expr) -> Policy {
    let stream = |rest: Expr| Expr::join([group_arn.clone(), Expr::lit(":log-stream:"), rest]);
    let mut resources = vec![stream(Expr::join([
        Expr::Account,
        Expr::lit("_CloudTrail_"),
        Expr::Region,
        Expr::lit("*"),
    ]))];
    if let Some(org) = &ctx.organization_id {
        resources.push(stream(Expr::lit(format!("{org}_*"))));
    }
    Policy {
        statements: vec![allow(
            "AWSCloudTrailLogDelivery",
            Principal::None,
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            resources,
        )],
    }
}

pub mod athena;
mod bucket;
mod events;
pub mod text;

pub use bucket::bucket_policy;
pub use events::{alerts_topic_policy_for, events_publish, rule_arn};

#[cfg(test)]
mod tests;
