//! `trailsmith explain`: what a spec creates, records, allows and costs, in plain words, and the
//! resources with their references as a Mermaid graph.
//!
//! Reads the resolved model (and the spec for what only it says: the user's words for events and
//! alarms); it must not decide anything the model has not, nor print. `words` renders values and
//! phrases and `prose` lists and wraps them; `trail`, `resources` (with `watched` for alarms),
//! `recorded`, `policies` and `costs` write one section each; `graph` finds nodes and edges and
//! `mermaid` draws them. A spec with `accounts` is explained part by part, in deploy order, after
//! what `layout` says of the parts together; the graph draws each part as a subgraph.

mod athena;
mod costs;
mod graph;
mod layout;
mod mermaid;
mod notified;
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
    render(&sections(spec, model, &[]))
}

/// `text` for every output of a spec (`model::lower_all`): a whole trail as `text` says it, or the
/// organization layout, then each part under its heading, in deploy order.
pub fn text_all(spec: &Spec, models: &[Model]) -> String {
    if let [one] = models {
        if one.part.is_none() {
            return text(spec, one);
        }
    }
    let mut all = vec![layout::section(models)];
    for (i, model) in models.iter().enumerate() {
        all.push(layout::heading(model, i, models.len()));
        all.extend(sections(spec, model, models));
    }
    render(&all)
}

/// The sections of one output; `all` holds every part of a layout (empty for a whole trail).
/// A part without a trail has no trail or recorded section (empty here, left out by `render`).
fn sections(spec: &Spec, model: &Model, all: &[Model]) -> Vec<Vec<String>> {
    let w = words::Words::new(model);
    vec![
        trail::section(spec, model, &w),
        resources::created(spec, model, &w),
        resources::referenced(spec, model, &w, all),
        resources::given(model),
        recorded::section(spec, model),
        athena::section(model, &w),
        policies::section(model, &w),
        costs::section(spec, model),
    ]
}

fn render(sections: &[Vec<String>]) -> String {
    let mut out = String::new();
    for section in sections.iter().filter(|s| !s.is_empty()) {
        if !out.is_empty() {
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

/// `mermaid` for every output of a spec: a whole trail as `mermaid` draws it, or each part of
/// the layout as a subgraph named after its account, with the references and grants between them.
pub fn mermaid_all(models: &[Model]) -> String {
    match models {
        [one] if one.part.is_none() => mermaid(one),
        parts => mermaid::render(&graph::layout::build(parts)),
    }
}
