//! The trail spec (version 1) as the user writes it, and the JSON Schema derived from it.
//!
//! Owns field names, shapes and documented defaults; the schema committed under `schemas/` is
//! generated from these types (a test fails when it is stale). It must not hold AWS rules that need
//! more than a shape (those live in `validate`) nor resolve defaults into resources (that is
//! `model`). Doc comments here become the schema's descriptions, which editors show on hover.

mod alarms;
mod athena;
mod event_rules;
mod events;
mod parameters;
pub mod patterns;

pub use alarms::*;
pub use athena::*;
pub use event_rules::*;
pub use events::*;
pub use parameters::*;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A CloudTrail trail spec: what to record, where logs go and how they are protected.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "trailsmith trail spec", extend("$id" = "https://trailsmith.dev/schemas/trail-spec.schema.json"), transform = trail_unless_extends)]
pub struct Spec {
    /// The JSON Schema this file follows, for editors; ignored by trailsmith.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// A blueprint this spec starts from (`trailsmith blueprints` lists them). The rendered
    /// blueprint is the base; every other field here overrides it (mappings merge key by key,
    /// lists and scalars replace).
    #[serde(default)]
    pub extends: Option<String>,
    /// Parameter values for the blueprint named by `extends`.
    #[serde(default)]
    pub with: BTreeMap<String, ParamValue>,
    /// Spec language version; only 1 exists.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    pub trail: TrailSpec,
    /// Values given when the output is deployed (a CloudFormation parameter, a Terraform
    /// variable), by snake_case name. Names and ARNs use them as `${name}`, beside
    /// `${account}`, `${region}` and `${partition}` of the deployment:
    /// `bucket: { name: "acme-trail-${account}-${region}" }`.
    #[serde(default)]
    pub parameters: BTreeMap<String, ParameterSpec>,
    /// The organization layout: the accounts that own each part of the trail. Without it, every
    /// resource is made in the one account the output is deployed to.
    #[serde(default)]
    pub accounts: Option<Accounts>,
    /// The S3 bucket that receives log files. Created and hardened unless `existing: true`.
    #[serde(default)]
    pub bucket: BucketSpec,
    /// Encryption of log files: a new customer managed key (the default), an existing key
    /// (`key_arn`), or `false` for SSE-S3.
    #[serde(default)]
    pub kms: Toggle<Kms>,
    /// SNS notification for each delivered log file: a new topic (the default), an existing topic
    /// (`topic_arn`), or `false` for none.
    #[serde(default)]
    pub sns: Toggle<Sns>,
    /// Delivery to CloudWatch Logs (on by default, needed for alarms), or `false`.
    #[serde(default)]
    pub cloudwatch_logs: Toggle<CloudwatchLogs>,
    /// What the trail records.
    #[serde(default)]
    pub events: Events,
    /// What the trail watches: metric filters on its CloudWatch Logs group, each with an alarm.
    #[serde(default)]
    pub alarms: Option<Alarms>,
    /// An Amazon Athena table over the log files, with its workgroup and readers.
    #[serde(default)]
    pub athena: Option<Athena>,
    /// Tags put on every resource that accepts them.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Warnings this spec accepts on purpose, by code, each with the reason a reviewer reads:
    /// `silence: { no-tags: "tagged by the account's tag policy" }`. Errors cannot be silenced.
    #[serde(default)]
    pub silence: BTreeMap<String, String>,
    /// Values the spec means although trailsmith's lists do not have them yet, each with the
    /// reason a reviewer reads: a region or resource type newer than the lists, written exactly
    /// as used. Without an entry, a value one edit from a listed one is an error ("did you
    /// mean"), and another unknown value a warning:
    /// `allow_new_values: { ap-southeast-8: "launched after trailsmith's list (What's New)" }`.
    #[serde(default)]
    pub allow_new_values: BTreeMap<String, String>,
    /// What the Terraform output is written for. CloudFormation output ignores it.
    #[serde(default)]
    pub terraform: TerraformSpec,
}

