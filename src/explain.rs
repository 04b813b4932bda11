//! `trailsmith explain`: what a spec creates, records, allows and costs, in plain words, and the
//! resources with their references as a Mermaid graph.
//!
//! Reads the resolved model (and the spec for what only it says: the user's words for events and
//! alarms); it must not decide anything the model has not, nor print. `words` renders values and
//! phrases and `prose` lists and wraps them; `trail`, `resources` (with `watched` for alarms),
//! `recorded`, `policies` and `costs` write one section each; `graph` finds nodes and edges and
//! `mermaid` draws them.

mod costs;
mod graph;
mod mermaid;
mod policies;
mod prose;
mod recorded;
mod resources;
mod trail;
mod watched;
mod words;

#[cfg(test)]
mod tests;

use crate::model::Model;
use crate::spec::Spec;

/// Width long items wrap at: a terminal and a pull request comment both show it whole.
const WIDTH: usize = 100;

/// A short summary for reviewers: sections separated by a blank line, no trailing spaces.
pub fn text(spec: &Spec, model: &Model) -> String {
    let w = words::Words::new(model);
    let sections = [
        trail::section(spec, model, &w),
        resources::created(spec, model, &w),
        resources::referenced(model, &w),
        recorded::section(spec, model),
        policies::section(model, &w),
        costs::section(spec, model),
    ];
    let mut out = String::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for line in section {
            let indent = line.len() - line.trim_start().len();
            for part in prose::wrap(indent, line, WIDTH) {
                out.push_str(&part);
                out.push('\n');
            }
        }
    }
    out
}

/// The resources and their references as a Mermaid flowchart (raw, without a Markdown fence).
pub fn mermaid(model: &Model) -> String {
    mermaid::render(&graph::build(model))
}
