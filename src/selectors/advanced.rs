//! Advanced event selectors from the spec's intents: management, each data entry, network
//! activity, and the user's raw selectors copied through.
//!
//! The raw selectors are the one place the plan reads a spec `Operator`; `op` turns it into the
//! plan's own `Op` here, so nothing downstream sees the spec's type. It must not count against
//! AWS's limits or gate fields for a target (that is `limits`).

use super::intent::{bucket_prefix, excludes_trail_bucket, management};
use super::{AdvancedSelector, Field, Op};
use crate::expr::{Expr, Text};
use crate::spec::{AdvancedSelectorSpec, Events, Operator, ReadWrite};

/// The spec's operator as the plan's.
fn op(o: Operator) -> Op {
    match o {
        Operator::Equals => Op::Equals,
        Operator::NotEquals => Op::NotEquals,
        Operator::StartsWith => Op::StartsWith,
        Operator::NotStartsWith => Op::NotStartsWith,
        Operator::EndsWith => Op::EndsWith,
        Operator::NotEndsWith => Op::NotEndsWith,
    }
}

fn field(name: &str, op: Op, values: Vec<Expr>) -> Field {
    Field {
        field: Text::from(name),
        conditions: vec![(op, values)],
    }
}

fn lits(values: &[String]) -> Vec<Expr> {
    values.iter().map(Expr::lit).collect()
}

fn read_only(rw: ReadWrite) -> Option<Field> {
    match rw {
        ReadWrite::All => None,
        ReadWrite::ReadOnly => Some(field("readOnly", Op::Equals, vec![Expr::lit("true")])),
        ReadWrite::WriteOnly => Some(field("readOnly", Op::Equals, vec![Expr::lit("false")])),
    }
}

/// The advanced selectors, each with the spec path it came from. `trail_bucket_arn` is what "all
/// S3 objects" leaves out.
pub(super) fn selectors(
    events: &Events,
    trail_bucket_arn: &Expr,
) -> Vec<(AdvancedSelector, String)> {
    let mut out = Vec::new();
    if let Some((rw, excluded)) = management(&events.management) {
        let mut fields = vec![field(
            "eventCategory",
            Op::Equals,
            vec![Expr::lit("Management")],
        )];
        fields.extend(read_only(rw));
        if !excluded.is_empty() {
            fields.push(field("eventSource", Op::NotEquals, lits(&excluded)));
        }
        out.push((
            AdvancedSelector {
                name: Text::from("Management events"),
                fields,
            },
            "/events/management".into(),
        ));
    }
    for (i, d) in events.data.iter().enumerate() {
        let mut fields = vec![
            field("eventCategory", Op::Equals, vec![Expr::lit("Data")]),
            field(
                "resources.type",
                Op::Equals,
                vec![Expr::lit(&d.resource_type)],
            ),
        ];
        fields.extend(read_only(d.read_write));
        let arn = if excludes_trail_bucket(d) {
            Some((
                Op::NotStartsWith,
                vec![Expr::join([trail_bucket_arn.clone(), Expr::lit("/")])],
            ))
        } else if !d.buckets.is_empty() {
            Some((
                Op::StartsWith,
                d.buckets.iter().map(|b| bucket_prefix(b)).collect(),
            ))
        } else if !d.arns.is_empty() {
            Some((Op::Equals, lits(&d.arns)))
        } else if !d.arn_prefixes.is_empty() {
            Some((Op::StartsWith, lits(&d.arn_prefixes)))
        } else {
            None
        };
        if let Some((op, values)) = arn {
            fields.push(field("resources.ARN", op, values));
        }
        if let Some(names) = &d.event_names {
            if !names.include.is_empty() {
                fields.push(field("eventName", Op::Equals, lits(&names.include)));
            }
            if !names.exclude.is_empty() {
                fields.push(field("eventName", Op::NotEquals, lits(&names.exclude)));
            }
        }
        let name = Text::new(format!("{} data events", d.resource_type));
        out.push((
            AdvancedSelector { name, fields },
            format!("/events/data/{i}"),
        ));
    }
    for (i, n) in events.network_activity.iter().enumerate() {
        let mut fields = vec![
            field(
                "eventCategory",
                Op::Equals,
                vec![Expr::lit("NetworkActivity")],
            ),
            field(
                "eventSource",
                Op::Equals,
                vec![Expr::lit(n.source.as_str())],
            ),
        ];
        if n.vpce_access_denied_only {
            fields.push(field(
                "errorCode",
                Op::Equals,
                vec![Expr::lit("VpceAccessDenied")],
            ));
        }
        if !n.vpc_endpoint_ids.is_empty() {
            fields.push(field(
                "vpcEndpointId",
                Op::Equals,
                lits(&n.vpc_endpoint_ids),
            ));
        }
        let name = Text::new(format!("Network activity of {}", n.source.as_str()));
        out.push((
            AdvancedSelector { name, fields },
            format!("/events/network_activity/{i}"),
        ));
    }
    for (i, a) in events.advanced.iter().enumerate() {
        out.push((raw(a, i), format!("/events/advanced/{i}")));
    }
    out
}

/// The user's raw selector number `i` (from 0), copied through with the plan's operators.
pub(crate) fn raw(a: &AdvancedSelectorSpec, i: usize) -> AdvancedSelector {
    let fields = a
        .field_selectors
        .iter()
        .map(|f| Field {
            field: Text::new(f.field.clone()),
            conditions: f
                .operators()
                .into_iter()
                .filter(|(_, values)| !values.is_empty())
                .map(|(o, values)| (op(o), lits(values)))
                .collect(),
        })
        .collect();
    let name = Text::new(
        a.name
            .clone()
            .unwrap_or_else(|| format!("Advanced selector {}", i + 1)),
    );
    AdvancedSelector { name, fields }
}
