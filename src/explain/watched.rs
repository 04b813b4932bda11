//! The lines of "Created" about what the trail watches: metric filters, alarms, where alarms
//! go, and the alerts topic with its subscribers.
//!
//! Reads the resolved alarms of the model, and the spec only for which are CIS controls and which
//! custom; it must not resolve names or defaults (that is `model::alarms`).

use super::prose::{and_list, count};
use super::resources::encryption;
use super::words::Words;
use crate::expr::{Attr, Expr, Res};
use crate::model::Model;
use crate::spec::Spec;

/// Where alarms go.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Destination {
    AlertsTopic(String),
    DeliveryTopic,
    /// A topic that exists already, as written.
    Existing(String),
}

impl Destination {
    fn words(&self) -> String {
        match self {
            Destination::AlertsTopic(name) => format!("the alerts topic {name}"),
            Destination::DeliveryTopic => "the delivery topic".to_string(),
            Destination::Existing(arn) => format!("the existing topic {arn}"),
        }
    }
}

/// Where the alarms go, once per destination, in the order of the alarms.
pub(super) fn destinations(model: &Model, w: &Words) -> Vec<Destination> {
    let mut out = Vec::new();
    for action in model.alarms.iter().flat_map(|a| &a.actions) {
        let d = match action {
            Expr::Attr(Res::AlertsTopic, _) => {
                Destination::AlertsTopic(w.expr(&Expr::Attr(Res::AlertsTopic, Attr::Name)))
            }
            Expr::Attr(Res::Topic, _) => Destination::DeliveryTopic,
            other => Destination::Existing(w.expr(other)),
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// CIS numbers in runs: "4.1 to 4.15", "4.3, 4.7".
fn cis_numbers(spec: &Spec) -> Option<String> {
    let a = spec.alarms.as_ref()?;
    let ids = crate::derived::cis_ids(&a.cis);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in ids.iter().map(|id| *id as usize) {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let number = |i: usize| crate::cis::CONTROLS.get(i).map_or("?", |c| c.cis);
    let words: Vec<String> = runs
        .iter()
        .map(|&(a, b)| match b - a {
            0 => number(a).to_string(),
            1 => format!("{}, {}", number(a), number(b)),
            _ => format!("{} to {}", number(a), number(b)),
        })
        .collect();
    (!words.is_empty()).then(|| format!("CIS {}", words.join(", ")))
}

pub(super) fn lines(spec: &Spec, model: &Model, w: &Words, lines: &mut Vec<String>) {
    if model.metric_filters.is_empty() {
        // EventBridge rules alone notify the topic (`notified`).
        if !model.event_rules.is_empty() {
            topic_line(model, w, "the rules", lines);
        }
        return;
    }
    let mut what: Vec<String> = cis_numbers(spec).into_iter().collect();
    let custom: Vec<String> = spec
        .alarms
        .iter()
        .flat_map(|a| &a.custom)
        .map(|c| c.name.clone())
        .collect();
    if !custom.is_empty() {
        what.push(format!("custom {}", and_list(&custom)));
    }
    let mut namespaces: Vec<String> = Vec::new();
    for f in &model.metric_filters {
        let ns = f.namespace.verbatim();
        if !namespaces.iter().any(|n| n == ns) {
            namespaces.push(ns.to_string());
        }
    }
    let n = model.metric_filters.len();
    lines.push(format!(
        "  {} on the log group ({}), metrics in {}",
        count(n, "metric filter", "metric filters"),
        and_list(&what),
        and_list(&namespaces)
    ));
    lines.push(format!(
        "  {}, one per filter, notifying {}",
        count(model.alarms.len(), "alarm", "alarms"),
        and_list(
            &destinations(model, w)
                .iter()
                .map(Destination::words)
                .collect::<Vec<_>>()
        )
    ));
    let what = if model.event_rules.is_empty() {
        "the alarms"
    } else {
        "the alarms and rules"
    };
    topic_line(model, w, what, lines);
}

/// The alerts topic, its encryption and its subscribers.
fn topic_line(model: &Model, w: &Words, what: &str, lines: &mut Vec<String>) {
    if let Some(t) = &model.alerts_topic {
        let subscribers: Vec<String> = t
            .subscriptions
            .iter()
            .map(|s| format!("{} {}", s.protocol, s.endpoint.verbatim()))
            .collect();
        let subscribers = if subscribers.is_empty() {
            "no subscribers yet".to_string()
        } else {
            format!("subscribers: {}", subscribers.join(", "))
        };
        let enc = encryption(t.kms_key.as_ref(), w, "without a KMS key");
        lines.push(format!(
            "  SNS topic {} for {what}: {enc}; {subscribers}",
            t.name.verbatim()
        ));
    }
}
