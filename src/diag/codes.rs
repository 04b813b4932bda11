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
    r("alerts-without-subscribers", Warning, "A new alerts topic has no subscription, so alarms reach no one until someone subscribes.", &[]),
    r("all-s3-data-events", Warning, "The trail records data events of every S3 bucket rather than the buckets or prefixes that matter.", &[]),
    r("cost-advanced-selector", Warning, "A raw advanced selector records data or network activity events, which are charged per event.", &[]),
    r("cost-data-events", Warning, "Data events are charged per event delivered.", &[]),
    r("cost-insights", Warning, "CloudTrail Insights is charged per event analyzed.", &[]),
    r("cost-network-activity", Warning, "Network activity events are charged per event delivered.", &[]),
    r("existing-alerts-topic-policy", Note, "An existing alerts topic's policy must let CloudWatch publish the alarms.", &[]),
    r("existing-bucket-policy", Note, "An existing bucket's policy must let CloudTrail check its ACL and write the trail's log files.", &[]),
    r("existing-key-policy", Note, "An existing KMS key's policy must let CloudTrail encrypt the trail's log files.", &[]),
    r("high-resolution-period", Warning, "An alarm period under 60 seconds needs high-resolution metrics, which metric filters do not publish.", &[]),
    r("insights-without-write-events", Warning, "Insights analyze write management events, which the trail does not record.", &[]),
    r("no-access-logging", Warning, "The trail bucket has no S3 server access logging, so reads of the logs leave no record.", &[Cis("3.4"), SecurityHub("CloudTrail.7")]),
    r("no-alarms", Warning, "The trail's CloudWatch Logs group has no CIS metric filters and alarms.", &[Cis("4.1-4.15"), SecurityHub("CloudWatch.1-14")]),
    r("no-cloudwatch-logs", Warning, "The trail does not deliver to CloudWatch Logs, so nothing can alarm on its events.", &[SecurityHub("CloudTrail.5")]),
    r("no-kms", Warning, "Log files are encrypted with S3-managed keys rather than a customer managed KMS key.", &[Cis("3.5"), SecurityHub("CloudTrail.2")]),
    r("no-log-file-validation", Warning, "The trail writes no digest files, so changed or deleted log files cannot be detected.", &[Cis("3.2"), SecurityHub("CloudTrail.4")]),
    r("no-tags", Warning, "The trail and its resources carry no tags.", &[SecurityHub("CloudTrail.9")]),
    r("not-logging", Warning, "The trail is created with logging stopped.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("partial-management-events", Warning, "The trail does not record both read and write management events.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("records-nothing", Warning, "The trail records no events at all.", &[]),
    r("silence-not-allowed", Error, "A `silence` entry names an error code; errors cannot be silenced.", &[]),
    r("silence-unknown", Error, "A `silence` entry names a code trailsmith does not have.", &[]),
    r("silence-unused", Warning, "A `silence` entry silences nothing in this spec.", &[]),
    r("single-region-trail", Warning, "The trail records one region only, so activity in the others goes unseen.", &[Cis("3.1"), SecurityHub("CloudTrail.1")]),
    r("subscriber-permission", Note, "A subscriber outside SNS's own protocols needs a resource policy that lets the alerts topic deliver to it.", &[]),
    r("terraform-unsupported-field", Warning, "A field of an advanced selector that the Terraform AWS provider refuses; synth for Terraform stops with this as an error.", &[]),
    r("trail-bucket-excluded", Note, "Data events of the trail's own bucket are left out, so deliveries do not log themselves.", &[]),
    r("unknown-resource-type", Warning, "A resource type trailsmith does not know; it is accepted in case it is new.", &[]),
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
