//! What a trail records, compiled from intent into basic or advanced event selectors.
//!
//! Owns the choice of selector form (`selector_style`), the translation of each intent into
//! selectors, the AWS limits on them ("Logging data events", "Quotas in AWS CloudTrail"), the
//! exclusion of the trail's own bucket from "all S3 objects", and the cost warnings. Both targets
//! write the same plan. It must not check the spelling of single fields (that is `validate`).

use crate::diag::{Code, Diagnostic};
use crate::expr::{Expr, Text};
use crate::spec::{
    DataEvents, Events, Management, ManagementPreset, Operator, ReadWrite, SelectorStyle,
};

/// Resource types basic event selectors can carry in both targets (the Terraform provider accepts
/// only these three).
pub const BASIC_TYPES: [&str; 3] = [
    "AWS::S3::Object",
    "AWS::Lambda::Function",
    "AWS::DynamoDB::Table",
];
pub const MAX_BASIC_SELECTORS: usize = 5;
pub const MAX_BASIC_VALUES: usize = 250;
pub const MAX_ADVANCED_VALUES: usize = 500;

/// Fields the Terraform AWS provider (hashicorp/aws 5.100) lets `advanced_event_selector` test;
/// its own validation refuses the others (errorCode, eventType, sessionCredentialFromConsole,
/// vpcEndpointId) although CloudTrail and CloudFormation take them.
pub const TERRAFORM_FIELDS: [&str; 7] = [
    "eventCategory",
    "eventName",
    "eventSource",
    "readOnly",
    "resources.ARN",
    "resources.type",
    "userIdentity.arn",
];

/// "AWS CloudTrail pricing": what each kind of recorded event costs. Public because `explain`
/// quotes the same figures, and one copy cannot go stale beside the other.
pub const DATA_EVENT_PRICE: &str = "$0.10 per 100,000 data events";
pub const NETWORK_EVENT_PRICE: &str = "$0.10 per 100,000 network activity events";
pub const INSIGHTS_PRICE: &str = "$0.35 per 100,000 events analyzed";

