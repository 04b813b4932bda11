//! The model as nodes and edges: one node per resource the output creates, one per existing
//! resource or principal it refers to, an edge per reference or grant.
//!
//! Owns which edges exist. A reference edge comes from walking a resource's expressions for
//! `Expr::Attr`; a literal where a resource would be is an existing resource. A grant edge comes
//! from walking each policy statement's principal, resources and conditions. So a reference or
//! statement added to the model becomes an edge without a change here. In an organization
//! layout (`layout`), what one part names that another creates is that part's node, so the
//! references and grants across accounts are edges between the parts. It must not know Mermaid
//! syntax (that is `mermaid`).

mod alarms;
mod athena;
mod grants;
pub mod layout;
mod rules;

use super::policies::held;
use super::words::{res_id, Words, TARGET_NAMES};
use crate::expr::{Expr, Res};
use crate::model::Model;
use crate::policy::Principal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Created,
    Existing,
    Principal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A resource names another in its settings.
    Reference,
    /// A policy lets a principal act, or names what it applies to.
    Grant,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    /// Plain text; `\n` separates lines.
    pub label: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub line: Line,
}

/// The nodes of one part of a layout, drawn together (a Mermaid subgraph).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub label: String,
    /// Node ids, in order.
    pub members: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Empty for a whole trail.
    pub groups: Vec<Group>,
    /// Grants before merging, one per (from, to, effect).
    grants: Vec<grants::Grant>,
    /// While one part of a layout is built: the resources it refers to that another part creates,
    /// with their node ids there.
    elsewhere: Vec<(Res, String)>,
    /// Likewise, what this part's expressions spell out (a name, an input) for such a resource.
    spelt_elsewhere: Vec<(String, String)>,
}

/// Which way a reference is drawn: as it points (the resource uses its target), or back, the
/// way data flows (log group to filters to alarms), so the graph reads from the trail onwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Forward,
    Back,
}

/// The name in an ARN: `arn:aws:logs:R:A:log-group:NAME:*` and `arn:aws:iam::A:role/NAME` give
/// NAME.
fn arn_name(arn: &str) -> Option<&str> {
    let resource = arn.strip_prefix("arn:")?.splitn(5, ':').nth(4)?;
    let resource = resource.strip_suffix(":*").unwrap_or(resource);
    Some(match resource.split_once([':', '/']) {
        Some((_, name)) => name,
        None => resource,
    })
}

/// The resources an expression refers to, in order, once each.
fn refers_to(e: &Expr, out: &mut Vec<Res>) {
    match e {
        Expr::Attr(res, _) if !out.contains(res) => out.push(*res),
        Expr::Join(parts) => parts.iter().for_each(|p| refers_to(p, out)),
        _ => {}
    }
}

impl Graph {
    fn node(&mut self, id: &str, label: String, kind: Kind) -> String {
        if !self.nodes.iter().any(|n| n.id == id) {
            self.nodes.push(Node {
                id: id.to_string(),
                label,
                kind,
            });
        }
        id.to_string()
    }

    /// A node found by its label, or a new one numbered in order of appearance.
    fn outside(&mut self, label: String, kind: Kind) -> String {
        if let Some(n) = self
            .nodes
            .iter()
            .find(|n| n.label == label && n.kind == kind)
        {
            return n.id.clone();
        }
        let prefix = match kind {
            Kind::Principal => "principal",
            _ => "existing",
        };
        let n = self.nodes.iter().filter(|n| n.kind == kind).count() + 1;
        self.node(&format!("{prefix}_{n}"), label, kind)
    }

    /// An existing resource, once however it is spelt: the metric filters name by its name the
    /// log group the trail names by ARN.
    fn existing(&mut self, what: &str, text: &str) -> String {
        let head = format!("existing {what}\n");
        let same = |label: &str| {
            label.strip_prefix(&head).is_some_and(|known| {
                known == text || arn_name(known) == Some(text) || arn_name(text) == Some(known)
            })
        };
        match self
            .nodes
            .iter()
            .find(|n| n.kind == Kind::Existing && same(&n.label))
        {
            Some(n) => n.id.clone(),
            None => self.outside(format!("{head}{text}"), Kind::Existing),
        }
    }

    fn edge(&mut self, from: &str, to: &str, label: &str, line: Line) {
        let edge = Edge {
            from: from.to_string(),
            to: to.to_string(),
            label: label.to_string(),
            line,
        };
        if from != to && !self.edges.contains(&edge) {
            self.edges.push(edge);
        }
    }

    /// A created resource by reference; declared here when no other step did, unless another
    /// part of the layout creates it.
    fn resource(&mut self, res: Res) -> String {
        if let Some((_, id)) = self.elsewhere.iter().find(|(r, _)| *r == res) {
            return id.clone();
        }
        self.node(res_id(res), res_id(res).replace('_', " "), Kind::Created)
    }

    /// Whether a node is the trail, here or in another part.
    fn is_trail(&self, id: &str) -> bool {
        id == res_id(Res::Trail)
            || self
                .elsewhere
                .iter()
                .any(|(r, other)| *r == Res::Trail && other == id)
    }