/// The Terraform output's provider.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Terraform")]
pub struct TerraformSpec {
    /// The hashicorp/aws major version the output is written for: `5` (the default, 5.100 and
    /// later 5.x) or `6` (6.2 and later 6.x). `synth --aws-provider` overrides it.
    #[serde(default)]
    pub aws_provider: ProviderLine,
    /// `true` writes the configuration as a module another configuration calls (`module "trail"
    /// { source = "./trail" }`, with `for_each`, `count` or `depends_on`): no `provider` block,
    /// whose presence Terraform refuses in such a module, the caller's provider deciding the
    /// account and region. The home region and a layout part's account become preconditions;
    /// the spec's `parameters` are the module's variables.
    #[serde(default)]
    pub module: bool,
}

/// A major version of the hashicorp/aws provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProviderLine {
    #[default]
    V5,
    V6,
}

impl ProviderLine {
    /// `5` or `6`, as the spec and `--aws-provider` write it.
    pub fn from_number(n: u64) -> Option<ProviderLine> {
        match n {
            5 => Some(ProviderLine::V5),
            6 => Some(ProviderLine::V6),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for ProviderLine {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        ProviderLine::from_number(n)
            .ok_or_else(|| serde::de::Error::custom(format!("aws_provider is 5 or 6, not {n}")))
    }
}

impl JsonSchema for ProviderLine {
    fn schema_name() -> Cow<'static, str> {
        "ProviderLine".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A hashicorp/aws major version: 5 or 6.",
            "type": "integer",
            "enum": [5, 6]
        })
    }
}

/// `trail` is required unless the spec `extends` a blueprint, which then supplies it: editors
/// accept a team spec that only overrides, and `validate` checks the merged spec with `extends`
/// set aside, so a merged spec without a trail is still caught by the schema, with a position.
fn trail_unless_extends(schema: &mut Schema) {
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r != "trail");
    }
    // Ajv's strict mode refuses a `required` naming a property its own schema does not define
    // ("strictRequired"), and checks `if` before the spec's `properties`: hence the `true`s.
    schema.insert(
        "if".into(),
        serde_json::json!({ "properties": { "extends": true }, "required": ["extends"] }),
    );
    schema.insert(
        "else".into(),
        serde_json::json!({ "properties": { "trail": true }, "required": ["trail"] }),
    );
}

/// A blueprint parameter value; it reaches the blueprint as text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ParamValue {
    Text(String),
    Integer(i64),
    Flag(bool),
}

/// The trail itself.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Trail")]
pub struct TrailSpec {
    /// Trail name: 3-128 letters, digits, `.`, `_`, `-`; cannot be changed after creation.
    #[schemars(pattern(patterns::TRAIL_NAME))]
    pub name: String,
    /// The region the trail is created in. Terraform pins the provider to it; CloudFormation
    /// refuses to deploy the template elsewhere.
    #[serde(default)]
    #[schemars(pattern(patterns::REGION))]
    pub home_region: Option<String>,
    /// Record events from every region (default true; needs global service events).
    #[serde(default = "yes")]
    pub multi_region: bool,
    /// Record events of global services such as IAM (default true).
    #[serde(default = "yes")]
    pub global_service_events: bool,
    /// Write digest files so log integrity can be checked (default true).
    #[serde(default = "yes")]
    pub log_file_validation: bool,
    /// Start logging once created (default true).
    #[serde(default = "yes")]
    pub logging: bool,
    /// Make this an organization trail (created in the management account).
    #[serde(default)]
    pub organization: Option<Organization>,
}