#[derive(Debug, Clone, PartialEq)]
pub enum Selectors {
    Basic(Vec<BasicSelector>),
    Advanced(Vec<AdvancedSelector>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BasicSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write: &'static str,
    pub include_management_events: bool,
    pub exclude_management_sources: Vec<Text>,
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataResource {
    pub resource_type: Text,
    pub values: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdvancedSelector {
    pub name: Text,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub field: Text,
    pub conditions: Vec<(Operator, Vec<Expr>)>,
}

/// What a trail records, read off its planned selectors rather than the spec's words: raw
/// advanced selectors can record management events under `management: none`, and rules,
/// warnings and `explain` must all judge what the trail will really deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recorded {
    pub management_reads: bool,
    pub management_writes: bool,
    pub data: bool,
    pub network_activity: bool,
}

impl Recorded {
    pub fn management(self) -> bool {
        self.management_reads || self.management_writes
    }

    pub fn anything(self) -> bool {
        self.management() || self.data || self.network_activity
    }
}

/// Which of reads and writes a `readOnly` field lets through: (reads, writes).
fn reads_and_writes(fields: &[Field]) -> (bool, bool) {
    let (mut reads, mut writes) = (true, true);
    for f in fields.iter().filter(|f| f.field == "readOnly") {
        for (op, values) in &f.conditions {
            let has = |v: &str| values.contains(&Expr::lit(v));
            match op {
                Operator::Equals => {
                    reads &= has("true");
                    writes &= has("false");
                }
                Operator::NotEquals => {
                    reads &= !has("true");
                    writes &= !has("false");
                }
                // Prefix and suffix tests of "true"/"false" are not worth guessing at: assume both.
                _ => {}
            }
        }
    }
    (reads, writes)
}

impl Selectors {
    pub fn recorded(&self) -> Recorded {
        let mut r = Recorded::default();
        match self {
            Selectors::Basic(list) => {
                for s in list {
                    if s.include_management_events {
                        r.management_reads |= s.read_write != "WriteOnly";
                        r.management_writes |= s.read_write != "ReadOnly";
                    }
                    r.data |= !s.data_resources.is_empty();
                }
            }
            Selectors::Advanced(list) => {
                for a in list {
                    let categories: Vec<&Expr> = a
                        .fields
                        .iter()
                        .filter(|f| f.field == "eventCategory")
                        .flat_map(|f| &f.conditions)
                        .filter(|(op, _)| *op == Operator::Equals)
                        .flat_map(|(_, values)| values)
                        .collect();
                    let is = |c: &str| categories.contains(&&Expr::lit(c));
                    if is("Management") {
                        let (reads, writes) = reads_and_writes(&a.fields);
                        r.management_reads |= reads;
                        r.management_writes |= writes;
                    }
                    r.data |= is("Data");
                    r.network_activity |= is("NetworkActivity");
                }
            }
        }
        r
    }
}

/// The selectors and what the user should know about them.
#[derive(Debug)]
pub struct Planned {
    pub selectors: Selectors,
    pub diagnostics: Vec<Diagnostic>,
}

fn rw_name(rw: ReadWrite) -> &'static str {
    match rw {
        ReadWrite::All => "All",
        ReadWrite::ReadOnly => "ReadOnly",
        ReadWrite::WriteOnly => "WriteOnly",
    }
}

/// Which management events the `management` word asks for, if any, with the sources left out.
pub fn management(m: &Management) -> Option<(ReadWrite, Vec<String>)> {
    match m {
        Management::Preset(ManagementPreset::None) => None,
        Management::Preset(ManagementPreset::All) => Some((ReadWrite::All, Vec::new())),
        Management::Preset(ManagementPreset::ReadOnly) => Some((ReadWrite::ReadOnly, Vec::new())),
        Management::Preset(ManagementPreset::WriteOnly) => Some((ReadWrite::WriteOnly, Vec::new())),
        Management::Detailed(d) => Some((d.read_write, d.exclude_sources.clone())),
    }
}

fn is_s3(d: &DataEvents) -> bool {
    d.resource_type == "AWS::S3::Object"
}

/// `all: true` on S3 objects, minus the trail's own bucket.
pub(crate) fn excludes_trail_bucket(d: &DataEvents) -> bool {
    is_s3(d) && d.all && !d.include_trail_bucket
}

/// `bucket` or `bucket/prefix` as the object ARN prefix S3 data events match.
fn bucket_prefix(entry: &str) -> Expr {
    let path = if entry.contains('/') {
        entry.to_string()
    } else {
        format!("{entry}/")
    };
    Expr::arn("s3", None, None, Expr::lit(path))
}

/// Why basic selectors cannot say what the spec asks, and where.
fn basic_blocker(events: &Events) -> Option<(String, String)> {
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

fn basic(events: &Events) -> Vec<(BasicSelector, String)> {
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

fn field(name: &str, operator: Operator, values: Vec<Expr>) -> Field {
    Field {
        field: Text::from(name),
        conditions: vec![(operator, values)],
    }
}

fn lits(values: &[String]) -> Vec<Expr> {
    values.iter().map(Expr::lit).collect()
}

fn read_only(rw: ReadWrite) -> Option<Field> {
    match rw {
        ReadWrite::All => None,
        ReadWrite::ReadOnly => Some(field("readOnly", Operator::Equals, vec![Expr::lit("true")])),
        ReadWrite::WriteOnly => Some(field(
            "readOnly",
            Operator::Equals,
            vec![Expr::lit("false")],
        )),
    }
}

fn advanced(events: &Events, trail_bucket_arn: &Expr) -> Vec<(AdvancedSelector, String)> {
    let mut out = Vec::new();
    if let Some((rw, excluded)) = management(&events.management) {
        let mut fields = vec![field(
            "eventCategory",
            Operator::Equals,
            vec![Expr::lit("Management")],
        )];
        fields.extend(read_only(rw));
        if !excluded.is_empty() {
            fields.push(field("eventSource", Operator::NotEquals, lits(&excluded)));
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
            field("eventCategory", Operator::Equals, vec![Expr::lit("Data")]),
            field(
                "resources.type",
                Operator::Equals,
                vec![Expr::lit(&d.resource_type)],
            ),
        ];
        fields.extend(read_only(d.read_write));
        let arn = if excludes_trail_bucket(d) {
            Some((
                Operator::NotStartsWith,
                vec![Expr::join([trail_bucket_arn.clone(), Expr::lit("/")])],
            ))
        } else if !d.buckets.is_empty() {
            Some((
                Operator::StartsWith,
                d.buckets.iter().map(|b| bucket_prefix(b)).collect(),
            ))
        } else if !d.arns.is_empty() {
            Some((Operator::Equals, lits(&d.arns)))
        } else if !d.arn_prefixes.is_empty() {
            Some((Operator::StartsWith, lits(&d.arn_prefixes)))
        } else {
            None
        };
        if let Some((operator, values)) = arn {
            fields.push(field("resources.ARN", operator, values));
        }
        if let Some(names) = &d.event_names {
            if !names.include.is_empty() {
                fields.push(field("eventName", Operator::Equals, lits(&names.include)));
            }
            if !names.exclude.is_empty() {
                fields.push(field(
                    "eventName",
                    Operator::NotEquals,
                    lits(&names.exclude),
                ));
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
                Operator::Equals,
                vec![Expr::lit("NetworkActivity")],
            ),
            field(
                "eventSource",
                Operator::Equals,
                vec![Expr::lit(n.source.as_str())],
            ),
        ];
        if n.vpce_access_denied_only {
            fields.push(field(
                "errorCode",
                Operator::Equals,
                vec![Expr::lit("VpceAccessDenied")],
            ));
        }
        if !n.vpc_endpoint_ids.is_empty() {
            fields.push(field(
                "vpcEndpointId",
                Operator::Equals,
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
        let fields = a
            .field_selectors
            .iter()
            .map(|f| Field {
                field: Text::new(f.field.clone()),
                conditions: f
                    .operators()
                    .into_iter()
                    .filter(|(_, values)| !values.is_empty())
                    .map(|(op, values)| (op, lits(values)))
                    .collect(),
            })
            .collect();
        let name = Text::new(
            a.name
                .clone()
                .unwrap_or_else(|| format!("Advanced selector {}", i + 1)),
        );
        out.push((
            AdvancedSelector { name, fields },
            format!("/events/advanced/{i}"),
        ));
    }
    out
}

fn advanced_values(s: &AdvancedSelector) -> usize {
    s.fields
        .iter()
        .flat_map(|f| &f.conditions)
        .map(|(_, v)| v.len())
        .sum()
}

/// The first selector at which a running total of values passes `limit`.
fn over_limit<T>(
    selectors: &[(T, String)],
    count: impl Fn(&T) -> usize,
    limit: usize,
) -> Option<(String, usize)> {
    let mut total = 0;
    for (s, origin) in selectors {
        total += count(s);
        if total > limit {
            return Some((origin.clone(), total));
        }
    }
    None
}

/// How many data resource values a data entry becomes in a basic selector.
fn basic_values(d: &DataEvents) -> usize {
    if d.all {
        1
    } else {
        d.buckets.len() + d.arns.len() + d.arn_prefixes.len()
    }
}

fn basic_problem(events: &Events, selectors: &[(BasicSelector, String)]) -> Option<Diagnostic> {
    if selectors.len() > MAX_BASIC_SELECTORS {
        let origin = selectors[MAX_BASIC_SELECTORS].1.clone();
        return Some(Diagnostic::error(
            Code::BasicSelectorLimit,
            origin,
            format!("a trail takes at most {MAX_BASIC_SELECTORS} basic event selectors; this spec needs {}", selectors.len()),
        ));
    }
    let entries: Vec<(&DataEvents, String)> = events
        .data
        .iter()
        .enumerate()
        .map(|(i, d)| (d, format!("/events/data/{i}")))
        .collect();
    over_limit(&entries, |d| basic_values(d), MAX_BASIC_VALUES).map(|(origin, total)| {
        Diagnostic::error(
            Code::DataResourceLimit,
            origin,
            format!("basic event selectors take at most {MAX_BASIC_VALUES} data resource values in all; this entry brings the total to {total}"),
        )
    })
}

/// Plans the selectors. `trail_bucket_arn` is what "all S3 objects" leaves out.
pub fn plan(events: &Events, trail_bucket_arn: &Expr) -> Planned {
    let mut diagnostics = notes(events);
    let blocker = basic_blocker(events);
    let basic_plan = blocker.is_none().then(|| basic(events));
    let basic_fits = basic_plan
        .as_ref()
        .is_some_and(|p| basic_problem(events, p).is_none());
    let use_basic = match events.selector_style {
        SelectorStyle::Basic => true,
        SelectorStyle::Advanced => false,
        SelectorStyle::Auto => basic_fits,
    };
    if use_basic {
        let plan = match (basic_plan, blocker) {
            (Some(plan), _) => plan,
            (None, Some((path, reason))) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::NeedsAdvancedSelectors,
                        path,
                        format!("`selector_style: basic` cannot say this: {reason}"),
                    )
                    .hint("use `selector_style: auto` (the default) or `advanced`"),
                );
                Vec::new()
            }
            (None, None) => Vec::new(),
        };
        if let Some(d) = basic_problem(events, &plan) {
            diagnostics.push(d.hint("use `selector_style: auto` (the default) or `advanced`: advanced selectors take 500 values"));
        }
        let selectors = Selectors::Basic(plan.into_iter().map(|(s, _)| s).collect());
        return Planned {
            selectors,
            diagnostics,
        };
    }
    let plan = advanced(events, trail_bucket_arn);
    if plan.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::NothingToRecord,
                "/events/selector_style",
                "advanced selectors cannot say \"record nothing\"",
            )
            .hint("record management or data events, or use `selector_style: auto`"),
        );
    }
    if let Some((origin, total)) = over_limit(&plan, advanced_values, MAX_ADVANCED_VALUES) {
        diagnostics.push(
            Diagnostic::error(
                Code::AdvancedValueLimit,
                origin,
                format!("advanced event selectors take at most {MAX_ADVANCED_VALUES} condition values in all; this entry brings the total to {total}"),
            )
            .hint("use ARN prefixes (StartsWith) instead of many exact ARNs"),
        );
    }
    for (selector, origin) in &plan {
        for f in selector
            .fields
            .iter()
            .filter(|f| !TERRAFORM_FIELDS.contains(&f.field.verbatim()))
        {
            diagnostics.push(
                Diagnostic::warning(
                    Code::TerraformUnsupportedField,
                    origin.clone(),
                    format!("the Terraform AWS provider cannot write advanced selectors that test `{}`; only CloudFormation can deploy this", f.field.verbatim()),
                )
                .hint(format!("for Terraform, test only {}", TERRAFORM_FIELDS.join(", "))),
            );
        }
    }
    let selectors = Selectors::Advanced(plan.into_iter().map(|(s, _)| s).collect());
    Planned {
        selectors,
        diagnostics,
    }
}

