//! What a trail records, compiled from intent into basic or advanced event selectors: a stage of
//! its own between the spec and the model, run by `validate` (for its diagnostics), `model` (for
//! the selectors) and `import` (to check a spec it wrote).
//!
//! Owns the planned selectors (the types here, with their own operator `Op`, so no spec type
//! reaches the model or the emitters) and `plan`, which chooses the selector form. `intent` reads
//! the spec's words both forms share, `basic` and `advanced` write each form, `limits` holds
//! AWS's limits and the Terraform provider's field gate, `notes` the trail-bucket note and the
//! cost notes, and `recorded` what the planned selectors record. Both targets write the same
//! plan. It must not check the spelling of single fields (that is `validate`), nor spell a target's
//! output beyond the operator names `Op` gives.

mod advanced;
mod basic;
mod intent;
mod limits;
mod notes;
mod recorded;
#[cfg(test)]
mod tests;

pub(crate) use advanced::raw;
pub(crate) use intent::excludes_trail_bucket;
pub use intent::management;
pub use limits::{
    BASIC_TYPES, MAX_ADVANCED_VALUES, MAX_BASIC_SELECTORS, MAX_BASIC_VALUES, TERRAFORM_FIELDS,
};
pub use notes::{DATA_EVENT_PRICE, INSIGHTS_PRICE, NETWORK_EVENT_PRICE};
pub use recorded::Recorded;

use crate::diag::{Code, Diagnostic};
use crate::expr::{Expr, Text};
use crate::spec::{Events, SelectorStyle};

#[derive(Debug, Clone, PartialEq)]
pub enum Selectors {
    Basic(Vec<BasicSelector>),
    Advanced(Vec<AdvancedSelector>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BasicSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write: &'static str,
    pub include_management_events: bool,
    pub exclude_management_sources: Vec<Text>,
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataResource {
    pub resource_type: Text,
    pub values: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdvancedSelector {
    pub name: Text,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub field: Text,
    pub conditions: Vec<(Op, Vec<Expr>)>,
}

/// How a condition tests a field's values: the plan's own operator, so the emitters never hold
/// the spec's. `advanced` converts the spec's `Operator` where it copies raw selectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    StartsWith,
    NotStartsWith,
    EndsWith,
    NotEndsWith,
}

impl Op {
    /// Terraform's spelling: `not_starts_with`.
    pub fn snake(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "not_equals",
            Op::StartsWith => "starts_with",
            Op::NotStartsWith => "not_starts_with",
            Op::EndsWith => "ends_with",
            Op::NotEndsWith => "not_ends_with",
        }
    }

    /// CloudFormation's (and the CloudTrail API's) spelling: `NotStartsWith`.
    pub fn pascal(self) -> &'static str {
        match self {
            Op::Equals => "Equals",
            Op::NotEquals => "NotEquals",
            Op::StartsWith => "StartsWith",
            Op::NotStartsWith => "NotStartsWith",
            Op::EndsWith => "EndsWith",
            Op::NotEndsWith => "NotEndsWith",
        }
    }
}

/// The selectors and what the user should know about them.
#[derive(Debug)]
pub struct Planned {
    pub selectors: Selectors,
    pub diagnostics: Vec<Diagnostic>,
}

/// Plans the selectors. `trail_bucket_arn` is what "all S3 objects" leaves out.
pub fn plan(events: &Events, trail_bucket_arn: &Expr) -> Planned {
    let mut diagnostics = notes::of(events);
    let blocker = basic::blocker(events);
    let basic_plan = blocker.is_none().then(|| basic::selectors(events));
    let basic_fits = basic_plan
        .as_ref()
        .is_some_and(|p| limits::basic_problem(events, p).is_none());
    let use_basic = match events.selector_style {
        SelectorStyle::Basic => true,
        SelectorStyle::Advanced => false,
        SelectorStyle::Auto => basic_fits,
    };
    if use_basic {
        let plan = match (basic_plan, blocker) {
            (Some(plan), _) => plan,
            (None, Some((path, reason))) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::NeedsAdvancedSelectors,
                        path,
                        format!("`selector_style: basic` cannot say this: {reason}"),
                    )
                    .hint("use `selector_style: auto` (the default) or `advanced`"),
                );
                Vec::new()
            }
            (None, None) => Vec::new(),
        };
        if let Some(d) = limits::basic_problem(events, &plan) {
            diagnostics.push(d.hint("use `selector_style: auto` (the default) or `advanced`: advanced selectors take 500 values"));
        }
        let selectors = Selectors::Basic(plan.into_iter().map(|(s, _)| s).collect());
        return Planned {
            selectors,
            diagnostics,
        };
    }
    let plan = advanced::selectors(events, trail_bucket_arn);
    if plan.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::NothingToRecord,
                "/events/selector_style",
                "advanced selectors cannot say \"record nothing\"",
            )
            .hint("record management or data events, or use `selector_style: auto`"),
        );
    }
    diagnostics.extend(limits::advanced_problems(&plan));
    let selectors = Selectors::Advanced(plan.into_iter().map(|(s, _)| s).collect());
    Planned {
        selectors,
        diagnostics,
    }
}