    /// Edges between `from` and what `e` refers to; `what` names an existing resource that `e`
    /// spells out instead of referring to.
    fn refer(&mut self, w: &Words, from: &str, label: &str, way: Way, what: &str, e: &Expr) {
        let mut targets = Vec::new();
        refers_to(e, &mut targets);
        let mut ends = Vec::new();
        if targets.is_empty() {
            let text = w.expr(e);
            match self.spelt_elsewhere.iter().find(|(t, _)| *t == text) {
                Some((_, id)) => ends.push(id.clone()),
                None => ends.push(self.existing(what, &text)),
            }
        }
        ends.extend(targets.into_iter().map(|res| self.resource(res)));
        for end in ends {
            match way {
                Way::Forward => self.edge(from, &end, label, Line::Reference),
                Way::Back => self.edge(&end, from, label, Line::Reference),
            }
        }
    }
}

/// The graph of a model; node and edge order follow the model, so output is stable.
pub fn build(model: &Model) -> Graph {
    let mut g = Graph::default();
    add(model, &mut g);
    g
}

/// The nodes and edges of a model, added to `g`.
fn add(model: &Model, g: &mut Graph) {
    let w = Words::new(model);
    if let Some(t) = &model.trail {
        g.node(
            "trail",
            format!("CloudTrail trail\n{}", t.name.verbatim()),
            Kind::Created,
        );
    }
    if let Some(b) = &model.bucket {
        let label = b
            .name
            .as_ref()
            .map_or_else(|| format!("({TARGET_NAMES})"), |n| n.verbatim().to_string());
        g.node("bucket", format!("S3 bucket\n{label}"), Kind::Created);
        g.node("bucket_policy", "bucket policy".into(), Kind::Created);
    }
    if let Some(k) = &model.key {
        g.node("key", "KMS key".into(), Kind::Created);
        g.node(
            "key_alias",
            format!("alias\n{}", k.alias.verbatim()),
            Kind::Created,
        );
        // The alias names the key by the target's own reference, not by an `Expr`.
        g.edge("key", "key_alias", "named by", Line::Reference);
    }
    if let Some(topic) = &model.topic {
        let label = format!("SNS topic\n{}", topic.name.verbatim());
        g.node("topic", label, Kind::Created);
        g.node("topic_policy", "topic policy".into(), Kind::Created);
    }
    if let Some(lg) = &model.log_group {
        let label = format!("CloudWatch Logs group\n{}", lg.name.verbatim());
        g.node("log_group", label, Kind::Created);
    }
    if model.logs_role.is_some() {
        g.node("logs_role", "IAM role\nlog delivery".into(), Kind::Created);
    }

    if let Some(t) = &model.trail {
        let logs = t.cloudwatch_logs.as_ref();
        let trail_refs = [
            ("stores log files in", "S3 bucket", Some(&t.bucket_name)),
            ("encrypts with", "KMS key", t.kms_key.as_ref()),
            ("notifies", "SNS topic", t.sns_topic.as_ref()),
            (
                "delivers events to",
                "CloudWatch Logs group",
                logs.map(|c| &c.0),
            ),
            ("assumes", "IAM role", logs.map(|c| &c.1)),
        ];
        for (label, what, e) in trail_refs {
            if let Some(e) = e {
                g.refer(&w, "trail", label, Way::Forward, what, e);
            }
        }
    }
    // Declared before the bucket's key edge: dagre then sets each label beside its own edge.
    if let Some(l) = model
        .bucket
        .as_ref()
        .and_then(|b| b.access_logging.as_ref())
    {
        let to = g.existing("S3 bucket", l.target_bucket.verbatim());
        g.edge("bucket", &to, "sends access logs to", Line::Reference);
    }
    let encrypted = [
        (
            Res::Bucket,
            model.bucket.as_ref().and_then(|b| match &b.encryption {
                crate::model::Encryption::Kms(key) => Some(key),
                _ => None,
            }),
        ),
        (
            Res::Topic,
            model.topic.as_ref().and_then(|t| t.kms_key.as_ref()),
        ),
        (
            Res::LogGroup,
            model.log_group.as_ref().and_then(|l| l.kms_key.as_ref()),
        ),
    ];
    for (res, key) in encrypted {
        if let Some(key) = key {
            g.refer(
                &w,
                res_id(res),
                "encrypts with",
                Way::Forward,
                "KMS key",
                key,
            );
        }
    }
    alarms::add(model, &w, g);
    athena::add(model, &w, g);
    rules::add(model, &w, g);

    for h in held(model) {
        let holder = g.resource(h.holder);
        for s in &h.policy.statements {
            let mut targets = Vec::new();
            s.resources.iter().for_each(|r| refers_to(r, &mut targets));
            for c in &s.conditions {
                c.values.iter().for_each(|v| refers_to(v, &mut targets));
            }
            for res in targets {
                let to = g.resource(res);
                match s.principal {
                    // An identity policy grants its bearer access to what it names.
                    Principal::None => g.grant(&holder, &to, s.effect, &s.actions),
                    _ => g.edge(&to, &holder, "governed by", Line::Reference),
                }
            }
            for who in g.principals(&w, s) {
                g.grant(&holder, &who, s.effect, &s.actions);
            }
        }
    }
    g.finish();
}