/// The accounts of an organization layout, as AWS Control Tower and Landing Zone Accelerator lay
/// a trail out: one output per account, each naming the other by literal ARNs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// The log archive account (12 digits): owns the bucket, its policy, its access-log settings
    /// and, by default, the KMS key of the log files. Deployed first.
    #[schemars(pattern(patterns::ACCOUNT_ID))]
    pub log_archive: String,
    /// The management account (12 digits): owns the trail, its CloudWatch Logs group, delivery
    /// role, topics, metric filters and alarms. The trail's ARN names this account.
    #[schemars(pattern(patterns::ACCOUNT_ID))]
    pub management: String,
    /// The account whose KMS key encrypts the log files: `log_archive` (the default, as Landing
    /// Zone Accelerator does) or `management` (as AWS Control Tower does).
    #[serde(default)]
    pub key: KeyAccount,
}

/// Where the key of the log files lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyAccount {
    #[default]
    LogArchive,
    Management,
}

/// An AWS Organizations organization.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Organization id, `o-` and 10 to 32 lowercase letters or digits.
    #[schemars(pattern(patterns::ORGANIZATION_ID))]
    pub id: String,
}

/// The log bucket.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Bucket")]
pub struct BucketSpec {
    /// Use a bucket that already exists (its policy is managed elsewhere); `name` is then required.
    #[serde(default)]
    pub existing: bool,
    /// Bucket name; generated by the target when omitted for a new bucket.
    #[serde(default)]
    #[schemars(pattern(patterns::BUCKET_NAME))]
    pub name: Option<String>,
    /// Key prefix for log files, without leading or trailing `/`.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Keep object versions (default true for a new bucket).
    #[serde(default)]
    pub versioning: Option<bool>,
    /// Archive and expiry of log files.
    #[serde(default)]
    pub lifecycle: Option<Lifecycle>,
    /// Server access logging of the log bucket into another bucket.
    #[serde(default)]
    pub access_logging: Option<AccessLoggingSpec>,
    /// Other AWS accounts (12-digit ids) whose trails may deliver into this bucket.
    #[serde(default)]
    #[schemars(inner(pattern(patterns::ACCOUNT_ID)))]
    pub writer_accounts: Vec<String>,
    /// S3 Object Lock with a default retention for every log file: `{ mode: compliance, years: 7 }`.
    /// Only on a new bucket (S3 turns it on at creation and never off), which needs versioning.
    #[serde(default)]
    pub object_lock: Option<ObjectLockSpec>,
    /// Refuse requests made over a TLS version older than this one (`1.2` or `1.3`), as a Deny
    /// statement on `s3:TlsVersion` in the bucket policy. Off unless given.
    #[serde(default)]
    #[schemars(with = "TlsVersion")]
    pub min_tls_version: Option<TlsVersion>,
    /// Turn on S3 Bucket Keys for the bucket's SSE-KMS encryption (fewer KMS requests); the key
    /// policy then also lets CloudTrail decrypt with the key, as AWS requires. Needs a KMS key.
    #[serde(default)]
    pub bucket_key: bool,
}

/// S3 Object Lock's default retention of each new object version.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ObjectLock")]
pub struct ObjectLockSpec {
    /// `governance`: users with `s3:BypassGovernanceRetention` can still delete or shorten;
    /// `compliance`: no one can, not even the account root, until the retention ends.
    pub mode: LockMode,
    /// Retention in days, 1 to 36500; give `days` or `years`, not both.
    #[serde(default)]
    #[schemars(range(min = 1, max = 36500))]
    pub days: Option<u32>,
    /// Retention in years of 365 days, 1 to 100; give `days` or `years`, not both.
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub years: Option<u32>,
}

/// An S3 Object Lock retention mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    Governance,
    Compliance,
}

/// A TLS version the bucket accepts at least: the number `1.2` or `1.3`, as the `s3:TlsVersion`
/// condition key compares it ("Enforcing a minimum version of TLS" writes it unquoted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Value")]
pub enum TlsVersion {
    V1_2,
    V1_3,
}

impl TryFrom<Value> for TlsVersion {
    type Error = String;

