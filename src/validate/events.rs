//! Rules for the `events` section, entry by entry: management sources, data event scopes,
//! network activity and raw advanced selectors field by field ("Filtering data events by using
//! advanced event selectors", AdvancedFieldSelector in the CloudTrail API reference).
//!
//! Owns what each entry may say on its own, and what the plan records against the `management`
//! word (an explicit `management` that swallows a raw management selector is said). Whether a
//! region or resource type is on AWS's lists is `known`'s; limits across entries and the choice
//! of selector form belong to `selectors`, which runs after these rules pass.

use super::names;
use super::rules::{no_duplicates, rule};
use super::suggest::near_miss;
use crate::diag::{Code, Diagnostic};
use crate::selectors::{Recorded, Selectors};
use crate::spec::{
    AdvancedSelectorSpec, DataEvents, Events, Management, ManagementPreset, Operator, ReadWrite,
};

/// Management event sources a trail can leave out ("Logging management events": only these two).
pub const EXCLUDABLE_SOURCES: [&str; 2] = ["kms.amazonaws.com", "rdsdata.amazonaws.com"];

/// Fields an advanced event selector may test, with whether they accept `equals` only.
const FIELDS: [(&str, bool); 11] = [
    ("eventCategory", true),
    ("eventSource", false),
    ("eventName", false),
    ("eventType", false),
    ("readOnly", true),
    ("resources.type", true),
    ("resources.ARN", false),
    ("errorCode", false),
    ("sessionCredentialFromConsole", false),
    ("userIdentity.arn", false),
    ("vpcEndpointId", false),
];

pub fn check(e: &Events, out: &mut Vec<Diagnostic>) {
    management(&e.management, out);
    super::insights::check(e, out);
    for (i, d) in e.data.iter().enumerate() {
        data(d, &format!("/events/data/{i}"), out);
    }
    for (i, n) in e.network_activity.iter().enumerate() {
        let base = format!("/events/network_activity/{i}");
        for (j, id) in n.vpc_endpoint_ids.iter().enumerate() {
            let hex = id.strip_prefix("vpce-").unwrap_or("");
            let ok = hex.len() >= 8
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
            if !ok {
                out.push(
                    Diagnostic::error(
                        Code::VpcEndpointId,
                        format!("{base}/vpc_endpoint_ids/{j}"),
                        format!("`{id}` is not a VPC endpoint id"),
                    )
                    .hint("VPC endpoint ids look like `vpce-0123456789abcdef0`"),
                );
            }
        }
        no_duplicates(
            &n.vpc_endpoint_ids,
            &format!("{base}/vpc_endpoint_ids"),
            out,
        );
    }
    for (i, a) in e.advanced.iter().enumerate() {
        advanced(a, &format!("/events/advanced/{i}"), out);
    }
}

/// Management events asked for, if any, after checking the left-out sources.
/// Rules on what the trail records as a whole, judged on the planned selectors (`recorded`), not
/// on the `management` word: raw advanced selectors may record management events too.
pub fn recorded(e: &Events, recorded: Recorded, out: &mut Vec<Diagnostic>) {
    overridden(e, out);
    let refused = super::insights::recorded(e, recorded, out);
    if !refused && !recorded.anything() {
        out.push(
            Diagnostic::warning(
                Code::RecordsNothing,
                "/events/management",
                "this trail records no events at all",
            )
            .hint("record management events, or data or network activity events"),
        );
    }
}

