//! trailsmith: a declarative CloudTrail trail spec compiled to CloudFormation or Terraform JSON.
//!
//! Data flows one way: `source` (text to value with positions) -> `validate` (schema and AWS
//! rules) -> `model` (resolved resources, references as `expr`, policies from `policy`) -> `emit`
//! (one writer per target). Only `cli` reads, writes or prints. `cis` is data: the CIS monitoring
//! controls the `alarms` section can ask for. `blueprint` renders spec templates; `validate`
//! merges a spec onto the blueprint its `extends` names before checking it. Beside that flow,
//! `deployed` holds what the AWS APIs (or a template or plan) say of a trail that exists:
//! `import` writes a spec from it, `drift` holds a model against it.
//!
//! The modules, the direction each may import in and the invariants that hold them (with what
//! enforces each) are in `src/ARCHITECTURE.md`.

// The library returns text and diagnostics; `cli` alone prints them, and chooses the exit code.
#![deny(clippy::print_stdout, clippy::print_stderr)]
// A user's input never panics the compiler: no unwrap or expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod blueprint;
pub mod cis;
#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "cli is the one module that writes to the terminal"
)]
pub mod cli;
pub mod deployed;
pub mod derived;
pub mod diag;
pub mod drift;
pub mod emit;
pub mod explain;
pub mod expr;
pub mod import;
pub mod layout;
pub mod model;
pub mod policy;
pub mod selectors;
pub mod source;
pub mod spec;
pub mod validate;

use diag::Diagnostic;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    CloudFormation,
    Terraform,
}

/// One output of a spec: the whole trail, or one part of its organization layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub part: Option<layout::Part>,
    pub text: String,
}

/// Checks and compiles one spec text. The outputs are `None` when the spec has errors; the
/// diagnostics (errors, warnings, notes) come back either way. What only one target cannot
/// deploy is a warning in `validate` and an error when compiling for that target. A spec with
/// `accounts` gives one output per part, in deploy order; any other spec gives one.
pub fn compile(text: &str, target: Target) -> (Option<Vec<Output>>, Vec<Diagnostic>) {
    compile_with(text, target, &blueprint::Catalog::shipped())
}

/// As `compile`, with the blueprints a spec's `extends` may name.
pub fn compile_with(
    text: &str,
    target: Target,
    catalog: &blueprint::Catalog,
) -> (Option<Vec<Output>>, Vec<Diagnostic>) {
    compile_for(text, target, catalog, None)
}

/// As `compile_with`, for the hashicorp/aws line `provider` when it is given (`synth
/// --aws-provider`) rather than the spec's `terraform.aws_provider`.
pub fn compile_for(
    text: &str,
    target: Target,
    catalog: &blueprint::Catalog,
    provider: Option<spec::ProviderLine>,
) -> (Option<Vec<Output>>, Vec<Diagnostic>) {
    let mut checked = validate::check_for(text, catalog, provider);
    // What the Terraform provider cannot write is a warning in `validate` and an error here.
    if target == Target::Terraform {
        let unsupported = [
            diag::Code::TerraformUnsupportedField,
            diag::Code::TerraformUnsupportedSetting,
        ];
        for d in checked
            .diagnostics
            .iter_mut()
            .filter(|d| unsupported.contains(&d.code))
        {
            d.severity = diag::Severity::Error;
        }
    }
    if diag::has_errors(&checked.diagnostics) {
        return (None, checked.diagnostics);
    }
    let output = checked
        .spec
        .zip(checked.selectors)
        .map(|(spec, selectors)| {
            model::lower_all(&spec, selectors)
                .iter()
                .map(|model| Output {
                    part: model.part,
                    text: match target {
                        Target::CloudFormation => emit::cloudformation::emit(model),
                        Target::Terraform => emit::terraform::emit(model),
                    },
                })
                .collect()
        });
    (output, checked.diagnostics)
}