    fn try_from(value: Value) -> Result<TlsVersion, String> {
        match &value {
            Value::Number(n) if n.to_string() == "1.2" => Ok(TlsVersion::V1_2),
            Value::Number(n) if n.to_string() == "1.3" => Ok(TlsVersion::V1_3),
            _ => Err(format!("expected 1.2 or 1.3, found {value}")),
        }
    }
}

impl TlsVersion {
    /// The version as `s3:TlsVersion` compares it.
    pub fn number(self) -> &'static str {
        match self {
            TlsVersion::V1_2 => "1.2",
            TlsVersion::V1_3 => "1.3",
        }
    }
}

impl JsonSchema for TlsVersion {
    fn schema_name() -> Cow<'static, str> {
        "TlsVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A TLS version: 1.2 or 1.3.",
            "type": "number",
            "enum": [1.2, 1.3]
        })
    }
}

/// Lifecycle of log files.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Move log files to S3 Glacier Flexible Retrieval after this many days.
    #[serde(default)]
    #[schemars(range(min = 1, max = 36500))]
    pub archive_after_days: Option<u32>,
    /// Delete log files after this many days (noncurrent versions too).
    #[serde(default)]
    #[schemars(range(min = 1, max = 36500))]
    pub expire_after_days: Option<u32>,
    /// Delete a noncurrent (deleted or replaced) version this many days after it stops being
    /// current. Alone, it expires old versions only and keeps current log files; with
    /// `expire_after_days` it replaces the 30 days old versions are kept by default. Needs versioning.
    #[serde(default)]
    #[schemars(range(min = 1, max = 36500))]
    pub expire_noncurrent_after_days: Option<u32>,
}

/// Server access logging of the log bucket.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AccessLogging")]
pub struct AccessLoggingSpec {
    /// Bucket that receives the access logs.
    #[schemars(pattern(patterns::BUCKET_NAME))]
    pub target_bucket: String,
    /// Key prefix of the access logs.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// The KMS key for log files.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kms {
    /// Use an existing key (its policy is managed elsewhere) instead of creating one.
    #[serde(default)]
    pub key_arn: Option<String>,
    /// Alias of the new key (default `alias/cloudtrail/<trail name>`).
    #[serde(default)]
    pub alias: Option<String>,
    /// IAM principal ARNs allowed to administer the new key (the account root always is).
    #[serde(default)]
    pub admins: Vec<String>,
    /// IAM principal ARNs allowed to decrypt log files.
    #[serde(default)]
    pub decrypt_principals: Vec<String>,
    /// Waiting period before a scheduled deletion, 7 to 30 days (default 30).
    #[serde(default)]
    #[schemars(range(min = 7, max = 30))]
    pub deletion_window_days: Option<u32>,
    /// Make the new key a multi-Region primary key, which can be replicated to other regions to
    /// read the log files there. Fixed at creation: changing it replaces the key.
    #[serde(default)]
    pub multi_region: bool,
}

/// The SNS topic told of each log file delivery.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sns {
    /// Name of the new topic (default `<trail name>-delivery`).
    #[serde(default)]
    pub topic_name: Option<String>,
    /// Use an existing topic (its policy is managed elsewhere) instead of creating one.
    #[serde(default)]
    pub topic_arn: Option<String>,
    /// Email addresses subscribed to the new topic (each must confirm by email).
    #[serde(default)]
    pub email: Vec<String>,
    /// Other subscriptions of the new topic, as `alarms.notify` takes them.
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionSpec>,
}

