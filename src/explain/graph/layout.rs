//! The parts of an organization layout as one graph: each part's resources in a group named after
//! its account, and the references and grants between parts as edges from one group to another.
//!
//! Owns the node ids of a layout (each part's ids prefixed with the part, so the two keys of a
//! layout are two nodes) and which resource of another part an expression stands for: a
//! resource that part creates whose name or ARN it spells out (the management part's trail
//! names the log archive's bucket by its name), or the output of that part an input takes (the
//! log files' key). Principals and existing resources belong to neither part and are drawn once.

use super::{add, refers_to, Graph, Group, Kind};
use crate::explain::layout::{account_words, creates};
use crate::explain::words::{res_id, Words};
use crate::expr::{Attr, Expr, Res};
use crate::model::Model;

const RESOURCES: [Res; 11] = [
    Res::Trail,
    Res::Bucket,
    Res::BucketPolicy,
    Res::Key,
    Res::KeyAlias,
    Res::Topic,
    Res::TopicPolicy,
    Res::AlertsTopic,
    Res::AlertsTopicPolicy,
    Res::LogGroup,
    Res::LogsRole,
];

/// The prefix of a part's node ids, and its group's id.
fn prefix(model: &Model) -> String {
    model.part.map_or("whole", |p| p.slug()).replace('-', "_")
}

/// The node of `res` in the part `model` is.
fn id_in(model: &Model, res: Res) -> String {
    format!("{}_{}", prefix(model), res_id(res))
}

/// The graph of every part, in deploy order.
pub fn build(models: &[Model]) -> Graph {
    let mut out = Graph::default();
    for (i, model) in models.iter().enumerate() {
        let mut g = Graph {
            elsewhere: elsewhere(models, i),
            spelt_elsewhere: spelt_elsewhere(models, i),
            ..Graph::default()
        };
        add(model, &mut g);
        let mut group = Group {
            id: prefix(model),
            label: account_words(model),
            members: Vec::new(),
        };
        let mut renamed: Vec<(String, String)> = Vec::new();
        for n in g.nodes {
            let id = match n.kind {
                Kind::Created => {
                    let id = format!("{}_{}", group.id, n.id);
                    group.members.push(out.node(&id, n.label, Kind::Created));
                    id
                }
                kind => out.outside(n.label, kind),
            };
            renamed.push((n.id, id));
        }
        // An id not declared in this part is another part's node, already final.
        let final_id = |id: &str| {
            renamed
                .iter()
                .find(|(local, _)| local == id)
                .map_or_else(|| id.to_string(), |(_, id)| id.clone())
        };
        for e in g.edges {
            out.edge(&final_id(&e.from), &final_id(&e.to), &e.label, e.line);
        }
        out.groups.push(group);
    }
    out
}

/// The resources part `i` does not create that another part does, with their nodes there.
fn elsewhere(models: &[Model], i: usize) -> Vec<(Res, String)> {
    RESOURCES
        .into_iter()
        .filter(|res| !creates(&models[i], *res))
        .filter_map(|res| {
            let other = models.iter().find(|m| creates(m, res))?;
            Some((res, id_in(other, res)))
        })
        .collect()
}

/// What part `i` writes for a resource another part creates: that resource's name or ARN as the
/// other part renders it, when known before deployment (a placeholder is no one resource), and
/// each input part `i` takes, as the resource the supplying part's output names.
fn spelt_elsewhere(models: &[Model], i: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (j, other) in models.iter().enumerate().filter(|(j, _)| *j != i) {
        let w = Words::new(other);
        for res in RESOURCES.into_iter().filter(|r| creates(other, *r)) {
            for attr in [Attr::Name, Attr::Arn] {
                let text = w.expr(&Expr::Attr(res, attr));
                if !text.contains("${") {
                    out.push((text, id_in(&models[j], res)));
                }
            }
        }
    }
    let w = Words::new(&models[i]);
    for input in &models[i].inputs {
        let (part, output) = input.from;
        let Some(other) = models.iter().find(|m| m.part == Some(part)) else {
            continue;
        };
        let value = other.outputs.iter().find(|o| o.name == output);
        let mut targets = Vec::new();
        if let Some(o) = value {
            refers_to(&o.value, &mut targets);
        }
        if let Some(res) = targets.first() {
            out.push((w.expr(&Expr::Input(input.input)), id_in(other, *res)));
        }
    }
    out
}
