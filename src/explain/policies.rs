//! Every policy document of the model, and each statement as one sentence: effect, who (with the
//! conditions that narrow them), which actions on what.
//!
//! Owns the list of policies and where each is held, which the graph walks too. Sentences are
//! derived from the statements, never written per resource, so a statement `policy` adds is
//! explained without a change here. It must not judge the policies (that is `validate`).

use super::words::Words;
use crate::expr::{Expr, Res};
use crate::model::Model;
use crate::policy::{Effect, Policy, Statement};

/// A policy document and the resource that holds it.
pub struct Held<'a> {
    /// What a reviewer calls it.
    pub title: &'static str,
    pub policy: &'a Policy,
    /// The resource in the output that carries the document.
    pub holder: Res,
    /// What `Resource: "*"` means where it is held (in a key policy: the key itself).
    pub star: &'static str,
}

/// The model's policies in a fixed order: bucket, key, delivery topic, alerts topic, role.
pub fn held(model: &Model) -> Vec<Held<'_>> {
    let mut out = Vec::new();
    if let Some(b) = &model.bucket {
        out.push(Held {
            title: "bucket policy",
            policy: &b.policy,
            holder: Res::BucketPolicy,
            star: "any resource",
        });
    }
    if let Some(k) = &model.key {
        out.push(Held {
            title: "key policy",
            policy: &k.policy,
            holder: Res::Key,
            star: "this key",
        });
    }
    if let Some(t) = &model.topic {
        out.push(Held {
            title: "delivery topic policy",
            policy: &t.policy,
            holder: Res::TopicPolicy,
            star: "any resource",
        });
    }
    if let Some(t) = &model.alerts_topic {
        out.push(Held {
            title: "alerts topic policy",
            policy: &t.policy,
            holder: Res::AlertsTopicPolicy,
            star: "any resource",
        });
    }
    if let Some(r) = &model.logs_role {
        for (title, policy) in [
            ("delivery role trust", &r.trust),
            ("delivery role permissions", &r.policy),
        ] {
            out.push(Held {
                title,
                policy,
                holder: Res::LogsRole,
                star: "any resource",
            });
        }
    }
    out
}

/// Whoever holds an identity policy's role.
const BEARER: &str = "whoever holds the role";

/// One statement as a sentence: "allow CloudTrail, acting for this trail only: s3:PutObject on
/// arn:...".
pub fn sentence(w: &Words, h: &Held, s: &Statement) -> String {
    let effect = match s.effect {
        Effect::Allow => "allow",
        Effect::Deny => "deny",
    };
    let mut text = format!("{effect} {}", w.principal(&s.principal, BEARER));
    // The source a service acts for narrows who it is, so it comes first and reads as "as".
    let (source, others): (Vec<_>, Vec<_>) =
        s.conditions.iter().partition(|c| c.key == "aws:SourceArn");
    for c in source {
        text.push(' ');
        text.push_str(&w.condition(c));
    }
    for c in others {
        text.push_str(", ");
        text.push_str(&w.condition(c));
    }
    text.push_str(": ");
    text.push_str(&s.actions.join(", "));
    if !s.resources.is_empty() {
        let on: Vec<String> = s
            .resources
            .iter()
            .map(|r| match r {
                Expr::Lit(star) if star == "*" => h.star.to_string(),
                other => w.resource(other),
            })
            .collect();
        text.push_str(" on ");
        text.push_str(&on.join(", "));
    }
    text
}

/// The "Who may do what" section.
pub fn section(model: &Model, w: &Words) -> Vec<String> {
    let all = held(model);
    if all.is_empty() {
        return vec![
            "Who may do what".to_string(),
            "  no policy is written: every resource the trail uses exists already".to_string(),
        ];
    }
    let mut lines = vec!["Who may do what (every statement of every policy written)".to_string()];
    lines.push(format!("  \"this trail\" is {}", w.trail_arn()));
    for h in &all {
        lines.push(format!("  {}", h.title));
        for s in &h.policy.statements {
            lines.push(format!("    {}", sentence(w, h, s)));
        }
    }
    lines
}
