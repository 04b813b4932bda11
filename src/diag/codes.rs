//! The catalog of diagnostic codes: for each stable code, its usual severity, a one-line summary
//! and the CIS / Security Hub controls it relates to.
//!
//! Owns what a code means to a user (SARIF rule metadata, `silence` checks, the `relates to:`
//! line); it must not decide when a finding applies (that is `validate`). Codes are never renamed
//! or reused: CI configurations and `silence` entries name them.

use super::Severity;

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

/// What a code means.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    /// The severity findings of this code usually have; `silence` accepts warnings and notes.
    pub severity: Severity,
    /// One sentence: what the code is about, whatever the spec.
    pub summary: &'static str,
    pub controls: &'static [Control],
}

impl Rule {
    pub fn controls_text(&self) -> String {
        self.controls
            .iter()
            .map(|c| c.text())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn help_uri(&self) -> Option<String> {
        self.controls.iter().find_map(|c| c.help_uri())
    }
}

/// The rule of a code, if the catalog has it.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

use Control::{Cis, SecurityHub};
use Severity::{Error, Note, Warning};

const fn r(
    code: &'static str,
    severity: Severity,
    summary: &'static str,
    controls: &'static [Control],
) -> Rule {
    Rule {
        code,
        severity,
        summary,
        controls,
    }
}

/// Every code trailsmith reports, sorted by code (a test keeps it sorted and complete).
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    r("access-log-loop", Error, "The trail bucket is named as the target of its own server access logs, so every log write would be logged again.", &[]),
    r("access-log-prefix", Error, "The prefix of the bucket's server access logs is not one S3 keys should use.", &[]),
    r("account-id", Error, "An AWS account id is not 12 digits.", &[]),
    r("accounts-bucket-name", Error, "An organization layout does not name its bucket; the management part must know it before either part is deployed.", &[]),
    r("accounts-existing-bucket", Error, "An organization layout is given an existing bucket; the log archive part creates the bucket and writes its policy.", &[]),
    r("accounts-home-region", Error, "An organization layout has no `trail.home_region`; the trail ARN that the log archive policies name holds it.", &[]),
    r("accounts-key-arn", Error, "The existing key of an organization layout is outside the home region or outside both accounts.", &[]),
    r("accounts-logs-account", Error, "An existing log group or delivery role of an organization layout is not in the management account.", &[]),
    r("accounts-same", Error, "The log archive and management accounts of an organization layout are the same account.", &[]),
    r("advanced-category", Error, "A raw advanced selector does not set `eventCategory` to exactly one category.", &[]),
    r("advanced-condition", Error, "A field selector of a raw advanced selector gives no value to any operator.", &[]),
    r("advanced-field", Error, "A raw advanced selector tests a field advanced event selectors do not have.", &[]),
    r("advanced-selector", Error, "A raw advanced selector has no field selectors.", &[]),
    r("advanced-selector-name", Error, "A raw advanced selector's name is longer than CloudTrail accepts.", &[]),
    r("advanced-value", Error, "A raw advanced selector compares a field with a value the field never takes.", &[]),
    r("advanced-value-limit", Error, "The trail's advanced event selectors would hold more than the 500 condition values CloudTrail accepts.", &[]),
    r("alarm-description", Error, "An alarm description is longer than the 1,024 characters CloudWatch accepts.", &[]),
    r("alarm-name", Error, "A custom alarm's name is not 1 to 64 lowercase letters, digits, `-` and `_` starting with a letter.", &[]),
    r("alarm-period", Error, "A custom alarm's period is not 10, 30 or a multiple of 60 seconds, as CloudWatch requires.", &[]),
    r("alarm-window", Error, "A custom alarm looks back further than CloudWatch allows: a day for periods under an hour, seven days otherwise.", &[]),
    r("alarms-need-cloudwatch-logs", Error, "Alarms are asked for, but the trail does not deliver to the CloudWatch Logs group they watch.", &[]),
    r("alerts-topic-encryption", Error, "The alerts topic can only be encrypted with a KMS key trailsmith creates.", &[]),
    r("alerts-topic-name-taken", Error, "The new alerts topic would have the same name as the trail's delivery topic.", &[]),
    r("alerts-without-subscribers", Warning, "A new alerts topic has no subscription, so alarms reach no one until someone subscribes.", &[]),
    r("all-s3-data-events", Warning, "The trail records data events of every S3 bucket rather than the buckets or prefixes that matter.", &[]),
    r("basic-selector-limit", Error, "The trail would need more than the 5 basic event selectors CloudTrail accepts.", &[]),
    r("blueprint", Error, "The blueprint a spec extends fails to render: its template, or a default value, is broken.", &[]),
    r("bucket-name", Error, "A bucket name breaks the S3 naming rules.", &[]),
    r("bucket-name-required", Error, "An existing bucket is used without its name.", &[]),
    r("bucket-prefix", Error, "The bucket's key prefix is not one CloudTrail can deliver log files under.", &[]),
    r("buckets-only-for-s3", Error, "A data event entry lists `buckets` for a resource type other than S3 objects.", &[]),
    r("cost-advanced-selector", Warning, "A raw advanced selector records data or network activity events, which are charged per event.", &[]),
    r("cost-data-events", Warning, "Data events are charged per event delivered.", &[]),
    r("cost-insights", Warning, "CloudTrail Insights is charged per event analyzed.", &[]),
    r("cost-network-activity", Warning, "Network activity events are charged per event delivered.", &[]),
    r("data-arn", Error, "A data event ARN or ARN prefix does not start with `arn:`.", &[]),
    r("data-resource-limit", Error, "Basic event selectors would hold more than the 250 data resource values CloudTrail accepts.", &[]),
    r("data-scope", Error, "A data event entry does not give exactly one scope: `all`, `buckets`, `arns` or `arn_prefixes`.", &[]),
    r("delivery-topic-off", Error, "Alarms are sent to the trail's delivery topic, which the spec turns off.", &[]),
    r("drift-alarm", Error, "An alarm the spec makes is not deployed, or its metric, threshold, period, comparison, statistic or actions differ.", &[]),
    r("drift-bucket", Error, "The trail delivers to another bucket or prefix than the spec's.", &[]),
    r("drift-bucket-encryption", Error, "The bucket's default encryption is not the one trailsmith writes.", &[]),
    r("drift-bucket-lifecycle", Error, "The lifecycle rules covering the log files archive or expire them otherwise than the spec says.", &[]),
    r("drift-bucket-logging", Error, "The bucket's server access logging differs from the spec's.", &[]),
    r("drift-bucket-versioning", Error, "The bucket's versioning differs from the spec's.", &[]),
    r("drift-cloudwatch-logs", Error, "The trail delivers to another CloudWatch Logs group or with another role than the spec's, or delivers where the spec does not.", &[]),
    r("drift-event-selectors", Error, "The deployed event selectors record other events than the spec's (compared as what they record, not how they are written).", &[]),
    r("drift-global-service-events", Error, "The deployed trail's global service events setting differs from the spec's.", &[]),
    r("drift-home-region", Error, "The deployed trail's home region is not the spec's.", &[]),
    r("drift-insights", Error, "The deployed trail's Insights differ from the spec's.", &[]),
    r("drift-key", Error, "The trail's log files are encrypted with another KMS key than the spec's, or with none where the spec asks for one (or the reverse).", &[Cis("3.5"), SecurityHub("CloudTrail.2")]),
    r("drift-log-file-validation", Error, "Log file validation is on or off contrary to the spec.", &[Cis("3.2"), SecurityHub("CloudTrail.4")]),
    r("drift-log-retention", Error, "The log group keeps events for another time than the spec's retention.", &[]),
    r("drift-logging", Error, "The deployed trail is logging, or not, contrary to the spec.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("drift-metric-filter", Error, "A metric filter the spec makes is not on the trail's log group, or its pattern or metric differ.", &[]),
    r("drift-multi-region", Error, "The deployed trail records in one region or all of them, contrary to the spec.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("drift-organization", Error, "The deployed trail is an organization trail, or not, contrary to the spec.", &[]),
    r("drift-public-access-block", Error, "The bucket's public access block has a setting off; trailsmith turns all four on.", &[]),
    r("drift-topic", Error, "The trail notifies another SNS topic than the spec's, or none where the spec has one (or the reverse).", &[]),
    r("duplicate", Error, "A list names the same entry twice.", &[]),
    r("duplicate-alarm", Error, "Two alarms would get the same alarm and resource names.", &[]),
    r("dynamic-reference", Error, "Text holds a CloudFormation dynamic reference (`{{resolve:`), which the stack would resolve.", &[]),
    r("encoding", Error, "The spec file is not valid UTF-8.", &[]),
    r("equals-only", Error, "A field of a raw advanced selector that accepts only `equals` is tested with another operator.", &[]),
    r("event-names", Error, "A data event entry's `event_names` must list names to include or to exclude, not both or neither.", &[]),
    r("exclude-source", Error, "Management events leave out a source other than the two CloudTrail allows (kms.amazonaws.com and rdsdata.amazonaws.com).", &[]),
    r("existing-alerts-topic-policy", Note, "An existing alerts topic's policy must let CloudWatch publish the alarms.", &[]),
    r("existing-bucket-policy", Note, "An existing bucket's policy must let CloudTrail check its ACL and write the trail's log files.", &[]),
    r("existing-bucket-setting", Error, "A setting for a bucket trailsmith creates is given for an existing bucket.", &[]),
    r("existing-bucket-writer-accounts", Warning, "`writer_accounts` is given for an existing bucket, whose policy trailsmith does not write.", &[]),
    r("existing-key-policy", Note, "An existing KMS key's policy must let CloudTrail encrypt the trail's log files.", &[]),
    r("existing-key-setting", Error, "A setting for a KMS key trailsmith creates is combined with an existing key.", &[]),
    r("existing-log-group-setting", Error, "A setting for a log group trailsmith creates is combined with an existing log group.", &[]),
    r("existing-logs-role-policy", Note, "An existing CloudWatch Logs delivery role must trust the trail and let it write to the log group.", &[]),
    r("existing-topic-policy", Note, "An existing delivery topic's policy must let the trail publish.", &[]),
    r("existing-topic-setting", Error, "A name for a new SNS topic is combined with an existing topic.", &[]),
    r("extends-chain", Error, "A blueprint extends another blueprint, which blueprints cannot do.", &[]),
    r("extends-unknown", Error, "A spec extends a blueprint that does not exist.", &[]),
    r("file-too-large", Error, "The spec file is larger than the 10 MiB trailsmith reads; a spec is a few KB.", &[]),
    r("filter-pattern", Error, "A custom alarm's filter pattern is too long, or its braces, parentheses or quotes do not pair up.", &[]),
    r("high-resolution-period", Warning, "An alarm period under 60 seconds needs high-resolution metrics, which metric filters do not publish.", &[]),
    r("import-invalid-json", Error, "An AWS CLI output or JSON template given to `import` or `drift` is not valid JSON.", &[]),
    r("import-invalid-yaml", Error, "A YAML CloudFormation template given to `import` or `drift` is not valid YAML.", &[]),
    r("import-no-trail", Error, "None of the files given to `import` or `drift` names the trail: no `describe-trails` output, or a template without an `AWS::CloudTrail::Trail`.", &[]),
    r("import-other-trail", Error, "An AWS CLI output given to `import` or `drift` is about another trail, bucket or log group than the one described.", &[]),
    r("import-unknown-shape", Error, "A file given to `import` or `drift` is not the output of an AWS CLI command they read.", &[]),
    r("include-trail-bucket", Error, "A data event entry sets `include_trail_bucket` where it cannot record the trail's own bucket.", &[]),
    r("insights-need-management-events", Error, "Insights are asked for, but the trail records no management events for them to analyze.", &[]),
    r("insights-without-write-events", Warning, "Insights analyze write management events, which the trail does not record.", &[]),
    r("kms-alias", Error, "A KMS alias breaks the KMS alias rules.", &[]),
    r("kms-key-arn", Error, "An existing key is not given as the ARN of a KMS key or alias.", &[]),
    r("lifecycle-order", Error, "Log files would expire before or when they are archived.", &[]),
    r("limit-exceeded", Error, "The spec nests deeper, holds a longer key or value, or expands (aliases copied) to more than trailsmith reads.", &[]),
    r("log-group-arn", Error, "An existing log group is not given as the ARN of a CloudWatch Logs group.", &[]),
    r("log-group-name", Error, "A log group name breaks the CloudWatch Logs naming rules.", &[]),
    r("logs-accounts-differ", Error, "The existing CloudWatch Logs group and delivery role are in different accounts; CloudTrail takes both from its own account.", &[]),
    r("management-selector", Error, "A raw management event selector tests something trails cannot filter management events on.", &[]),
    r("metric-name", Error, "A metric name is not one CloudWatch accepts.", &[]),
    r("metric-namespace", Error, "A metric namespace is not one CloudWatch accepts, or starts with the `AWS/` reserved for AWS.", &[]),
    r("missing-field", Error, "A required field is missing.", &[]),
    r("multi-region-needs-global-events", Error, "A multi-region trail must include global service events, or CloudTrail refuses it.", &[]),
    r("needs-advanced-selectors", Error, "Basic event selectors are asked for, but the spec records something only advanced selectors can say.", &[]),
    r("network-source", Error, "A raw network activity selector does not set `eventSource` to exactly one supported service.", &[]),
    r("no-access-logging", Warning, "The trail bucket has no S3 server access logging, so reads of the logs leave no record.", &[Cis("3.4"), SecurityHub("CloudTrail.7")]),
    r("no-alarms", Warning, "The trail's CloudWatch Logs group has no CIS metric filters and alarms.", &[Cis("4.1-4.15"), SecurityHub("CloudWatch.1-14")]),
    r("no-cloudwatch-logs", Warning, "The trail does not deliver to CloudWatch Logs, so nothing can alarm on its events.", &[SecurityHub("CloudTrail.5")]),
    r("no-kms", Warning, "Log files are encrypted with S3-managed keys rather than a customer managed KMS key.", &[Cis("3.5"), SecurityHub("CloudTrail.2")]),
    r("no-log-file-validation", Warning, "The trail writes no digest files, so changed or deleted log files cannot be detected.", &[Cis("3.2"), SecurityHub("CloudTrail.4")]),
    r("no-tags", Warning, "The trail and its resources carry no tags.", &[SecurityHub("CloudTrail.9")]),
    r("not-logging", Warning, "The trail is created with logging stopped.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("not-one-of", Error, "A value is not one of those its field accepts.", &[]),
    r("nothing-to-record", Error, "Advanced event selectors are asked for, but the trail records nothing, which advanced selectors cannot express.", &[]),
    r("notify-setting", Error, "A setting for a new alerts topic is combined with an existing topic.", &[]),
    r("notify-target", Error, "Alarms are given more than one destination topic; they go to exactly one.", &[]),
    r("one-resource-type", Error, "A data selector does not test exactly one `resources.type`.", &[]),
    r("organization-id", Error, "An organization id is not `o-` followed by 10 to 32 lowercase letters or digits.", &[]),
    r("out-of-range", Error, "A number is outside the range its field accepts.", &[]),
    r("partial-management-events", Warning, "The trail does not record both read and write management events.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("principal-arn", Error, "A key administrator or reader is not the ARN of an IAM role, user or account root.", &[]),
    r("records-nothing", Warning, "The trail records no events at all.", &[]),
    r("records-trail-bucket", Warning, "A data event entry or raw selector records S3 object events of the trail's own bucket, so each log delivery is recorded and delivered again.", &[]),
    r("region", Error, "The home region is not an AWS region code.", &[]),
    r("resource-type", Error, "A resource type is not of the form `AWS::Service::Type`.", &[]),
    r("retention-days", Error, "A log retention is not one of the numbers of days CloudWatch Logs accepts.", &[]),
    r("role-arn", Error, "An existing CloudWatch Logs delivery role is not given as the ARN of an IAM role.", &[]),
    r("schema", Error, "The spec does not have the shape the schema requires, in a way no more specific code describes.", &[]),
    r("shared-metric", Error, "Two alarm filters would publish to the same metric, counting events into it together.", &[]),
    r("silence-not-allowed", Error, "A `silence` entry names an error code; errors cannot be silenced.", &[]),
    r("silence-reason", Error, "A `silence` entry gives no reason.", &[]),
    r("silence-unknown", Error, "A `silence` entry names a code trailsmith does not have.", &[]),
    r("silence-unused", Warning, "A `silence` entry silences nothing in this spec.", &[]),
    r("single-region-trail", Warning, "The trail records one region only, so activity in the others goes unseen.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("subscriber-permission", Note, "A subscriber outside SNS's own protocols needs a resource policy that lets the alerts topic deliver to it.", &[]),
    r("subscription-endpoint", Error, "An alerts subscription endpoint does not fit its protocol.", &[]),
    r("syntax", Error, "The spec, or the blueprint it extends once rendered, is not valid YAML or JSON.", &[]),
    r("tag", Error, "A tag key or value breaks the AWS tagging rules.", &[]),
    r("terraform-unsupported-field", Warning, "A field of an advanced selector that the Terraform AWS provider refuses; synth for Terraform stops with this as an error.", &[]),
    r("topic-arn", Error, "A topic is not given as the ARN of an SNS topic.", &[]),
    r("topic-name", Error, "An SNS topic name breaks the SNS naming rules.", &[]),
    r("trail-bucket-excluded", Note, "Data events of the trail's own bucket are left out, so deliveries do not log themselves.", &[]),
    r("trail-name", Error, "The trail name breaks the CloudTrail naming rules.", &[]),
    r("unknown-field", Error, "The spec has a field the spec language does not know.", &[]),
    r("unknown-resource-type", Warning, "A resource type trailsmith does not know; it is accepted in case it is new.", &[]),
    r("vpc-endpoint-id", Error, "A VPC endpoint id is not `vpce-` followed by at least 8 lowercase hexadecimal digits.", &[]),
    r("wildcard", Error, "An event selector value uses `*`, which event selectors do not support.", &[]),
    r("with-missing", Error, "The blueprint a spec extends needs a parameter that `with` does not give.", &[]),
    r("with-unknown", Error, "A spec gives a `with` parameter the blueprint does not declare.", &[]),
    r("with-value", Error, "A `with` value is not one the blueprint can use for its parameter.", &[]),
    r("with-without-extends", Error, "A spec gives blueprint parameters under `with` but extends no blueprint.", &[]),
    r("writer-account-is-management", Error, "`writer_accounts` names the management account of the layout, which would let every trail of that account write.", &[]),
    r("wrong-form", Error, "A value matches none of the forms its field accepts.", &[]),
    r("wrong-type", Error, "A value has the wrong type for its field.", &[]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sorted_and_codes_are_kebab_case() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for rule in RULES {
            assert!(
                rule.code.split('-').all(|w| !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{}",
                rule.code
            );
            assert!(rule.summary.ends_with('.'), "{}", rule.code);
        }
    }

    #[test]
    fn security_hub_controls_link_to_their_documentation() {
        assert_eq!(
            rule("no-kms").and_then(Rule::help_uri).as_deref(),
            Some("https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2")
        );
        assert_eq!(
            rule("no-alarms").and_then(Rule::help_uri).as_deref(),
            Some("https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1")
        );
        assert_eq!(Control::Cis("3.4").help_uri(), None);
    }
}
