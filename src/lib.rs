//! trailsmith: a declarative CloudTrail trail spec compiled to CloudFormation or Terraform JSON.
//!
//! Data flows one way: `source` (text to value with positions) -> `validate` (schema and AWS
//! rules) -> `model` (resolved resources, references as `expr`, policies from `policy`) -> `emit`
//! (one writer per target). Only `cli` reads, writes or prints.

pub mod cli;
pub mod diag;
pub mod emit;
pub mod expr;
pub mod model;
pub mod policy;
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

/// Checks and compiles one spec text. The output is `None` when the spec has errors; the
/// diagnostics (errors, warnings, notes) come back either way.
pub fn compile(text: &str, target: Target) -> (Option<String>, Vec<Diagnostic>) {
    let checked = validate::check(text);
    let output = checked.spec.map(|spec| {
        let model = model::lower(&spec);
        match target {
            Target::CloudFormation => emit::cloudformation::emit(&model),
            Target::Terraform => emit::terraform::emit(&model),
        }
    });
    (output, checked.diagnostics)
}
