//! The diagnostic codes: the `Code` enum and, for each code, its kebab-case name, its severity, a
//! one-line summary and the CIS / Security Hub controls it relates to, all declared in one table.
//!
//! Owns what a code means to a user (SARIF rule metadata, `silence` checks, the `relates to:`
//! line); it must not decide when a finding applies (that is `validate`). Codes are never renamed
//! or reused: CI configurations and `silence` entries name them.

use super::Severity;
use std::fmt;
use std::str::FromStr;

/// A benchmark control a finding relates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// A CIS AWS Foundations Benchmark v5.0 recommendation number, such as `3.5`.
    Cis(&'static str),
    /// An AWS Security Hub control id, such as `CloudTrail.2`.
    SecurityHub(&'static str),
}

impl Control {
    pub fn text(self) -> String {
        match self {
            Control::Cis(n) => format!("CIS AWS Foundations v5.0 {n}"),
            Control::SecurityHub(id) => format!("Security Hub {id}"),
        }
    }

    /// The Security Hub control's documentation ("Security Hub CSPM controls for AWS CloudTrail"
    /// and "... for CloudWatch": one page per service, an anchor per control).
    pub fn help_uri(self) -> Option<String> {
        let Control::SecurityHub(id) = self else {
            return None;
        };
        let (service, number) = id.split_once('.')?;
        let service = service.to_ascii_lowercase();
        // A range such as `CloudWatch.1-14` links to its first control.
        let number = number.split('-').next()?;
        Some(format!(
            "https://docs.aws.amazon.com/securityhub/latest/userguide/{service}-controls.html#{service}-{number}"
        ))
    }
}

/// Declares `Code` and its catalog from one table, so a new code is one row:
/// `Variant("kebab-name", Severity, "summary.", [controls])`.
macro_rules! codes {
    ($($variant:ident($name:literal, $severity:ident, $summary:literal, [$($control:expr),*]),)*) => {
        /// A stable diagnostic code, written in kebab-case (`single-region-trail`).
        ///
        /// Codes are a public contract: users name them in `silence` entries and CI
        /// configurations, so a code is never renamed, and a retired code's name is never reused
        /// for another meaning. The variants are sorted by name, so `Ord` is the names' order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = concat!("`", $name, "`: ", $summary)]
                $variant,
            )*
        }

        impl Code {
            /// Every code, sorted by name.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name users see and write.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity findings of this code have (`Diagnostic`'s constructors check it in
            /// debug builds); `silence` accepts warnings and notes. `terraform-unsupported-field`
            /// and `terraform-unsupported-setting` become errors afterwards, when synthesizing Terraform.
            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// The code as one identifier-like word (`no-kms` is `NoKms`): SARIF's rule name.
            pub const fn rule_name(self) -> &'static str {
                match self {
                    $(Code::$variant => stringify!($variant),)*
                }
            }

            /// One sentence: what the code is about, whatever the spec.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// The benchmark controls findings of this code relate to.
            pub const fn controls(self) -> &'static [Control] {
                match self {
                    $(Code::$variant => &[$($control),*],)*
                }
            }

            /// The code a user wrote, by its kebab-case name.
            pub fn from_name(name: &str) -> Option<Code> {
                match name {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

impl Code {
    /// The controls as the `relates to:` line and SARIF write them.
    pub fn controls_text(self) -> String {
        self.controls()
            .iter()
            .map(|c| c.text())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The documentation of the first control that has a page.
    pub fn control_uri(self) -> Option<String> {
        self.controls().iter().find_map(|c| c.help_uri())
    }

    /// Where a reader learns more: the first control's page, else the README's section on
    /// diagnostics (the rule's own help names the code; the README lists what each kind means).
    pub fn help_uri(self) -> String {
        self.control_uri()
            .unwrap_or_else(|| format!("{PROJECT_URI}/#diagnostics"))
    }

    /// What a finding of this severity does to a run, and what a user can do about it.
    pub fn action(self) -> String {
        match self.severity() {
            Severity::Error => "An error: trailsmith refuses the spec (exit 1, nothing written) until it is fixed; \
                 the result's message and hint say where and how. Errors cannot be silenced."
                .to_string(),
            Severity::Warning => format!(
                "A warning: a risk the spec takes. Fix it as the result's hint says, or accept it on \
                 purpose with `silence: {{ {self}: REASON }}` in the spec; `--deny-warnings` fails on it otherwise."
            ),
            Severity::Note => format!(
                "A note: information that never fails a run. Accept it with \
                 `silence: {{ {self}: REASON }}` in the spec to hide it."
            ),
        }
    }

    /// The summary, the controls it relates to and what to do: SARIF's `fullDescription`.
    pub fn full_description(self) -> String {
        let mut out = self.summary().to_string();
        if !self.controls().is_empty() {
            out.push_str(&format!(" Relates to {}.", self.controls_text()));
        }
        out.push(' ');
        out.push_str(&self.action());
        out
    }
}

/// The project's home, as the schema's `$id` names it.
pub const PROJECT_URI: &str = "https://trailsmith.dev";

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a trailsmith code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a trailsmith diagnostic code", self.0)
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(name: &str) -> Result<Code, UnknownCode> {
        Code::from_name(name).ok_or_else(|| UnknownCode(name.to_string()))
    }
}

use Control::{Cis, SecurityHub};

// Sorted by name (a test keeps it so). A name is never changed, nor reused once retired.
codes! {
    AccessLogLoop("access-log-loop", Error, "The trail bucket is named as the target of its own server access logs, so every log write would be logged again.", []),
    AccessLogPrefix("access-log-prefix", Error, "The prefix of the bucket's server access logs is not one S3 keys should use.", []),
    AccountId("account-id", Error, "An AWS account id is not 12 digits.", []),
    AccountsBucketName("accounts-bucket-name", Error, "An organization layout does not name its bucket; the management part must know it before either part is deployed.", []),
    AccountsExistingBucket("accounts-existing-bucket", Error, "An organization layout is given an existing bucket; the log archive part creates the bucket and writes its policy.", []),
    AccountsHomeRegion("accounts-home-region", Error, "An organization layout has no `trail.home_region`; the trail ARN that the log archive policies name holds it.", []),
    AccountsKeyArn("accounts-key-arn", Error, "The existing key of an organization layout is outside the home region or outside both accounts.", []),
    AccountsLogsAccount("accounts-logs-account", Error, "An existing log group or delivery role of an organization layout is not in the management account.", []),
    AccountsSame("accounts-same", Error, "The log archive and management accounts of an organization layout are the same account.", []),
    AdvancedCategory("advanced-category", Error, "A raw advanced selector does not set `eventCategory` to exactly one category.", []),
    AdvancedCondition("advanced-condition", Error, "A field selector of a raw advanced selector gives no value to any operator.", []),
    AdvancedField("advanced-field", Error, "A raw advanced selector tests a field advanced event selectors do not have.", []),
    AdvancedSelector("advanced-selector", Error, "A raw advanced selector has no field selectors.", []),
    AdvancedSelectorName("advanced-selector-name", Error, "A raw advanced selector's name is longer than CloudTrail accepts.", []),
    AdvancedValue("advanced-value", Error, "A raw advanced selector compares a field with a value the field never takes.", []),
    AdvancedValueLimit("advanced-value-limit", Error, "The trail's advanced event selectors would hold more than the 500 condition values CloudTrail accepts.", []),
    AggregationNeedsDataEvents("aggregation-needs-data-events", Error, "Aggregated events are asked for, but the trail records no data events to summarize.", []),
    AlarmDescription("alarm-description", Error, "An alarm description is longer than the 1,024 characters CloudWatch accepts.", []),
    AlarmName("alarm-name", Error, "A custom alarm's name is not 1 to 64 lowercase letters, digits, `-` and `_` starting with a letter.", []),
    AlarmPeriod("alarm-period", Error, "A custom alarm's period is not 10, 30 or a multiple of 60 seconds, as CloudWatch requires.", []),
    AlarmWindow("alarm-window", Error, "A custom alarm looks back further than CloudWatch allows: a day for periods under an hour, seven days otherwise.", []),
    AlarmsNeedCloudwatchLogs("alarms-need-cloudwatch-logs", Error, "Alarms are asked for, but the trail does not deliver to the CloudWatch Logs group they watch.", []),
    AlertsTopicEncryption("alerts-topic-encryption", Error, "The alerts topic can only be encrypted with a KMS key trailsmith creates.", []),
    AlertsTopicNameTaken("alerts-topic-name-taken", Error, "The new alerts topic would have the same name as the trail's delivery topic.", []),
    AlertsWithoutSubscribers("alerts-without-subscribers", Warning, "A new alerts topic has no subscription, so alarms reach no one until someone subscribes.", []),
    AllS3DataEvents("all-s3-data-events", Warning, "The trail records data events of every S3 bucket rather than the buckets or prefixes that matter.", []),
    AllowNewValueReason("allow-new-value-reason", Error, "An `allow_new_values` entry gives no reason for the reviewer.", []),
    AllowNewValueUnused("allow-new-value-unused", Warning, "An `allow_new_values` entry matches no region or resource type of the spec that trailsmith does not know.", []),
    AssumedRolePrincipal("assumed-role-principal", Error, "A key administrator or reader is an assumed-role session ARN, which names one sign-in session rather than the role.", []),
    AthenaExistingKey("athena-existing-key", Note, "The trail's key exists already, so its policy, managed elsewhere, must let the Athena readers decrypt log files and results.", []),
    AthenaName("athena-name", Error, "An Athena database, table or workgroup name is not one Athena and Glue accept.", []),
    AthenaNeedsTrailBucket("athena-needs-trail-bucket", Error, "An Athena table is asked for over a bucket trailsmith does not create, whose policy cannot grant its readers.", []),
    AthenaResultsLocation("athena-results-location", Error, "Athena query results would go where the bucket policy cannot keep them apart from the log files, or to a bucket that cannot be named so.", []),
    AthenaSince("athena-since", Error, "The first day the Athena table projects is not a date on or after CloudTrail's launch (2013-11-01).", []),
    BasicSelectorLimit("basic-selector-limit", Error, "The trail would need more than the 5 basic event selectors CloudTrail accepts.", []),
    Blueprint("blueprint", Error, "The blueprint a spec extends fails to render: its template, or a default value, is broken.", []),
    BucketKeyNeedsKms("bucket-key-needs-kms", Error, "S3 Bucket Keys are asked for, but the bucket is not encrypted with SSE-KMS.", []),
    BucketName("bucket-name", Error, "A bucket name breaks the S3 naming rules.", []),
    BucketNameRequired("bucket-name-required", Error, "An existing bucket is used without its name.", []),
    BucketPrefix("bucket-prefix", Error, "The bucket's key prefix is not one CloudTrail can deliver log files under.", []),
    BucketsOnlyForS3("buckets-only-for-s3", Error, "A data event entry lists `buckets` for a resource type other than S3 objects.", []),
    CisNamesUnused("cis-names-unused", Error, "`alarms.cis_names` names a CIS alarm that `alarms.cis` does not ask for.", []),
    CloudtrailLake("cloudtrail-lake", Error, "CloudTrail Lake is asked for; it is closed to new customers, and Athena over the trail bucket is the way to query events.", []),
    CloudwatchAlarmName("cloudwatch-alarm-name", Error, "A chosen alarm name is not 1 to 255 characters without control characters, as CloudWatch requires.", []),
    CostAdvancedSelector("cost-advanced-selector", Note, "A raw advanced selector records data or network activity events, which are charged per event.", []),
    CostDataEvents("cost-data-events", Note, "Data events are charged per event delivered.", []),
    CostInsights("cost-insights", Note, "CloudTrail Insights is charged per event analyzed.", []),
    CostNetworkActivity("cost-network-activity", Note, "Network activity events are charged per event delivered.", []),
    DataArn("data-arn", Error, "A data event ARN or ARN prefix does not start with `arn:`.", []),
    DataResourceLimit("data-resource-limit", Error, "Basic event selectors would hold more than the 250 data resource values CloudTrail accepts.", []),
    DataScope("data-scope", Error, "A data event entry does not give exactly one scope: `all`, `buckets`, `arns` or `arn_prefixes`.", []),
    DeliveryTopicOff("delivery-topic-off", Error, "Alarms are sent to the trail's delivery topic, which the spec turns off.", []),
    DeployTimeAccountInLayout("deploy-time-account-in-layout", Error, "`${account}` in a name or ARN of an organization layout, whose parts are deployed in different accounts.", []),
    DeployTimeReference("deploy-time-reference", Error, "A `${...}` in a name or ARN names neither `account`, `region`, `partition` nor a parameter of the spec, or is never closed.", []),
    DeployTimeUnchecked("deploy-time-unchecked", Note, "A name or ARN uses a parameter without a default or allowed values, so it is checked only when deployed.", []),
    DriftAlarm("drift-alarm", Error, "An alarm the spec makes is not deployed, or its metric, threshold, period, comparison, statistic or actions differ.", []),
    DriftBucket("drift-bucket", Error, "The trail delivers to another bucket or prefix than the spec's.", []),
    DriftBucketEncryption("drift-bucket-encryption", Error, "The bucket's default encryption is not the one trailsmith writes.", []),
    DriftBucketLifecycle("drift-bucket-lifecycle", Error, "The lifecycle rules covering the log files archive or expire them otherwise than the spec says.", []),
    DriftBucketLogging("drift-bucket-logging", Error, "The bucket's server access logging differs from the spec's.", []),
    DriftBucketVersioning("drift-bucket-versioning", Error, "The bucket's versioning differs from the spec's.", []),
    DriftCloudwatchLogs("drift-cloudwatch-logs", Error, "The trail delivers to another CloudWatch Logs group or with another role than the spec's, or delivers where the spec does not.", []),
    DriftEventSelectors("drift-event-selectors", Error, "The deployed event selectors record other events than the spec's (compared as what they record, not how they are written).", []),
    DriftGlobalServiceEvents("drift-global-service-events", Error, "The deployed trail's global service events setting differs from the spec's.", []),
    DriftHomeRegion("drift-home-region", Error, "The deployed trail's home region is not the spec's.", []),
    DriftInsights("drift-insights", Error, "The deployed trail's Insights differ from the spec's.", []),
    DriftKey("drift-key", Error, "The trail's log files are encrypted with another KMS key than the spec's, or with none where the spec asks for one (or the reverse).", [Cis("3.5"), SecurityHub("CloudTrail.2")]),
    DriftLogFileValidation("drift-log-file-validation", Error, "Log file validation is on or off contrary to the spec.", [Cis("3.2"), SecurityHub("CloudTrail.4")]),
    DriftLogRetention("drift-log-retention", Error, "The log group keeps events for another time than the spec's retention.", []),
    DriftLogging("drift-logging", Error, "The deployed trail is logging, or not, contrary to the spec.", [Cis("3.1"), SecurityHub("CloudTrail.1")]),
    DriftMetricFilter("drift-metric-filter", Error, "A metric filter the spec makes is not on the trail's log group, or its pattern or metric differ.", []),
    DriftMultiRegion("drift-multi-region", Error, "The deployed trail records in one region or all of them, contrary to the spec.", [Cis("3.1"), SecurityHub("CloudTrail.1")]),
    DriftOrganization("drift-organization", Error, "The deployed trail is an organization trail, or not, contrary to the spec.", []),
    DriftPublicAccessBlock("drift-public-access-block", Error, "The bucket's public access block has a setting off; trailsmith turns all four on.", []),
    DriftTopic("drift-topic", Error, "The trail notifies another SNS topic than the spec's, or none where the spec has one (or the reverse).", []),
    Duplicate("duplicate", Error, "A list names the same entry twice.", []),
    DuplicateAlarm("duplicate-alarm", Error, "Two alarms would get the same alarm and resource names.", []),
    DynamicReference("dynamic-reference", Error, "Text holds a CloudFormation dynamic reference (`{{resolve:`), which the stack would resolve.", []),
    Encoding("encoding", Error, "The spec file is not valid UTF-8.", []),
    EqualsOnly("equals-only", Error, "A field of a raw advanced selector that accepts only `equals` is tested with another operator.", []),
    EventNames("event-names", Error, "A data event entry's `event_names` must list names to include or to exclude, not both or neither.", []),
    EventPatternJson("event-pattern-json", Error, "An event rule's pattern, given as text, is not valid JSON.", []),
    EventPatternNotCloudtrail("event-pattern-not-cloudtrail", Error, "An event rule's pattern does not select events CloudTrail delivers to EventBridge (its `detail-type`).", []),
    EventPatternShape("event-pattern-shape", Error, "An event rule's pattern is one EventBridge refuses: not an object, or a value not listed in an array.", []),
    EventRuleDescription("event-rule-description", Error, "An event rule's description is longer than the 512 characters EventBridge accepts.", []),
    EventRuleDuplicate("event-rule-duplicate", Error, "Two event rules have the same name or resource name.", []),
    EventRuleForm("event-rule-form", Error, "An event rule gives both or neither of `preset` and `pattern`, a pattern without a name, or options its preset does not take.", []),
    EventRuleName("event-rule-name", Error, "An event rule's name or EventBridge rule name breaks EventBridge's naming rules.", []),
    EventRuleNeedsManagementEvents("event-rule-needs-management-events", Warning, "An event rule matches API calls or console events, but the trail records no management events.", []),
    EventRuleRegion("event-rule-region", Warning, "A sign-in or root activity rule is made outside us-east-1, where sign-ins through the global endpoint never arrive.", []),
    ExcludeSource("exclude-source", Error, "Management events leave out a source other than the two CloudTrail allows (kms.amazonaws.com and rdsdata.amazonaws.com).", []),
    ExistingAlertsTopicPolicy("existing-alerts-topic-policy", Note, "An existing alerts topic's policy must let CloudWatch publish the alarms.", []),
    ExistingBucketPolicy("existing-bucket-policy", Note, "An existing bucket's policy must let CloudTrail check its ACL and write the trail's log files.", []),
    ExistingBucketSetting("existing-bucket-setting", Error, "A setting for a bucket trailsmith creates is given for an existing bucket.", []),
    ExistingBucketWriterAccounts("existing-bucket-writer-accounts", Warning, "`writer_accounts` is given for an existing bucket, whose policy trailsmith does not write.", []),
    ExistingKeyPolicy("existing-key-policy", Note, "An existing KMS key's policy must let CloudTrail encrypt the trail's log files.", []),
    ExistingKeySetting("existing-key-setting", Error, "A setting for a KMS key trailsmith creates is combined with an existing key.", []),
    ExistingLogGroupSetting("existing-log-group-setting", Error, "A setting for a log group trailsmith creates is combined with an existing log group.", []),
    ExistingLogsRolePolicy("existing-logs-role-policy", Note, "An existing CloudWatch Logs delivery role must trust the trail and let it write to the log group.", []),
    ExistingLogsRoleSetting("existing-logs-role-setting", Error, "A setting for a delivery role trailsmith creates (`role`) is combined with an existing role (`role_arn`).", []),
    ExistingTopicEventsPolicy("existing-topic-events-policy", Note, "An existing topic that event rules notify must let EventBridge publish for them.", []),
    ExistingTopicPolicy("existing-topic-policy", Note, "An existing delivery topic's policy must let the trail publish.", []),
    ExistingTopicSetting("existing-topic-setting", Error, "A name for a new SNS topic is combined with an existing topic.", []),
    ExistingTopicSubscriptions("existing-topic-subscriptions", Error, "Subscriptions are given for an existing delivery topic, whose subscriptions its owner manages.", []),
    ExtendsChain("extends-chain", Error, "A blueprint extends another blueprint, which blueprints cannot do.", []),
    ExtendsUnknown("extends-unknown", Error, "A spec extends a blueprint that does not exist.", []),
    FileTooLarge("file-too-large", Error, "The spec file is larger than the 10 MiB trailsmith reads; a spec is a few KB.", []),
    FilterPattern("filter-pattern", Error, "A custom alarm's filter pattern is too long, or its braces, parentheses or quotes do not pair up.", []),
    HighResolutionPeriod("high-resolution-period", Warning, "An alarm period under 60 seconds needs high-resolution metrics, which metric filters do not publish.", []),
    ImportInvalidJson("import-invalid-json", Error, "An AWS CLI output or JSON template given to `import` or `drift` is not valid JSON.", []),
    ImportInvalidYaml("import-invalid-yaml", Error, "A YAML CloudFormation template given to `import` or `drift` is not valid YAML.", []),
    ImportNoTrail("import-no-trail", Error, "None of the files given to `import` or `drift` names the trail: no `describe-trails` output, or a template without an `AWS::CloudTrail::Trail`.", []),
    ImportOtherTrail("import-other-trail", Error, "An AWS CLI output given to `import` or `drift` is about another trail, bucket or log group than the one described.", []),
    ImportUnknownShape("import-unknown-shape", Error, "A file given to `import` or `drift` is not the output of an AWS CLI command they read.", []),
    IncludeTrailBucket("include-trail-bucket", Error, "A data event entry sets `include_trail_bucket` where it cannot record the trail's own bucket.", []),
    InsightsNeedDataEvents("insights-need-data-events", Error, "Insights on data events are asked for, but the trail records no data events for them to analyze.", []),
    InsightsNeedManagementEvents("insights-need-management-events", Error, "Insights are asked for, but the trail records no management events for them to analyze.", []),
    InsightsWithoutWriteEvents("insights-without-write-events", Warning, "Insights analyze write management events, which the trail does not record.", []),
    KmsAlias("kms-alias", Error, "A KMS alias breaks the KMS alias rules.", []),
    KmsKeyArn("kms-key-arn", Error, "An existing key is not given as the ARN of a KMS key or alias.", []),
    LifecycleOrder("lifecycle-order", Error, "Log files would expire before or when they are archived.", []),
    LimitExceeded("limit-exceeded", Error, "The spec nests deeper, holds a longer key or value, or expands (aliases copied) to more than trailsmith reads.", []),
    LockOutlastsExpiry("lock-outlasts-expiry", Warning, "The lifecycle deletes log files sooner than their Object Lock retention ends, which S3 does not allow: they are kept until it ends.", []),
    LogGroupArn("log-group-arn", Error, "An existing log group is not given as the ARN of a CloudWatch Logs group.", []),
    LogGroupName("log-group-name", Error, "A log group name breaks the CloudWatch Logs naming rules.", []),
    LogsAccountsDiffer("logs-accounts-differ", Error, "The existing CloudWatch Logs group and delivery role are in different accounts; CloudTrail takes both from its own account.", []),
    ManagementSelector("management-selector", Error, "A raw management event selector tests something trails cannot filter management events on.", []),
    MetricFilterName("metric-filter-name", Error, "A chosen metric filter name is not 1 to 512 characters without `:` or `*`, as CloudWatch Logs requires.", []),
    MetricName("metric-name", Error, "A metric name is not one CloudWatch accepts.", []),
    MetricNamespace("metric-namespace", Error, "A metric namespace is not one CloudWatch accepts, or starts with the `AWS/` reserved for AWS.", []),
    MissingField("missing-field", Error, "A required field is missing.", []),
    MultiRegionNeedsGlobalEvents("multi-region-needs-global-events", Error, "A multi-region trail must include global service events, or CloudTrail refuses it.", []),
    NeedsAdvancedSelectors("needs-advanced-selectors", Error, "Basic event selectors are asked for, but the spec records something only advanced selectors can say.", []),
    NetworkSource("network-source", Error, "A raw network activity selector does not set `eventSource` to exactly one supported service.", []),
    NetworkSourceNearMiss("network-source-near-miss", Error, "A network activity source is one edit from a source CloudTrail lists but is not one; a new source is written in `allow_new_values`.", []),
    NoAccessLogging("no-access-logging", Warning, "The trail bucket has no S3 server access logging, so reads of the logs leave no record.", [Cis("3.4"), SecurityHub("CloudTrail.7")]),
    NoAlarms("no-alarms", Warning, "The trail's CloudWatch Logs group has no CIS metric filters and alarms.", [Cis("4.1-4.15"), SecurityHub("CloudWatch.1-14")]),
    NoCloudwatchLogs("no-cloudwatch-logs", Warning, "The trail does not deliver to CloudWatch Logs, so nothing can alarm on its events.", [SecurityHub("CloudTrail.5")]),
    NoKms("no-kms", Warning, "Log files are encrypted with S3-managed keys rather than a customer managed KMS key.", [Cis("3.5"), SecurityHub("CloudTrail.2")]),
    NoLogFileValidation("no-log-file-validation", Warning, "The trail writes no digest files, so changed or deleted log files cannot be detected.", [Cis("3.2"), SecurityHub("CloudTrail.4")]),
    NoTags("no-tags", Warning, "The trail and its resources carry no tags.", [SecurityHub("CloudTrail.9")]),
    NoncurrentWithoutVersioning("noncurrent-without-versioning", Error, "Noncurrent versions are given an expiry, but the bucket keeps no versions.", []),
    NotLogging("not-logging", Warning, "The trail is created with logging stopped.", [Cis("3.1"), SecurityHub("CloudTrail.1")]),
    NotOneOf("not-one-of", Error, "A value is not one of those its field accepts.", []),
    NothingToRecord("nothing-to-record", Error, "Advanced event selectors are asked for, but the trail records nothing, which advanced selectors cannot express.", []),
    NotifySetting("notify-setting", Error, "A setting for a new alerts topic is combined with an existing topic.", []),
    NotifyTarget("notify-target", Error, "Alarms are given more than one destination topic; they go to exactly one.", []),
    ObjectLockAccessLogTarget("object-lock-access-log-target", Error, "Object Lock is asked for on a bucket that is also named as a server access log target, which S3 refuses.", []),
    ObjectLockPeriod("object-lock-period", Error, "An Object Lock retention does not give exactly one of `days` and `years`.", []),
    ObjectLockVersioning("object-lock-versioning", Error, "Object Lock is asked for on a bucket without versioning, which Object Lock needs.", []),
    OneResourceType("one-resource-type", Error, "A data selector does not test exactly one `resources.type`.", []),
    OrganizationId("organization-id", Error, "An organization id is not `o-` followed by 10 to 32 lowercase letters or digits.", []),
    OutOfRange("out-of-range", Error, "A number is outside the range its field accepts.", []),
    ParameterDefault("parameter-default", Error, "A parameter's default is not one of its allowed values, or a value holds a reference.", []),
    ParameterName("parameter-name", Error, "A parameter's name is not snake_case, or is one trailsmith reserves (`account`, `region`, `partition`, `kms_key_arn`).", []),
    ParameterUnused("parameter-unused", Warning, "A declared parameter is used by no name or ARN of the spec.", []),
    PartialManagementEvents("partial-management-events", Warning, "The trail does not record both read and write management events.", [Cis("3.1"), SecurityHub("CloudTrail.1")]),
    PrincipalArn("principal-arn", Error, "A key administrator or reader is not the ARN of an IAM role, user or account root.", []),
    RawManagementOverridden("raw-management-overridden", Warning, "The `management` choice already records every management event a raw advanced selector records, so the selector narrows nothing.", []),
    RecordsNothing("records-nothing", Warning, "The trail records no events at all.", []),
    RecordsTrailBucket("records-trail-bucket", Warning, "A data event entry or raw selector records S3 object events of the trail's own bucket, so each log delivery is recorded and delivered again.", []),
    Region("region", Error, "The home region is not an AWS region code.", []),
    RegionNearMiss("region-near-miss", Error, "A region is one edit from a region AWS lists but is not one; a new region is written in `allow_new_values`.", []),
    ResourceType("resource-type", Error, "A resource type is not of the form `AWS::Service::Type`.", []),
    ResourceTypeNearMiss("resource-type-near-miss", Error, "A resource type is one edit from a type CloudTrail lists but is not one; a new type is written in `allow_new_values`.", []),
    RetentionDays("retention-days", Error, "A log retention is not one of the numbers of days CloudWatch Logs accepts.", []),
    RetentionNull("retention-null", Error, "A log retention is `null`, which could mean the default or never expiring; the spec must say which.", []),
    RoleArn("role-arn", Error, "An existing CloudWatch Logs delivery role is not given as the ARN of an IAM role.", []),
    RoleBoundaryMustAllow("role-boundary-must-allow", Note, "The delivery role's permissions boundary must allow what its policy allows, or delivery to CloudWatch Logs stops.", []),
    RoleName("role-name", Error, "The delivery role's name breaks IAM's role name rules.", []),
    RolePath("role-path", Error, "The delivery role's path breaks IAM's path rules.", []),
    RolePermissionsBoundary("role-permissions-boundary", Error, "The delivery role's permissions boundary is not the ARN of an IAM managed policy.", []),
    Schema("schema", Error, "The spec does not have the shape the schema requires, in a way no more specific code describes.", []),
    SharedMetric("shared-metric", Error, "Two alarm filters would publish to the same metric, counting events into it together.", []),
    SilenceNotAllowed("silence-not-allowed", Error, "A `silence` entry names an error code; errors cannot be silenced.", []),
    SilenceReason("silence-reason", Error, "A `silence` entry gives no reason.", []),
    SilenceUnknown("silence-unknown", Error, "A `silence` entry names a code trailsmith does not have.", []),
    SilenceUnused("silence-unused", Warning, "A `silence` entry silences nothing in this spec.", []),
    SingleRegionTrail("single-region-trail", Warning, "The trail records one region only, so activity in the others goes unseen.", [Cis("3.1"), SecurityHub("CloudTrail.1")]),
    SubscriberPermission("subscriber-permission", Note, "A subscriber outside SNS's own protocols (an SQS queue, a Lambda function) needs a resource policy that lets the topic deliver to it.", []),
    SubscriptionEndpoint("subscription-endpoint", Error, "A subscription endpoint (of the alerts or the delivery topic) does not fit its protocol.", []),
    Syntax("syntax", Error, "The spec, or the blueprint it extends once rendered, is not valid YAML or JSON.", []),
    Tag("tag", Error, "A tag key or value breaks the AWS tagging rules.", []),
    TerraformUnsupportedField("terraform-unsupported-field", Warning, "A field of an advanced selector that the Terraform AWS provider refuses; synth for Terraform stops with this as an error.", []),
    TerraformUnsupportedSetting("terraform-unsupported-setting", Warning, "A trail setting no hashicorp/aws `aws_cloudtrail` writes (aggregated events, Insights on data events); synth for Terraform stops with this as an error.", []),
    TopicArn("topic-arn", Error, "A topic is not given as the ARN of an SNS topic.", []),
    TopicName("topic-name", Error, "An SNS topic name breaks the SNS naming rules.", []),
    TrailBucketExcluded("trail-bucket-excluded", Note, "Data events of the trail's own bucket are left out, so deliveries do not log themselves.", []),
    TrailName("trail-name", Error, "The trail name breaks the CloudTrail naming rules.", []),
    UnknownField("unknown-field", Error, "The spec has a field the spec language does not know.", []),
    UnknownNetworkSource("unknown-network-source", Warning, "A network activity source trailsmith does not know; it is accepted in case it is new.", []),
    UnknownRegion("unknown-region", Warning, "A well-formed region trailsmith does not know; it is accepted in case it is new.", []),
    UnknownResourceType("unknown-resource-type", Warning, "A resource type trailsmith does not know; it is accepted in case it is new.", []),
    VpcEndpointId("vpc-endpoint-id", Error, "A VPC endpoint id is not `vpce-` followed by at least 8 lowercase hexadecimal digits.", []),
    Wildcard("wildcard", Error, "An event selector value uses `*`, which event selectors do not support.", []),
    WithMissing("with-missing", Error, "The blueprint a spec extends needs a parameter that `with` does not give.", []),
    WithUnknown("with-unknown", Error, "A spec gives a `with` parameter the blueprint does not declare.", []),
    WithValue("with-value", Error, "A `with` value is not one the blueprint can use for its parameter.", []),
    WithWithoutExtends("with-without-extends", Error, "A spec gives blueprint parameters under `with` but extends no blueprint.", []),
    WriterAccountIsManagement("writer-account-is-management", Error, "`writer_accounts` names the management account of the layout, which would let every trail of that account write.", []),
    WrongForm("wrong-form", Error, "A value matches none of the forms its field accepts.", []),
    WrongType("wrong-type", Error, "A value has the wrong type for its field.", []),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_hub_controls_link_to_their_documentation() {
        assert_eq!(
            Code::NoKms.help_uri(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2"
        );
        assert_eq!(
            Code::NoAlarms.help_uri(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1"
        );
        assert_eq!(Control::Cis("3.4").help_uri(), None);
        // A code without a control page links to the README's diagnostics section.
        assert_eq!(
            Code::TrailName.help_uri(),
            "https://trailsmith.dev/#diagnostics"
        );
    }
}
