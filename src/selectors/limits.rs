//! AWS's limits on event selectors ("Logging data events", "Quotas in AWS CloudTrail") and the
//! Terraform provider's field gate, and the diagnostics for a plan that crosses them, each
//! pointing at the spec entry that crosses.
//!
//! It must not build selectors or choose their form; `plan` asks `basic_problem` whether the
//! basic form fits.

use super::{AdvancedSelector, BasicSelector};
use crate::diag::{Code, Diagnostic};
use crate::spec::{DataEvents, Events};

/// Resource types basic event selectors can carry in both targets (the Terraform provider accepts
/// only these three).
pub const BASIC_TYPES: [&str; 3] = [
    "AWS::S3::Object",
    "AWS::Lambda::Function",
    "AWS::DynamoDB::Table",
];
pub const MAX_BASIC_SELECTORS: usize = 5;
pub const MAX_BASIC_VALUES: usize = 250;
pub const MAX_ADVANCED_VALUES: usize = 500;

/// Fields the Terraform AWS provider (hashicorp/aws 5.100) lets `advanced_event_selector` test;
/// its own validation refuses the others (errorCode, eventType, sessionCredentialFromConsole,
/// vpcEndpointId) although CloudTrail and CloudFormation take them.
pub const TERRAFORM_FIELDS: [&str; 7] = [
    "eventCategory",
    "eventName",
    "eventSource",
    "readOnly",
    "resources.ARN",
    "resources.type",
    "userIdentity.arn",
];

fn advanced_values(s: &AdvancedSelector) -> usize {
    s.fields
        .iter()
        .flat_map(|f| &f.conditions)
        .map(|(_, v)| v.len())
        .sum()
}

/// The first selector at which a running total of values passes `limit`.
fn over_limit<T>(
    selectors: &[(T, String)],
    count: impl Fn(&T) -> usize,
    limit: usize,
) -> Option<(String, usize)> {
    let mut total = 0;
    for (s, origin) in selectors {
        total += count(s);
        if total > limit {
            return Some((origin.clone(), total));
        }
    }
    None
}

/// How many data resource values a data entry becomes in a basic selector.
fn basic_values(d: &DataEvents) -> usize {
    if d.all {
        1
    } else {
        d.buckets.len() + d.arns.len() + d.arn_prefixes.len()
    }
}

/// The first limit the basic selectors cross: too many selectors, or too many values in all.
pub(super) fn basic_problem(
    events: &Events,
    selectors: &[(BasicSelector, String)],
) -> Option<Diagnostic> {
    if selectors.len() > MAX_BASIC_SELECTORS {
        let origin = selectors[MAX_BASIC_SELECTORS].1.clone();
        return Some(Diagnostic::error(
            Code::BasicSelectorLimit,
            origin,
            format!("a trail takes at most {MAX_BASIC_SELECTORS} basic event selectors; this spec needs {}", selectors.len()),
        ));
    }
    let entries: Vec<(&DataEvents, String)> = events
        .data
        .iter()
        .enumerate()
        .map(|(i, d)| (d, format!("/events/data/{i}")))
        .collect();
    over_limit(&entries, |d| basic_values(d), MAX_BASIC_VALUES).map(|(origin, total)| {
        Diagnostic::error(
            Code::DataResourceLimit,
            origin,
            format!("basic event selectors take at most {MAX_BASIC_VALUES} data resource values in all; this entry brings the total to {total}"),
        )
    })
}

/// The advanced selectors' value limit (an error), then each field the Terraform provider cannot
/// write (a warning: CloudFormation can still deploy it).
pub(super) fn advanced_problems(selectors: &[(AdvancedSelector, String)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some((origin, total)) = over_limit(selectors, advanced_values, MAX_ADVANCED_VALUES) {
        out.push(
            Diagnostic::error(
                Code::AdvancedValueLimit,
                origin,
                format!("advanced event selectors take at most {MAX_ADVANCED_VALUES} condition values in all; this entry brings the total to {total}"),
            )
            .hint("use ARN prefixes (StartsWith) instead of many exact ARNs"),
        );
    }
    for (selector, origin) in selectors {
        for f in selector
            .fields
            .iter()
            .filter(|f| !TERRAFORM_FIELDS.contains(&f.field.verbatim()))
        {
            out.push(
                Diagnostic::warning(
                    Code::TerraformUnsupportedField,
                    origin.clone(),
                    format!("hashicorp/aws 5.x cannot write advanced selectors that test `{}`; hashicorp/aws 6.2 and CloudFormation can", f.field.verbatim()),
                )
                .hint(format!("for hashicorp/aws 5.x, test only {}; hashicorp/aws 6.2 and later take it (`terraform: {{ aws_provider: 6 }}`, or `synth --aws-provider 6`)", TERRAFORM_FIELDS.join(", "))),
            );
        }
    }
    out
}
