//! Basic event selectors from the spec's intents: whether the basic form can say them at all, and
//! the selectors it writes (one per read/write choice, data resources merged by type).
//!
//! It must not count against AWS's limits (that is `limits`) or choose the form (that is `plan`).

use super::intent::{bucket_prefix, excludes_trail_bucket, is_s3, management};
use super::limits::BASIC_TYPES;
use super::{BasicSelector, DataResource};
use crate::expr::{Expr, Text};
use crate::spec::{Events, ReadWrite};

fn rw_name(rw: ReadWrite) -> &'static str {
    match rw {
        ReadWrite::All => "All",
        ReadWrite::ReadOnly => "ReadOnly",
        ReadWrite::WriteOnly => "WriteOnly",
    }
}

/// Why basic selectors cannot say what the spec asks, and where.
pub(super) fn blocker(events: &Events) -> Option<(String, String)> {
    if !events.advanced.is_empty() {
        return Some((
            "/events/advanced".into(),
            "raw advanced selectors are given".into(),
        ));
    }
    if !events.network_activity.is_empty() {
        return Some((
            "/events/network_activity".into(),
            "network activity events exist only in advanced selectors".into(),
        ));
    }
    for (i, d) in events.data.iter().enumerate() {
        let at = |field: &str| format!("/events/data/{i}/{field}");
        let blocker = if !BASIC_TYPES.contains(&d.resource_type.as_str()) {
            Some((
                at("type"),
                format!("basic selectors carry only {}", BASIC_TYPES.join(", ")),
            ))
        } else if d.event_names.is_some() {
            Some((
                at("event_names"),
                "basic selectors cannot choose event names".into(),
            ))
        } else if excludes_trail_bucket(d) {
            Some((
                at("all"),
                "basic selectors cannot leave out the trail's own bucket".into(),
            ))
        } else if is_s3(d) && !d.arns.is_empty() {
            Some((
                at("arns"),
                "basic S3 selectors match ARN prefixes, not exact objects".into(),
            ))
        } else if !is_s3(d) && !d.arn_prefixes.is_empty() {
            Some((
                at("arn_prefixes"),
                "basic selectors match exact ARNs for this type".into(),
            ))
        } else {
            None
        };
        if blocker.is_some() {
            return blocker;
        }
    }
    None
}

/// The basic selectors, each with the spec path it came from. Only for a spec `blocker` lets by.
pub(super) fn selectors(events: &Events) -> Vec<(BasicSelector, String)> {
    let mut selectors: Vec<(BasicSelector, String)> = Vec::new();
    if let Some((rw, excluded)) = management(&events.management) {
        let s = BasicSelector {
            read_write: rw_name(rw),
            include_management_events: true,
            exclude_management_sources: excluded.into_iter().map(Text::from).collect(),
            data_resources: Vec::new(),
        };
        selectors.push((s, "/events/management".into()));
    }
    for (i, d) in events.data.iter().enumerate() {
        let values: Vec<Expr> = if d.all {
            let service = d
                .resource_type
                .trim_start_matches("AWS::")
                .split("::")
                .next()
                .unwrap_or_default();
            vec![Expr::join([
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(format!(":{}", service.to_lowercase())),
            ])]
        } else {
            let buckets = d.buckets.iter().map(|b| bucket_prefix(b));
            let arns = d.arns.iter().chain(&d.arn_prefixes).map(Expr::lit);
            buckets.chain(arns).collect()
        };
        let rw = rw_name(d.read_write);
        // One selector per read/write choice: ReadWriteType applies to all it carries.
        let index = match selectors.iter().position(|(s, _)| s.read_write == rw) {
            Some(index) => index,
            None => {
                let s = BasicSelector {
                    read_write: rw,
                    include_management_events: false,
                    exclude_management_sources: Vec::new(),
                    data_resources: Vec::new(),
                };
                selectors.push((s, format!("/events/data/{i}")));
                selectors.len() - 1
            }
        };
        let resources = &mut selectors[index].0.data_resources;
        match resources
            .iter_mut()
            .find(|r| r.resource_type == d.resource_type.as_str())
        {
            Some(r) => r.values.extend(values),
            None => resources.push(DataResource {
                resource_type: Text::new(d.resource_type.clone()),
                values,
            }),
        }
    }
    if selectors.is_empty() {
        let s = BasicSelector {
            read_write: "All",
            include_management_events: false,
            exclude_management_sources: Vec::new(),
            data_resources: Vec::new(),
        };
        selectors.push((s, "/events/management".into()));
    }
    selectors
}
