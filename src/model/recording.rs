//! What the trail analyzes and summarizes of what it records (Insights and their categories,
//! aggregated events) in AWS's words, and which hashicorp/aws line the Terraform output is for.
//!
//! Decides only the translation and AWS's defaults (no `EventCategories` when Insights analyze
//! management events alone, as they do when it is left out); what is allowed is `validate`'s.

use crate::spec::{
    AggregatedCategory, Aggregation, AggregationTemplate, EventCategory, Events, Insight,
    ProviderLine, Spec,
};

/// A major version of hashicorp/aws, as the Terraform emitter writes for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerraformProvider {
    /// 5.100 and later 5.x: what `terraform validate` checks here.
    V5,
    /// 6.2 and later 6.x: the advanced selector fields of 6.2, `data.aws_region`'s `region`.
    V6,
}

pub(super) fn provider(spec: &Spec) -> TerraformProvider {
    match spec.terraform.aws_provider {
        ProviderLine::V5 => TerraformProvider::V5,
        ProviderLine::V6 => TerraformProvider::V6,
    }
}

pub(super) fn insights(list: &[Insight]) -> Vec<&'static str> {
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

/// "InsightSelector" (CloudTrail API reference): without `EventCategories`, Insights analyze
/// management events; so only another choice is written.
pub(super) fn insight_categories(e: &Events) -> Option<Vec<&'static str>> {
    let mut sorted = e.insight_categories.clone();
    sorted.sort();
    sorted.dedup();
    (!e.insights.is_empty() && sorted != [EventCategory::Management]).then(|| {
        sorted
            .into_iter()
            .map(|c| match c {
                EventCategory::Management => "Management",
                EventCategory::Data => "Data",
            })
            .collect()
    })
}

/// "AggregationConfiguration" (CloudTrail API reference): `Data` and the template names.
pub(super) fn aggregations(list: &[Aggregation]) -> Vec<(&'static str, Vec<&'static str>)> {
    list.iter()
        .map(|a| {
            let category = match a.category {
                AggregatedCategory::Data => "Data",
            };
            let mut templates = a.templates.clone();
            templates.sort();
            templates.dedup();
            let names = templates
                .into_iter()
                .map(|t| match t {
                    AggregationTemplate::ApiActivity => "API_ACTIVITY",
                    AggregationTemplate::ResourceAccess => "RESOURCE_ACCESS",
                    AggregationTemplate::UserActions => "USER_ACTIONS",
                })
                .collect();
            (category, names)
        })
        .collect()
}