/// An explicit `management` beside raw management selectors is the user's choice, and is kept.
/// But a trail records what any of its advanced selectors match ("Filtering management events"
/// in the CloudTrail User Guide), so a raw selector recording only part of what `management`
/// already records narrows nothing: its conditions read as a restriction that is not there.
/// Judged with `Recorded` on the selector as planned, and on the sources each leaves out.
fn overridden(e: &Events, out: &mut Vec<Diagnostic>) {
    let Some((rw, excluded)) = crate::selectors::management(&e.management) else {
        return;
    };
    let (reads, writes) = (rw != ReadWrite::WriteOnly, rw != ReadWrite::ReadOnly);
    let said = match &e.management {
        Management::Preset(p) => format!(
            "`management: {}`",
            match p {
                ManagementPreset::All => "all",
                ManagementPreset::ReadOnly => "read_only",
                ManagementPreset::WriteOnly => "write_only",
                ManagementPreset::None => "none",
            }
        ),
        Management::Detailed(_) => "`management`".to_string(),
    };
    let what = |reads: bool, writes: bool, excluded: &[&str]| {
        let mut text = match (reads, writes) {
            (true, true) => "read and write management events",
            (true, false) => "read management events",
            _ => "write management events",
        }
        .to_string();
        if !excluded.is_empty() {
            text.push_str(&format!(" except from {}", excluded.join(" and ")));
        }
        text
    };
    let excluded: Vec<&str> = excluded.iter().map(String::as_str).collect();
    for (i, a) in e.advanced.iter().enumerate() {
        let r = Selectors::Advanced(vec![crate::selectors::raw(a, i)]).recorded();
        if !r.management() {
            continue;
        }
        let raw_excluded: Vec<&str> = a
            .field_selectors
            .iter()
            .filter(|f| f.field == "eventSource")
            .flat_map(|f| f.not_equals.iter().map(String::as_str))
            .collect();
        let covered = (reads || !r.management_reads)
            && (writes || !r.management_writes)
            && excluded.iter().all(|s| raw_excluded.contains(s));
        if covered {
            out.push(
                Diagnostic::warning(
                    Code::RawManagementOverridden,
                    format!("/events/advanced/{i}"),
                    format!(
                        "{said} records {}, which already holds every event this selector records ({}): selectors add up, so its conditions narrow nothing",
                        what(reads, writes, &excluded),
                        what(r.management_reads, r.management_writes, &raw_excluded)
                    ),
                )
                .hint("to record only what the raw selectors say, remove `management` (or write `management: none`); or remove this selector"),
            );
        }
    }
}

fn management(m: &Management, out: &mut Vec<Diagnostic>) {
    match m {
        Management::Preset(_) => {}
        Management::Detailed(d) => {
            for (i, source) in d.exclude_sources.iter().enumerate() {
                if !EXCLUDABLE_SOURCES.contains(&source.as_str()) {
                    out.push(
                        Diagnostic::error(
                            Code::ExcludeSource,
                            format!("/events/management/exclude_sources/{i}"),
                            format!("a trail cannot leave out management events of `{source}`"),
                        )
                        .hint(
                            match near_miss(source, &EXCLUDABLE_SOURCES) {
                                Some(guess) => format!("did you mean `{guess}`?"),
                                None => format!(
                                    "only {} can be left out",
                                    EXCLUDABLE_SOURCES.join(" and ")
                                ),
                            },
                        ),
                    );
                }
            }
            no_duplicates(
                &d.exclude_sources,
                "/events/management/exclude_sources",
                out,
            );
        }
    }
}

/// `AWS::Service::Type`. Whether AWS's list has it is `known`'s question, asked of the whole
/// document once its shape is checked.
fn resource_type(value: &str, path: &str, out: &mut Vec<Diagnostic>) {
    if !super::known::well_formed_type(value) {
        out.push(
            Diagnostic::error(
                Code::ResourceType,
                path,
                format!("`{value}` is not a resource type"),
            )
            .hint("resource types look like `AWS::S3::Object` or `AWS::Lambda::Function`"),
        );
    }
}

fn no_wildcards(values: &[String], base: &str, out: &mut Vec<Diagnostic>) {
    for (j, v) in values.iter().enumerate() {
        if v.contains('*') {
            out.push(
                Diagnostic::error(
                    Code::Wildcard,
                    format!("{base}/{j}"),
                    format!("`{v}`: event selectors do not support wildcards"),
                )
                .hint("use a prefix (`arn_prefixes`, `starts_with`) instead of `*`"),
            );
        }
    }
}

