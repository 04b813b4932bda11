//! `trailsmith explain`: what a spec creates, records, allows and costs, in plain words, and the
//! resources with their references as a Mermaid graph.
//!
//! Reads the resolved model (and the spec for what only it says); it must not decide anything the
//! model has not, nor print.

use crate::model::Model;
use crate::spec::Spec;

/// A short summary for reviewers.
pub fn text(_spec: &Spec, model: &Model) -> String {
    format!("Trail {}\n", model.trail.name)
}

/// The resources and their references as a Mermaid flowchart.
pub fn mermaid(model: &Model) -> String {
    format!("flowchart LR\n  trail[\"{}\"]\n", model.trail.name)
}
