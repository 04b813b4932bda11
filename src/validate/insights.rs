//! Rules for what analyzes or summarizes the recorded events: Insights on management and data
//! events (`events.insights`, `events.insight_categories`) and aggregated data events
//! (`events.aggregations`), added to CloudTrail in 2025.
//!
//! Owns each entry's own rules, what each needs the trail to record (judged on the planned
//! selectors, as `events::recorded` judges management events), and the warning that no
//! hashicorp/aws `aws_cloudtrail` can write them (an error when synthesizing Terraform, as
//! `terraform-unsupported-field` is). It must not choose selectors.

use super::rules::no_duplicates;
use crate::diag::{Code, Diagnostic};
use crate::selectors::Recorded;
use crate::spec::{EventCategory, Events, Insight};

/// Each entry on its own, and what Terraform cannot write.
pub fn check(e: &Events, out: &mut Vec<Diagnostic>) {
    no_duplicates(&e.insights, "/events/insights", out);
    no_duplicates(&e.insight_categories, "/events/insight_categories", out);
    // "AggregationConfigurations" holds at most one configuration (CloudFormation resource
    // schema of AWS::CloudTrail::Trail: maxItems 1), and `Data` is its only category.
    let categories: Vec<_> = e.aggregations.iter().map(|a| a.category).collect();
    no_duplicates(&categories, "/events/aggregations", out);
    for (i, a) in e.aggregations.iter().enumerate() {
        no_duplicates(
            &a.templates,
            &format!("/events/aggregations/{i}/templates"),
            out,
        );
    }
    // hashicorp/aws `aws_cloudtrail` (5.100, and 6.x as read in internal/service/cloudtrail/
    // trail.go) has no aggregation argument, and its `insight_selector` takes `insight_type`
    // alone: Insights on data events and aggregated events are CloudFormation's only.
    if !e.aggregations.is_empty() {
        out.push(
            Diagnostic::warning(
                Code::TerraformUnsupportedSetting,
                "/events/aggregations",
                "no hashicorp/aws `aws_cloudtrail` can ask for aggregated events; only CloudFormation can deploy this",
            )
            .hint("synthesize CloudFormation (`AggregationConfigurations`), or remove `aggregations` for Terraform"),
        );
    }
    if !e.insights.is_empty() && e.insight_categories.contains(&EventCategory::Data) {
        out.push(
            Diagnostic::warning(
                Code::TerraformUnsupportedSetting,
                "/events/insight_categories",
                "no hashicorp/aws `aws_cloudtrail` can ask for Insights on data events; only CloudFormation can deploy this",
            )
            .hint("synthesize CloudFormation (`InsightSelectors[].EventCategories`), or keep `insight_categories: [management]` for Terraform"),
        );
    }
}

/// What Insights and aggregation need the trail to record ("PutInsightSelectors" in the
/// CloudTrail API reference: API call rate Insights on management events need write management
/// events, API error rate Insights read or write ones, and Insights on data events need read or
/// write data events; "Aggregating data events": a trail aggregates the data events it logs).
/// Whether it found an error.
pub fn recorded(e: &Events, recorded: Recorded, out: &mut Vec<Diagnostic>) -> bool {
    let before = out.len();
    let on = |c: EventCategory| !e.insights.is_empty() && e.insight_categories.contains(&c);
    if on(EventCategory::Management) && !recorded.management() {
        out.push(
            Diagnostic::error(
                Code::InsightsNeedManagementEvents,
                "/events/insights",
                "Insights analyse management events, but this trail records none",
            )
            .hint("record management events (`management: all`), or remove `insights`"),
        );
    } else if on(EventCategory::Management)
        && !recorded.management_writes
        && e.insights.contains(&Insight::ApiCallRate)
    {
        out.push(
            Diagnostic::warning(
                Code::InsightsWithoutWriteEvents,
                "/events/insights",
                "API call rate Insights measure write management events, which this trail does not record",
            )
            .hint("use `management: all` or `write_only`"),
        );
    }
    if on(EventCategory::Data) && !recorded.data {
        out.push(
            Diagnostic::error(
                Code::InsightsNeedDataEvents,
                "/events/insight_categories",
                "Insights on data events analyse data events, but this trail records none",
            )
            .hint(
                "record data events (`data: [...]`), or leave `data` out of `insight_categories`",
            ),
        );
    }
    if !e.aggregations.is_empty() && !recorded.data {
        out.push(
            Diagnostic::error(
                Code::AggregationNeedsDataEvents,
                "/events/aggregations",
                "aggregated events summarize data events, but this trail records none",
            )
            .hint("record data events (`data: [...]`), or remove `aggregations`"),
        );
    }
    crate::diag::has_errors(&out[before..])
}