fn data(d: &DataEvents, base: &str, out: &mut Vec<Diagnostic>) {
    resource_type(&d.resource_type, &format!("{base}/type"), out);
    let s3 = d.resource_type == "AWS::S3::Object";
    let scopes: Vec<&str> = [
        ("all", d.all),
        ("buckets", !d.buckets.is_empty()),
        ("arns", !d.arns.is_empty()),
        ("arn_prefixes", !d.arn_prefixes.is_empty()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    match scopes.as_slice() {
        [] => out.push(
            Diagnostic::error(Code::DataScope, base, "say which resources to record").hint(
                "add `all: true`, `arns: [...]`, `arn_prefixes: [...]`, or for S3 `buckets: [...]`",
            ),
        ),
        [_] => {}
        [_, second, ..] => out.push(
            Diagnostic::error(
                Code::DataScope,
                format!("{base}/{second}"),
                format!("choose one scope: {} are given", scopes.join(" and ")),
            )
            .hint("split the entry in two, one per scope"),
        ),
    }
    if !d.buckets.is_empty() && !s3 {
        out.push(
            Diagnostic::error(
                Code::BucketsOnlyForS3,
                format!("{base}/buckets"),
                "`buckets` names S3 objects; this entry is not `AWS::S3::Object`",
            )
            .hint("use `arns` or `arn_prefixes` for other types"),
        );
    }
    for (j, b) in d.buckets.iter().enumerate() {
        let name = b.split('/').next().unwrap_or_default();
        rule(
            out,
            Code::BucketName,
            &format!("{base}/buckets/{j}"),
            names::bucket_name(name),
            Some("write `bucket` or `bucket/prefix`"),
        );
    }
    for (field, list) in [
        ("buckets", &d.buckets),
        ("arns", &d.arns),
        ("arn_prefixes", &d.arn_prefixes),
    ] {
        no_wildcards(list, &format!("{base}/{field}"), out);
        no_duplicates(list, &format!("{base}/{field}"), out);
    }
    for (field, list) in [("arns", &d.arns), ("arn_prefixes", &d.arn_prefixes)] {
        for (j, arn) in list.iter().enumerate() {
            if !arn.starts_with("arn:") {
                out.push(
                    Diagnostic::error(Code::DataArn, format!("{base}/{field}/{j}"), format!("`{arn}` is not an ARN"))
                        .hint("ARNs start with `arn:`, such as arn:aws:lambda:eu-west-1:111122223333:function:payments"),
                );
            }
        }
    }
    if let Some(names) = &d.event_names {
        let path = format!("{base}/event_names");
        match (names.include.is_empty(), names.exclude.is_empty()) {
            (true, true) => out.push(Diagnostic::error(
                Code::EventNames,
                path.clone(),
                "list the event names to `include` or to `exclude`",
            )),
            (false, false) => out.push(
                Diagnostic::error(
                    Code::EventNames,
                    path.clone(),
                    "`include` and `exclude` together say the same thing twice",
                )
                .hint("keep one of the two"),
            ),
            _ => {}
        }
        no_wildcards(&names.include, &format!("{path}/include"), out);
        no_wildcards(&names.exclude, &format!("{path}/exclude"), out);
    }
    // Whether it matters on an S3 entry depends on the trail bucket: `trail_bucket` judges that.
    if d.include_trail_bucket && !s3 {
        out.push(
            Diagnostic::error(
                Code::IncludeTrailBucket,
                format!("{base}/include_trail_bucket"),
                "`include_trail_bucket` only matters on `AWS::S3::Object` entries",
            )
            .hint("remove it"),
        );
    }
}

/// "AdvancedEventSelector" (CloudTrail API reference): a name of at most 1,000 characters.
const MAX_SELECTOR_NAME: usize = 1000;

fn advanced(a: &AdvancedSelectorSpec, base: &str, out: &mut Vec<Diagnostic>) {
    if let Some(name) = &a.name {
        let length = name.chars().count();
        if length > MAX_SELECTOR_NAME {
            out.push(
                Diagnostic::error(
                    Code::AdvancedSelectorName,
                    format!("{base}/name"),
                    format!("an advanced selector's name can be at most {MAX_SELECTOR_NAME} characters long, this one has {length}"),
                )
                .hint("the name only describes the selector; a short sentence is enough"),
            );
        }
    }
    if a.field_selectors.is_empty() {
        out.push(Diagnostic::error(
            Code::AdvancedSelector,
            format!("{base}/field_selectors"),
            "an advanced selector needs at least one field selector",
        ));
        return;
    }
    let mut category = None;
    let mut types = 0;
    for (k, f) in a.field_selectors.iter().enumerate() {
        let path = format!("{base}/field_selectors/{k}");
        let Some((_, equals_only)) = FIELDS.iter().find(|(name, _)| *name == f.field) else {
            let known: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
            out.push(
                Diagnostic::error(
                    Code::AdvancedField,
                    format!("{path}/field"),
                    format!("`{}` is not a field advanced selectors can test", f.field),
                )
                .hint(format!("fields: {}", known.join(", "))),
            );
            continue;
        };
        let used: Vec<(Operator, &[String])> = f
            .operators()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if used.is_empty() {
            out.push(Diagnostic::error(
                Code::AdvancedCondition,
                path.clone(),
                "a field selector needs values for at least one operator",
            ));
        }
        for (op, values) in &used {
            let at = format!("{path}/{}", op.snake());
            if *equals_only && *op != Operator::Equals {
                out.push(
                    Diagnostic::error(
                        Code::EqualsOnly,
                        at.clone(),
                        format!("`{}` accepts `equals` only", f.field),
                    )
                    .hint("write the values under `equals`"),
                );
            }
            no_wildcards(values, &at, out);
        }
        match f.field.as_str() {
            "eventCategory" => {
                for (j, v) in f.equals.iter().enumerate() {
                    if super::lake::LAKE_CATEGORIES.contains(&v.as_str()) {
                        out.push(super::lake::category(format!("{path}/equals/{j}"), v));
                    } else if !["Management", "Data", "NetworkActivity"].contains(&v.as_str()) {
                        out.push(
                            Diagnostic::error(
                                Code::AdvancedValue,
                                format!("{path}/equals/{j}"),
                                format!("`{v}` is not an event category"),
                            )
                            .hint("use Management, Data or NetworkActivity"),
                        );
                    }
                }
                if f.equals.len() == 1 {
                    category = Some(f.equals[0].as_str());
                }
            }
            "readOnly" => {
                for (j, v) in f.equals.iter().enumerate() {
                    if v != "true" && v != "false" {
                        out.push(Diagnostic::error(
                            Code::AdvancedValue,
                            format!("{path}/equals/{j}"),
                            "`readOnly` is \"true\" or \"false\"",
                        ));
                    }
                }
            }
            "resources.type" => {
                types += 1;
                if f.equals.len() != 1 {
                    out.push(
                        Diagnostic::error(
                            Code::OneResourceType,
                            format!("{path}/equals"),
                            "a data selector tests exactly one `resources.type`",
                        )
                        .hint("write one selector per resource type"),
                    );
                }
                for (j, v) in f.equals.iter().enumerate() {
                    resource_type(v, &format!("{path}/equals/{j}"), out);
                }
            }
            "errorCode" => {
                for (j, v) in f.equals.iter().enumerate() {
                    if v != "VpceAccessDenied" {
                        out.push(Diagnostic::error(
                            Code::AdvancedValue,
                            format!("{path}/equals/{j}"),
                            "`errorCode` accepts only VpceAccessDenied",
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    category_rules(a, category, types, base, out);
}

/// What each event category allows ("Filtering management events", "Logging network activity
/// events", "Filtering data events by using advanced event selectors").
fn category_rules(
    a: &AdvancedSelectorSpec,
    category: Option<&str>,
    types: usize,
    base: &str,
    out: &mut Vec<Diagnostic>,
) {
    let fields = format!("{base}/field_selectors");
    match category {
        None => out.push(
            Diagnostic::error(
                Code::AdvancedCategory,
                fields,
                "an advanced selector needs `eventCategory` equal to one category",
            )
            .hint(
                "add `{ field: eventCategory, equals: [Data] }` (or Management, NetworkActivity)",
            ),
        ),
        Some("Data") if types != 1 => out.push(
            Diagnostic::error(
                Code::OneResourceType,
                fields,
                "a data selector tests exactly one `resources.type`",
            )
            .hint(
                "add `{ field: resources.type, equals: [AWS::S3::Object] }`, one selector per type",
            ),
        ),
        Some("Management") => {
            for (k, f) in a.field_selectors.iter().enumerate() {
                let path = format!("{fields}/{k}");
                let allowed = match f.field.as_str() {
                    "eventCategory" | "readOnly" => true,
                    "eventSource" => {
                        let only_not_equals = f
                            .operators()
                            .iter()
                            .all(|(op, v)| v.is_empty() || *op == Operator::NotEquals);
                        only_not_equals
                            && f.not_equals
                                .iter()
                                .all(|s| EXCLUDABLE_SOURCES.contains(&s.as_str()))
                    }
                    _ => false,
                };
                if !allowed {
                    out.push(
                        Diagnostic::error(
                            Code::ManagementSelector,
                            path,
                            format!(
                                "management selectors on a trail cannot test `{}` this way",
                                f.field
                            ),
                        )
                        .hint(format!(
                            "they test eventCategory and readOnly, and may leave out ({}) {}",
                            "not_equals",
                            EXCLUDABLE_SOURCES.join(" or ")
                        )),
                    );
                }
            }
        }
        Some("NetworkActivity") => {
            let sources: Vec<&String> = a
                .field_selectors
                .iter()
                .filter(|f| f.field == "eventSource")
                .flat_map(|f| &f.equals)
                .collect();
            // Whether the one source is on AWS's list is `known`'s question: the list grows.
            let ok = matches!(sources.as_slice(), [one] if super::known::well_formed_source(one));
            if !ok {
                out.push(
                    Diagnostic::error(Code::NetworkSource, fields, "a network activity selector needs `eventSource` equal to exactly one service, such as `kms.amazonaws.com`")
                        .hint(format!("one of {}, or another service's `*.amazonaws.com` name", super::known::NETWORK_SOURCES.join(", "))),
                );
            }
        }
        _ => {}
    }
}
