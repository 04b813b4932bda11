//! Policy statements as graph edges: who each statement lets act, merged per pair of nodes.
//!
//! Owns the principal nodes and the grant edges' direction and labels. A statement is read from
//! its data (principal, conditions, actions), never recognised by its Sid, so a new one is drawn
//! without a change here. It must not draw a grant the references already show.

use super::{Graph, Kind, Line};
use crate::explain::words::{service_name, Words};
use crate::expr::Res;
use crate::policy::{Effect, Principal, Statement};

#[derive(Debug)]
pub(super) struct Grant {
    from: String,
    to: String,
    effect: Effect,
    actions: Vec<&'static str>,
    /// Drawn from the trail to the policy that lets it act ("allowed ... by"), so that every
    /// edge of the trail leaves it and the graph reads left to right from the trail.
    to_trail: bool,
}

impl Graph {
    pub(super) fn grant(
        &mut self,
        holder: &str,
        who: &str,
        effect: Effect,
        actions: &[&'static str],
    ) {
        let to_trail = self.is_trail(who);
        let (from, to) = if to_trail {
            (who, holder)
        } else {
            (holder, who)
        };
        if from == to {
            return;
        }
        let found = self
            .grants
            .iter_mut()
            .find(|g| g.from == from && g.to == to && g.effect == effect);
        match found {
            Some(g) => {
                for a in actions {
                    if !g.actions.contains(a) {
                        g.actions.push(a);
                    }
                }
            }
            None => self.grants.push(Grant {
                from: from.into(),
                to: to.into(),
                effect,
                actions: actions.to_vec(),
                to_trail,
            }),
        }
    }

    /// Who a statement lets act: the trail itself when a service acts only as this trail; a
    /// service otherwise with what narrows it (the source it acts as, or else the conditions, so
    /// that "CloudWatch, for the alerts topic only" does not read as any CloudWatch); an IAM
    /// principal by its ARN.
    pub(super) fn principals(&mut self, w: &Words, s: &Statement) -> Vec<String> {
        match &s.principal {
            Principal::Service(host) => {
                let (source, others): (Vec<_>, Vec<_>) =
                    s.conditions.iter().partition(|c| c.key == "aws:SourceArn");
                if let [c] = source.as_slice() {
                    if c.values.len() == 1 && w.value(&c.values[0]) == "this trail" {
                        return vec![self.resource(Res::Trail)];
                    }
                }
                let narrowing = if source.is_empty() { others } else { source };
                let mut label = service_name(&w.expr(host));
                for c in narrowing {
                    label.push('\n');
                    label.push_str(&w.condition(c));
                }
                vec![self.outside(label, Kind::Principal)]
            }
            Principal::Aws(list) => list
                .iter()
                .map(|a| {
                    let label = w.principal(&Principal::Aws(vec![a.clone()]), "");
                    self.outside(label, Kind::Principal)
                })
                .collect(),
            // Anyone (the TLS-only deny) and an identity policy's bearer are not nodes of their
            // own: the text says them, the graph would only add noise.
            Principal::Everyone | Principal::None => Vec::new(),
        }
    }

    /// Grants become edges, except where references already join the two: the trail that
    /// encrypts with the key needs no second arrow saying the key lets it, nor the trail that
    /// stores log files in the bucket one to the policy governing that bucket.
    pub(super) fn finish(&mut self) {
        let refs: Vec<(String, String)> = self
            .edges
            .iter()
            .filter(|e| e.line == Line::Reference)
            .map(|e| (e.from.clone(), e.to.clone()))
            .collect();
        let linked = |a: &str, b: &str| refs.iter().any(|(f, t)| f == a && t == b);
        for g in std::mem::take(&mut self.grants) {
            let joined = linked(&g.from, &g.to)
                || linked(&g.to, &g.from)
                || (g.to_trail && refs.iter().any(|(f, t)| *f == g.from && linked(t, &g.to)));
            if joined {
                continue;
            }
            let label = action_words(g.effect, &g.actions, g.to_trail);
            self.edge(&g.from, &g.to, &label, Line::Grant);
        }
    }
}

/// "allows s3:PutObject", "allows 15 kms actions", or towards the trail "allowed sns:Publish by".
fn action_words(effect: Effect, actions: &[&str], to_trail: bool) -> String {
    let service = |a: &&str| a.split(':').next().unwrap_or_default().to_string();
    let first = actions.first().map(service).unwrap_or_default();
    let what = match actions.len() {
        0..=2 => actions.join(", "),
        n if actions.iter().all(|a| service(a) == first) => format!("{n} {first} actions"),
        n => format!("{n} actions"),
    };
    match (effect, to_trail) {
        (Effect::Allow, false) => format!("allows {what}"),
        (Effect::Deny, false) => format!("denies {what}"),
        (Effect::Allow, true) => format!("allowed {what} by"),
        (Effect::Deny, true) => format!("denied {what} by"),
    }
}