/// The trail-bucket note and the cost warnings, which do not depend on the selector form.
fn notes(events: &Events) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, d) in events.data.iter().enumerate() {
        let path = format!("/events/data/{i}");
        if excludes_trail_bucket(d) {
            out.push(
                Diagnostic::note(
                    Code::TrailBucketExcluded,
                    format!("{path}/all"),
                    "all S3 object events are recorded except the trail's own bucket: each log delivery would be recorded and delivered again",
                )
                .hint("set `include_trail_bucket: true` to record it anyway"),
            );
        }
        let scope = if d.all {
            "every resource of the type".to_string()
        } else {
            "the listed resources".to_string()
        };
        out.push(
            Diagnostic::warning(
                Code::CostDataEvents,
                path,
                format!("{} data events of {scope} are billed at {DATA_EVENT_PRICE}", d.resource_type),
            )
            .hint("narrow the scope (buckets, ARNs, read_write, event_names) to what you need to audit"),
        );
    }
    for (i, n) in events.network_activity.iter().enumerate() {
        out.push(
            Diagnostic::warning(
                Code::CostNetworkActivity,
                format!("/events/network_activity/{i}"),
                format!(
                    "network activity events of {} are billed at {NETWORK_EVENT_PRICE}",
                    n.source.as_str()
                ),
            )
            .hint("`vpce_access_denied_only: true` records only denied calls"),
        );
    }
    for (i, a) in events.advanced.iter().enumerate() {
        let category = a
            .field_selectors
            .iter()
            .find(|f| f.field == "eventCategory")
            .map(|f| f.equals.clone());
        let price = match category.as_deref() {
            Some([c]) if c == "Data" => DATA_EVENT_PRICE,
            Some([c]) if c == "NetworkActivity" => NETWORK_EVENT_PRICE,
            _ => continue,
        };
        let name = a.name.as_deref().unwrap_or("this advanced selector");
        out.push(Diagnostic::warning(
            Code::CostAdvancedSelector,
            format!("/events/advanced/{i}"),
            format!("the events \"{name}\" selects are billed at {price}"),
        ));
    }
    if !events.insights.is_empty() {
        out.push(Diagnostic::warning(
            Code::CostInsights,
            "/events/insights",
            format!("CloudTrail Insights are billed at {INSIGHTS_PRICE} for each Insights type"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(yaml: &str) -> Events {
        let doc = crate::source::parse(yaml).expect("yaml");
        serde_json::from_value(doc.value).expect("events")
    }

    fn bucket() -> Expr {
        Expr::lit("arn:aws:s3:::trail-logs")
    }

    #[test]
    fn recorded_is_read_off_either_form() {
        let recorded = |yaml: &str| plan(&events(yaml), &bucket()).selectors.recorded();
        let r = recorded("management: read_only\n");
        assert!(r.management_reads && !r.management_writes && !r.data);
        let r = recorded("management: none\ndata: [{type: AWS::Lambda::Function, all: true}]\n");
        assert!(!r.management() && r.data && !r.network_activity);
        let r =
            recorded("management: write_only\nnetwork_activity: [{source: kms.amazonaws.com}]\n");
        assert!(!r.management_reads && r.management_writes && r.network_activity);
        let raw = |read_only: &str| {
            recorded(&format!("management: none\nadvanced:\n- field_selectors:\n  - {{field: eventCategory, equals: [Management]}}\n{read_only}"))
        };
        let r = raw("");
        assert!(r.management_reads && r.management_writes);
        let r = raw("  - {field: readOnly, not_equals: [\"true\"]}\n");
        assert!(!r.management_reads && r.management_writes);
        assert!(!recorded("management: none\n").anything());
    }

    #[test]
    fn basic_when_it_can_say_it_all() {
        let p = plan(
            &events("data:\n- {type: AWS::S3::Object, buckets: [payroll/reports/, hr], read_write: write_only}\n- {type: AWS::Lambda::Function, all: true}\n"),
            &bucket(),
        );
        let Selectors::Basic(s) = p.selectors else {
            panic!("expected basic")
        };
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].read_write, s[0].include_management_events),
            ("All", true)
        );
        assert_eq!(
            s[0].data_resources[0].resource_type,
            "AWS::Lambda::Function"
        );
        assert_eq!(
            (s[1].read_write, s[1].include_management_events),
            ("WriteOnly", false)
        );
        assert_eq!(
            s[1].data_resources[0].values[1],
            Expr::Join(vec![
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(":s3:::hr/")
            ])
        );
    }

    #[test]
    fn all_s3_objects_leave_out_the_trail_bucket_with_a_note() {
        let p = plan(
            &events("data:\n- {type: AWS::S3::Object, all: true}\n"),
            &bucket(),
        );
        let Selectors::Advanced(s) = p.selectors else {
            panic!("expected advanced")
        };
        let arn = &s[1].fields[2];
        assert_eq!(arn.field, "resources.ARN");
        assert_eq!(
            arn.conditions,
            vec![(
                Operator::NotStartsWith,
                vec![Expr::lit("arn:aws:s3:::trail-logs/")]
            )]
        );
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.code == Code::TrailBucketExcluded));
        let p = plan(
            &events("data:\n- {type: AWS::S3::Object, all: true, include_trail_bucket: true}\n"),
            &bucket(),
        );
        assert!(matches!(p.selectors, Selectors::Basic(_)));
    }

    #[test]
    fn basic_style_refuses_what_it_cannot_say() {
        let p = plan(
            &events("selector_style: basic\nnetwork_activity: [{source: kms.amazonaws.com}]\n"),
            &bucket(),
        );
        let d = p
            .diagnostics
            .iter()
            .find(|d| d.code == Code::NeedsAdvancedSelectors)
            .expect("error");
        assert_eq!(d.path, "/events/network_activity");
    }

    #[test]
    fn limits_point_at_the_entry_that_crosses_them() {
        let arns: Vec<String> = (0..200)
            .map(|i| format!("arn:aws:lambda:eu-west-1:111122223333:function:f{i}"))
            .collect();
        let text = format!(
            "selector_style: basic\ndata:\n- {{type: AWS::Lambda::Function, arns: [{}]}}\n- {{type: AWS::DynamoDB::Table, arns: [{}]}}\n",
            arns.join(", "),
            arns[..60].join(", ").replace("lambda", "dynamodb")
        );
        let p = plan(&events(&text), &bucket());
        let d = p
            .diagnostics
            .iter()
            .find(|d| d.code == Code::DataResourceLimit)
            .expect("limit");
        assert_eq!(d.path, "/events/data/1");
        // The same intent in auto style moves to advanced selectors, which take 500 values.
        let p = plan(
            &events(&text.replace("selector_style: basic", "selector_style: auto")),
            &bucket(),
        );
        assert!(matches!(p.selectors, Selectors::Advanced(_)));
        assert!(!p
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error));
    }
}