/// Delivery to CloudWatch Logs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudwatchLogs {
    /// Name of the new log group (default `CloudTrail/<trail name>`).
    #[serde(default)]
    pub log_group: Option<String>,
    /// How long events are kept: one of the numbers of days CloudWatch Logs accepts (default
    /// 365), or `never` to keep them forever. A word, as `management: none` and `cis: all` are,
    /// because `false` or `0` would read as keeping nothing; `null` is refused (`retention-null`),
    /// since it could mean the default as well as never.
    #[serde(default)]
    #[schemars(with = "RetentionSpec")]
    pub retention_days: Option<RetentionSpec>,
    /// Use an existing log group instead of creating one.
    #[serde(default)]
    pub log_group_arn: Option<String>,
    /// Use an existing delivery role instead of creating one.
    #[serde(default)]
    pub role_arn: Option<String>,
    /// The delivery role trailsmith creates: its name, path and permissions boundary. Cannot be
    /// combined with `role_arn` (`existing-role-setting`).
    #[serde(default)]
    pub role: Option<LogsRoleSpec>,
}

/// The CloudWatch Logs delivery role trailsmith creates.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "LogsRole")]
pub struct LogsRoleSpec {
    /// Name of the new role: 1 to 64 letters, digits and `+=,.@_-`, unique in the account
    /// whatever the case (IAM is global: one name serves every region). Default: the target
    /// generates one. A fixed name needs `CAPABILITY_NAMED_IAM` in CloudFormation.
    #[serde(default)]
    pub name: Option<String>,
    /// IAM path of the new role: `/` (the default) or `/segments/` (up to 512 characters).
    #[serde(default)]
    pub path: Option<String>,
    /// ARN of the managed policy that bounds the role's permissions
    /// (`arn:aws:iam::111122223333:policy/Boundary`); it must allow `logs:CreateLogStream` and
    /// `logs:PutLogEvents` on the log group, or delivery stops.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
}

/// How long a new log group keeps events ("PutRetentionPolicy" and "DeleteRetentionPolicy" API
/// references: a log group without a retention policy keeps its events forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Retention")]
#[schemars(transform = patterns::retention_values)]
pub enum RetentionSpec {
    /// Days to keep events; one of the values CloudWatch Logs accepts.
    Days(#[schemars(range(min = 1, max = 3653))] u32),
    /// `never`: events never expire.
    Never(NeverKeyword),
}

/// The word `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeverKeyword {
    Never,
}

/// `false` to turn a part off, `true` for its defaults, or a mapping of settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Toggle<T> {
    Switch(bool),
    Set(T),
}

impl<T: Default + Clone> Toggle<T> {
    /// The settings, or `None` when the part is off.
    pub fn settings(&self) -> Option<T> {
        match self {
            Toggle::Switch(false) => None,
            Toggle::Switch(true) => Some(T::default()),
            Toggle::Set(t) => Some(t.clone()),
        }
    }
}

impl<T> Default for Toggle<T> {
    fn default() -> Self {
        Toggle::Switch(true)
    }
}

impl<T: JsonSchema> JsonSchema for Toggle<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Toggle_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "anyOf": [{ "type": "boolean" }, generator.subschema_for::<T>()]
        })
    }
}

fn yes() -> bool {
    true
}

/// The spec's JSON Schema as committed under `schemas/` (pretty JSON, trailing newline).
pub fn schema_text() -> String {
    pretty(&schema())
}

/// The schema `validate` checks a spec's shape against (`schemas/trail-spec.shape.json`): the
/// committed schema without the patterns of `patterns::RULED`, whose refusals `validate` words
/// through its own rules. The validator generated from it then compiles no regular expression
/// at start-up (a sixth of a one-spec run's instructions) to find errors it would drop.
pub fn shape_schema_text() -> String {
    // Through serialization, which puts `$id`, `$schema` and `title` first as the committed
    // schema has them (a conversion into a value would not).
    let mut schema = serde_json::to_value(schema()).unwrap_or_default();
    patterns::without_ruled(&mut schema);
    pretty(&schema)
}

fn schema() -> schemars::Schema {
    let mut schema = schemars::schema_for!(Spec);
    patterns::strict_formats(&mut schema);
    schema
}

fn pretty(schema: &impl serde::Serialize) -> String {
    // Serializing a schema (a JSON value) cannot fail.
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
