//! No text a user writes becomes code in an output: not a Terraform template sequence (`${...}`,
//! `%{...}`, which Terraform evaluates in every string of a `.tf.json`, functions such as `file`
//! included), not a CloudFormation `Fn::Sub` placeholder.
//!
//! - `every_free_text_field_stays_text`: the fields come from the spec's JSON Schema
//!   (`trailsmith::spec::schema_text`), not from a list here: every string-typed leaf and every
//!   map whose keys are free text (`tags`, `silence`, `with`), so a field added later is covered
//!   with no change to this file. Each field gets hostile text (several variants) in the specs of
//!   the repository that have it (examples, team specs, golden cases, the shipped blueprints
//!   rendered with test values), or is created in them where none has it. Every output produced
//!   must pass `terraform_problems` / `cloudformation_problems` (`tests/support/interpolation.rs`),
//!   and must carry the hostile text as the target reads it: for Terraform the escaped spelling
//!   (`$${`, `%%{`) must be in the output and some string must read back as the text.
//! - `terraform_reads_template_text_back_as_written`: terraform itself (init, validate, console)
//!   on the output of `tests/cases/template-text.yaml`. It fails when terraform or its provider
//!   mirror is missing, unless `TRAILSMITH_NO_TERRAFORM=1` says to skip it (printed loudly).
//! - The checkers' own tests, on hand-written inputs (`checkers`).

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/interpolation.rs"]
mod interpolation;

use interpolation::{
    cloudformation_meanings, cloudformation_scan, strings, terraform_escaped, terraform_meanings,
    terraform_pieces, terraform_scan, terraform_without_references, Piece,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use trailsmith::blueprint::Catalog;
use trailsmith::diag::Severity;
use trailsmith::{compile_with, Target};

// ---------------------------------------------------------------------------------------------
// The fields, from the schema

/// A step of a path through the schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    Key(String),
    /// Any item of an array.
    Item,
    /// Any value of a map whose keys are free text (`additionalProperties`).
    Entry,
}

/// What a field's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Leaf {
    /// A string value; `closed` when the schema lists its values (`enum`).
    Text { closed: bool },
    /// The keys of a free-text map.
    Keys,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Field {
    segs: Vec<Seg>,
    leaf: Leaf,
}

impl Field {
    fn name(&self) -> String {
        let mut out = String::new();
        for seg in &self.segs {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Item => out.push_str("[]"),
                Seg::Entry => out.push_str(".*"),
            }
        }
        if self.leaf == Leaf::Keys {
            out.push_str(".<key>");
        }
        out
    }
}

fn types(node: &Value) -> Vec<&str> {
    match &node["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Every string leaf and free-text map under `node`, resolving `$ref` into `$defs` and descending
/// `properties`, `items`, `additionalProperties`, `anyOf`, `oneOf` and `allOf`.
fn walk(
    node: &Value,
    defs: &Map<String, Value>,
    segs: &mut Vec<Seg>,
    refs: &mut Vec<String>,
    out: &mut BTreeSet<Field>,
) {
    if let Some(r) = node["$ref"].as_str() {
        let name = r
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("a $ref outside $defs: {r}"));
        let target = defs
            .get(name)
            .unwrap_or_else(|| panic!("$ref to a missing definition: {r}"));
        // A definition inside itself would recurse forever; the spec has none today.
        if !refs.iter().any(|seen| seen == name) {
            refs.push(name.to_string());
            walk(target, defs, segs, refs, out);
            refs.pop();
        }
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        for sub in node[combinator].as_array().into_iter().flatten() {
            walk(sub, defs, segs, refs, out);
        }
    }
    if types(node).contains(&"string") {
        out.insert(Field {
            segs: segs.clone(),
            leaf: Leaf::Text {
                closed: node.get("enum").is_some() || node.get("const").is_some(),
            },
        });
    }
    if let Some(properties) = node["properties"].as_object() {
        for (name, sub) in properties {
            segs.push(Seg::Key(name.clone()));
            walk(sub, defs, segs, refs, out);
            segs.pop();
        }
    }
    if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
        out.insert(Field {
            segs: segs.clone(),
            leaf: Leaf::Keys,
        });
        segs.push(Seg::Entry);
        walk(values, defs, segs, refs, out);
        segs.pop();
    }
    if let Some(items) = node.get("items").filter(|v| v.is_object()) {
        segs.push(Seg::Item);
        walk(items, defs, segs, refs, out);
        segs.pop();
    }
}

fn schema_fields() -> Vec<Field> {
    let schema: Value =
        serde_json::from_str(&trailsmith::spec::schema_text()).expect("the schema is JSON");
    let defs = schema["$defs"].as_object().cloned().unwrap_or_default();
    let mut out = BTreeSet::new();
    walk(&schema, &defs, &mut Vec::new(), &mut Vec::new(), &mut out);
    out.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// The specs to start from

struct Base {
    name: String,
    value: Value,
}

/// `text` without its deploy-time references: `${` followed by lowercase letters, digits and
/// `_`, then `}`.
fn without_references(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            rest = &after[name_len + 1..];
        } else {
            out.push_str("${");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn bases(catalog: &Catalog) -> Vec<Base> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for dir in ["examples", "examples/teams", "tests/cases"] {
        for p in corpus::spec_files(dir) {
            let text = std::fs::read_to_string(&p).expect("spec readable");
            texts.push((p.display().to_string(), text));
        }
    }
    for blueprint in catalog.iter() {
        texts.push((
            format!("blueprint:{}", blueprint.name),
            corpus::render_with_test_values(blueprint),
        ));
    }
    // A spec that holds template text already (tests/cases/template-text.yaml) would let the
    // read-back check find the text in another field than the one under test. Deploy-time
    // references (`${account}`, `${environment}`) are not such text: they become references.
    texts
        .into_iter()
        .filter(|(_, text)| !without_references(text).contains("${") && !text.contains("%{"))
        .filter(|(_, text)| {
            trailsmith::validate::check_with(text, catalog)
                .spec
                .is_some()
        })
        .map(|(name, text)| Base {
            value: trailsmith::source::parse(&text)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                .value,
            name,
        })
        .collect()
}

/// A step of a path through a spec.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The places in `v` the schema path `segs` leads to.
fn locate(v: &Value, segs: &[Seg]) -> Vec<Vec<Step>> {
    let Some((first, rest)) = segs.split_first() else {
        return vec![Vec::new()];
    };
    let mut out = Vec::new();
    let mut follow = |step: Step, child: &Value| {
        for mut tail in locate(child, rest) {
            tail.insert(0, step.clone());
            out.push(tail);
        }
    };
    match (first, v) {
        (Seg::Key(k), Value::Object(m)) => {
            if let Some(child) = m.get(k) {
                follow(Step::Key(k.clone()), child);
            }
        }
        (Seg::Item, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                follow(Step::Index(i), item);
            }
        }
        (Seg::Entry, Value::Object(m)) => {
            for (k, child) in m {
                follow(Step::Key(k.clone()), child);
            }
        }
        _ => {}
    }
    out
}

fn at<'a>(v: &'a Value, steps: &[Step]) -> &'a Value {
    steps.iter().fold(v, |v, s| match s {
        Step::Key(k) => &v[k.as_str()],
        Step::Index(i) => &v[*i],
    })
}

fn at_mut<'a>(v: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    steps.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// The places of `field` in `v` that can take hostile text: a string (or null) for a text
/// field, an object for a map's keys.
fn instances(v: &Value, field: &Field) -> Vec<Vec<Step>> {
    locate(v, &field.segs)
        .into_iter()
        .filter(|steps| {
            matches!(
                (field.leaf, at(v, steps)),
                (Leaf::Text { .. }, Value::String(_) | Value::Null)
                    | (Leaf::Keys, Value::Object(_))
            )
        })
        .collect()
}

/// What any base has at the schema path `segs` (its first place), to graft where a base has not.
fn donor(bases: &[Base], segs: &[Seg]) -> Option<Value> {
    bases.iter().find_map(|b| {
        locate(&b.value, segs)
            .first()
            .map(|steps| at(&b.value, steps).clone())
    })
}

/// `base` with `field` created: a missing parent grafted from another base that has one (so its
/// required siblings come along) when `graft`, else new and empty; an array with no item anywhere
/// in the corpus cannot be made (`None`). A new text leaf holds what the corpus has under a key
/// of the same name elsewhere (a valid value to put hostile text around), or nothing.
fn create(base: &Value, field: &Field, bases: &[Base], graft: bool) -> Option<(Value, Vec<Step>)> {
    let mut spec = base.clone();
    let mut steps = Vec::new();
    let mut node = &mut spec;
    let segs = &field.segs;
    for (i, seg) in segs.iter().enumerate() {
        let here = &segs[..=i];
        let empty = || match segs.get(i + 1) {
            Some(Seg::Item) => json!([]),
            Some(_) => json!({}),
            None if field.leaf == Leaf::Keys => json!({}),
            None => json!(""),
        };
        match seg {
            Seg::Key(k) => {
                if !node.is_object() {
                    *node = donor(bases, &segs[..i])
                        .filter(|v| graft && v.is_object())
                        .unwrap_or_else(|| json!({}));
                }
                let last = i + 1 == segs.len();
                let map = node.as_object_mut()?;
                if !map.contains_key(k) {
                    let grafted = if graft { donor(bases, here) } else { None };
                    let value = match (grafted, last, field.leaf) {
                        (Some(v), _, _) => v,
                        (None, true, Leaf::Text { .. }) => {
                            same_key_value(bases, k).map_or_else(empty, Value::String)
                        }
                        (None, _, _) => empty(),
                    };
                    map.insert(k.clone(), value);
                }
                steps.push(Step::Key(k.clone()));
                node = map.get_mut(k)?;
            }
            Seg::Item => {
                if node.as_array().is_none_or(Vec::is_empty) {
                    *node = json!([donor(bases, here)?]);
                }
                steps.push(Step::Index(0));
                node = node.get_mut(0)?;
            }
            Seg::Entry => {
                if !node.is_object() {
                    *node = json!({});
                }
                let map = node.as_object_mut()?;
                if map.is_empty() {
                    map.insert(
                        "probe".into(),
                        donor(bases, here).unwrap_or_else(|| json!("probe")),
                    );
                }
                let key = map.keys().next()?.clone();
                steps.push(Step::Key(key.clone()));
                node = map.get_mut(&key)?;
            }
        }
    }
    if matches!(field.leaf, Leaf::Text { .. }) && !node.is_string() {
        *node = json!("");
    }
    Some((spec, steps))
}

/// The first string any base has under a key named `key`, anywhere.
fn same_key_value(bases: &[Base], key: &str) -> Option<String> {
    fn find(v: &Value, key: &str) -> Option<String> {
        match v {
            Value::Object(m) => m.iter().find_map(|(k, v)| match v {
                Value::String(s) if k == key => Some(s.clone()),
                other => find(other, key),
            }),
            Value::Array(items) => items.iter().find_map(|v| find(v, key)),
            _ => None,
        }
    }
    bases.iter().find_map(|b| find(&b.value, key))
}

// ---------------------------------------------------------------------------------------------
// Hostile text

const FILE: &str = "${file(\"/etc/passwd\")}";
const DIRECTIVE: &str = "%{ if true }x%{ endif }";

/// Values for a text field that held `original`: code alone, and code around what was valid.
fn text_variants(original: &str) -> Vec<String> {
    let mut out = vec![
        FILE.to_string(),
        DIRECTIVE.to_string(),
        format!("{original}${{x}}"),
        format!("%{{{original}"),
        // Already escaped: must stay these characters, not turn into a template.
        format!("$${{x}}{original}"),
        // A reference the output declares: only the read-back check can tell it was escaped.
        format!("{original}${{aws_s3_bucket.trail.id}}"),
        // CloudFormation's dynamic reference, code in any property and with no escape.
        format!("{original}{{{{resolve:ssm:/x}}}}"),
    ];
    out.dedup();
    out
}

/// Keys for a free-text map: new ones, and the first existing key `first` renamed (`true`).
fn key_variants(first: Option<&str>) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = ["${x}", DIRECTIVE, "a$${x}", "{{resolve:ssm:/k}}"]
        .iter()
        .map(|k| (k.to_string(), false))
        .collect();
    if let Some(k) = first {
        out.push((format!("{k}{FILE}"), true));
    }
    out
}

struct Job {
    field: usize,
    base: usize,
    created: bool,
    hostile: String,
    text: String,
}

/// Specs with hostile text in `field`, from at most `per_field` bases (spread over the list).
fn jobs_for(fi: usize, field: &Field, bases: &[Base], per_field: usize) -> (Vec<Job>, bool) {
    let having: Vec<usize> = (0..bases.len())
        .filter(|&b| !instances(&bases[b].value, field).is_empty())
        .collect();
    let (candidates, created) = if having.is_empty() {
        ((0..bases.len()).collect::<Vec<_>>(), true)
    } else {
        (having, false)
    };
    let chosen: Vec<usize> = if candidates.len() <= per_field {
        candidates
    } else {
        (0..per_field)
            .map(|i| candidates[i * candidates.len() / per_field])
            .collect()
    };
    let mut starts = Vec::new();
    for b in chosen {
        if created {
            // Both ways of making the parents: grafted ones may hold settings that conflict.
            for graft in [true, false] {
                if let Some((spec, steps)) = create(&bases[b].value, field, bases, graft) {
                    if !starts
                        .iter()
                        .any(|(_, s, _): &(usize, Value, _)| *s == spec)
                    {
                        starts.push((b, spec, steps));
                    }
                }
            }
        } else {
            let steps = instances(&bases[b].value, field).remove(0);
            starts.push((b, bases[b].value.clone(), steps));
        }
    }
    let mut jobs = Vec::new();
    for (b, spec, steps) in starts {
        let mut push = |spec: Value, hostile: String| {
            jobs.push(Job {
                field: fi,
                base: b,
                created,
                hostile,
                text: serde_json::to_string_pretty(&spec).expect("JSON"),
            })
        };
        match field.leaf {
            Leaf::Text { .. } => {
                let original = at(&spec, &steps).as_str().unwrap_or_default().to_string();
                for hostile in text_variants(&original) {
                    let mut s = spec.clone();
                    *at_mut(&mut s, &steps) = Value::String(hostile.clone());
                    push(s, hostile);
                }
            }
            Leaf::Keys => {
                let map = at(&spec, &steps).as_object().cloned().unwrap_or_default();
                let first = map.iter().next().map(|(k, v)| (k.clone(), v.clone()));
                let value = first
                    .as_ref()
                    .map(|(_, v)| v.clone())
                    .or_else(|| {
                        let mut segs = field.segs.clone();
                        segs.push(Seg::Entry);
                        donor(bases, &segs)
                    })
                    .unwrap_or_else(|| json!("probe"));
                for (hostile, rename) in key_variants(first.as_ref().map(|(k, _)| k.as_str())) {
                    let mut s = spec.clone();
                    let target = at_mut(&mut s, &steps);
                    let renamed: Map<String, Value> = if rename {
                        map.iter()
                            .enumerate()
                            .map(|(i, (key, v))| {
                                (
                                    if i == 0 { hostile.clone() } else { key.clone() },
                                    v.clone(),
                                )
                            })
                            .collect()
                    } else {
                        let mut m = map.clone();
                        m.insert(hostile.clone(), value.clone());
                        m
                    };
                    *target = Value::Object(renamed);
                    push(s, hostile);
                }
            }
        }
    }
    let no_base = jobs.is_empty();
    (jobs, no_base)
}

// ---------------------------------------------------------------------------------------------
// Judging the outputs

#[derive(Default)]
struct Judged {
    produced: bool,
    problems: Vec<String>,
    references: usize,
    /// Some string reads back (as the target reads it) as containing the hostile text.
    read_back: bool,
    /// Terraform: the escaped spelling of the hostile text is in the output as written.
    escaped_present: bool,
    /// Error codes when the target refused the spec.
    refused_by: Vec<&'static str>,
}

fn judge(text: &str, hostile: &str, target: Target, catalog: &Catalog) -> Judged {
    let (output, diagnostics) = compile_with(text, target, catalog);
    let Some(output) = output else {
        let mut codes: Vec<&'static str> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code.as_str())
            .collect();
        codes.sort();
        codes.dedup();
        return Judged {
            refused_by: codes,
            ..Judged::default()
        };
    };
    // Each part of an organization layout is judged; the spec passes only if all of them do.
    let escaped = terraform_escaped(hostile);
    let mut judged = Judged {
        produced: true,
        ..Judged::default()
    };
    for out in &output {
        let parsed: Value = serde_json::from_str(&out.text).expect("outputs are JSON");
        let (scan, meanings) = match target {
            Target::Terraform => (terraform_scan(&parsed), terraform_meanings(&parsed)),
            Target::CloudFormation => (
                cloudformation_scan(&parsed),
                cloudformation_meanings(&parsed),
            ),
        };
        judged.problems.extend(scan.problems);
        judged.references += scan.references;
        judged.read_back |= meanings.iter().any(|(_, m)| m.contains(hostile));
        judged.escaped_present |= target == Target::Terraform
            && strings(&parsed).iter().any(|(_, s)| s.contains(&escaped));
    }
    judged
}

/// Fields whose text is not meant to reach any output, each with the reason (read in the code
/// and the README, not observed): hostile text there must still never become code, but it is
/// not looked for.
const NOT_IN_OUTPUT: [(&str, &str); 6] = [
    (
        "parameters.*.description",
        "a parameter is declared only in an output whose names use it (`${name}`), and the \
         field is created here on a parameter nothing uses; `tests/cli.rs` cases and the goldens \
         show a used one's description, written through the same `text` as every description",
    ),
    ("$schema", "ignored by trailsmith: for editors only"),
    (
        "allow_new_values.<key>",
        "a value compared with the spec's regions and resource types; only the field it matches \
         reaches an output, and that field is walked on its own",
    ),
    (
        "allow_new_values.*",
        "a reason for a reviewer, shown in diagnostics only",
    ),
    (
        "silence.*",
        "a reason for a reviewer, shown in diagnostics only",
    ),
    (
        "with.*",
        "a blueprint parameter: it reaches the output only through the blueprint field it fills, \
         which may transform it (a list split at commas, an integer)",
    ),
];

#[derive(Default)]
struct FieldTally {
    bases: BTreeSet<usize>,
    created: bool,
    specs: usize,
    terraform: usize,
    cloudformation: usize,
    refused: BTreeMap<&'static str, usize>,
}

#[test]
fn every_free_text_field_stays_text() {
    let started = std::time::Instant::now();
    let catalog = Catalog::shipped();
    let fields = schema_fields();
    let bases = bases(&catalog);
    assert!(
        bases.len() >= 25,
        "too few valid base specs: {}",
        bases.len()
    );

    // The bases themselves: clean, and the scan sees the references they hold.
    let mut base_refs = [0usize; 2];
    for b in &bases {
        let text = serde_json::to_string(&b.value).expect("JSON");
        for (i, target) in [Target::Terraform, Target::CloudFormation]
            .into_iter()
            .enumerate()
        {
            let j = judge(&text, "", target, &catalog);
            assert!(j.problems.is_empty(), "{}: {:#?}", b.name, j.problems);
            base_refs[i] += j.references;
        }
    }

    let mut jobs = Vec::new();
    let mut no_base = Vec::new();
    for (fi, field) in fields.iter().enumerate() {
        let (more, none) = jobs_for(fi, field, &bases, 3);
        if none {
            no_base.push(field.name());
        }
        jobs.extend(more);
    }

    // Both targets for every job, on every core; results in job order.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let results: Vec<(Judged, Judged)> = {
        let mut slots: Vec<Option<(Judged, Judged)>> = (0..jobs.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let (jobs, catalog) = (&jobs, &catalog);
                    scope.spawn(move || {
                        (w..jobs.len())
                            .step_by(workers)
                            .map(|i| {
                                let j = &jobs[i];
                                let tf = judge(&j.text, &j.hostile, Target::Terraform, catalog);
                                let cfn =
                                    judge(&j.text, &j.hostile, Target::CloudFormation, catalog);
                                (i, (tf, cfn))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (i, r) in h.join().expect("worker") {
                    slots[i] = Some(r);
                }
            }
        });
        slots
            .into_iter()
            .map(|s| s.expect("every job ran"))
            .collect()
    };

    let mut tallies: BTreeMap<usize, FieldTally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut failing_fields = BTreeSet::new();
    let mut refs = [0usize; 2];
    let (mut terraform_hostile, mut cloudformation_hostile) = (0, 0);
    for (job, (tf, cfn)) in jobs.iter().zip(&results) {
        let field = &fields[job.field];
        let name = field.name();
        let t = tallies.entry(job.field).or_default();
        t.bases.insert(job.base);
        t.created |= job.created;
        t.specs += 1;
        let looked_for = !NOT_IN_OUTPUT.iter().any(|(f, _)| *f == name);
        let case = format!(
            "{name} = {:?} in {}{}",
            job.hostile,
            bases[job.base].name,
            if job.created { " (field created)" } else { "" }
        );
        let failed_before = failures.len();
        for (target, j) in [("terraform", tf), ("cloudformation", cfn)] {
            if !j.produced {
                for code in &j.refused_by {
                    *t.refused.entry(code).or_default() += 1;
                }
                continue;
            }
            for p in &j.problems {
                failures.push(format!("{target}: {case}: {p}"));
            }
            if looked_for && !j.read_back {
                failures.push(format!(
                    "{target}: {case}: no string of the output reads back as the text"
                ));
            }
            if looked_for && target == "terraform" && !j.escaped_present {
                failures.push(format!(
                    "{target}: {case}: the escaped spelling {:?} is not in the output",
                    terraform_escaped(&job.hostile)
                ));
            }
        }
        if failures.len() > failed_before {
            failing_fields.insert(name.clone());
        }
        if tf.produced {
            t.terraform += 1;
            terraform_hostile += 1;
            refs[0] += tf.references;
        }
        if cfn.produced {
            t.cloudformation += 1;
            cloudformation_hostile += 1;
            refs[1] += cfn.references;
        }
    }

    eprintln!("field | bases | specs | terraform outputs | cloudformation outputs | refused by");
    let mut accepting = Vec::new();
    for (fi, field) in fields.iter().enumerate() {
        let name = field.name();
        let Some(t) = tallies.get(&fi) else {
            eprintln!("{name} | no base | 0 | - | - | -");
            continue;
        };
        let refused: Vec<String> = t.refused.iter().map(|(c, n)| format!("{c} {n}")).collect();
        eprintln!(
            "{name}{} | {}{} | {} | {} | {} | {}",
            if field.leaf == (Leaf::Text { closed: true }) {
                " (enum)"
            } else {
                ""
            },
            t.bases.len(),
            if t.created { " created" } else { "" },
            t.specs,
            t.terraform,
            t.cloudformation,
            refused.join(", ")
        );
        if t.terraform + t.cloudformation > 0 {
            accepting.push(name);
        }
    }
    let specs = jobs.len();
    eprintln!(
        "injection: {} fields walked ({} text, {} enum, {} maps), {} without a base{}; {} base \
         specs ({} + {} references in their terraform + cloudformation outputs); {specs} specs \
         with hostile text: {terraform_hostile} terraform and {cloudformation_hostile} \
         cloudformation outputs, \
         {} + {} refused; {} + {} references seen in those outputs; {} fields let hostile text \
         through to an output: {}; {:.1} s",
        fields.len(),
        fields
            .iter()
            .filter(|f| f.leaf == Leaf::Text { closed: false })
            .count(),
        fields
            .iter()
            .filter(|f| f.leaf == Leaf::Text { closed: true })
            .count(),
        fields.iter().filter(|f| f.leaf == Leaf::Keys).count(),
        no_base.len(),
        if no_base.is_empty() {
            String::new()
        } else {
            format!(" ({})", no_base.join(", "))
        },
        bases.len(),
        base_refs[0],
        base_refs[1],
        specs - terraform_hostile,
        specs - cloudformation_hostile,
        refs[0],
        refs[1],
        accepting.len(),
        accepting.join(", "),
        started.elapsed().as_secs_f64()
    );

    assert!(
        failures.is_empty(),
        "{} failures, in the fields {failing_fields:?} (first 40):\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Floors, close to what this walk sees today, so a walker or a corpus that shrinks fails.
    assert!(
        fields.len() >= FIELDS_FLOOR,
        "only {} fields walked",
        fields.len()
    );
    assert!(no_base.is_empty(), "fields without a base: {no_base:?}");
    assert!(specs >= SPECS_FLOOR, "only {specs} specs with hostile text");
    assert!(
        accepting.len() >= ACCEPTING_FIELDS_FLOOR,
        "only {} fields reach an output with hostile text",
        accepting.len()
    );
    assert!(
        terraform_hostile >= TERRAFORM_FLOOR && cloudformation_hostile >= CLOUDFORMATION_FLOOR,
        "too few hostile specs reach the emitters: {terraform_hostile} terraform, \
         {cloudformation_hostile} cloudformation"
    );
    assert!(refs[0] > 0 && refs[1] > 0 && base_refs[0] > 0 && base_refs[1] > 0);
}

/// What the walk sees today (62 fields, none without a base; 706 specs; 116 outputs per target,
/// from 20 fields that let such text through, since the names inside ARNs are checked): a walker,
/// corpus or generator that shrinks fails.
/// When validation refuses template text in more fields on purpose, lower the floors with it.
const FIELDS_FLOOR: usize = 62;
const SPECS_FLOOR: usize = 700;
const TERRAFORM_FLOOR: usize = 110;
const CLOUDFORMATION_FLOOR: usize = 110;
const ACCEPTING_FIELDS_FLOOR: usize = 19;

// ---------------------------------------------------------------------------------------------
// Terraform itself

/// The escaped strings of the Terraform output of `tests/cases/template-text.yaml`, copied into
/// `locals` next to it (each reference replaced by `<ref>`: deploy-time values are unknown to
/// `console`), evaluated by `terraform console`: each must read as what `terraform_pieces` says,
/// and every piece of template code in the spec must be read back, as text, in one of them. The
/// configuration itself must pass `terraform validate` with the hashicorp/aws provider.
#[test]
fn terraform_reads_template_text_back_as_written() {
    const SKIP: &str = "TRAILSMITH_NO_TERRAFORM";
    if std::env::var_os(SKIP).is_some_and(|v| v == "1") {
        eprintln!(
            "SKIPPED: {SKIP}=1, so terraform was NOT asked whether the escaped text of \
             tests/cases/template-text.yaml reads back as written"
        );
        return;
    }
    let terraform = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("terraform"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "terraform is not on PATH: this test needs it; set {SKIP}=1 to skip it knowingly"
            )
        });
    let mirror = std::env::var("TF_PLUGIN_MIRROR").unwrap_or_else(|_| "/opt/tf-plugins".into());
    assert!(
        Path::new(&mirror)
            .join("registry.terraform.io/hashicorp/aws")
            .is_dir(),
        "no hashicorp/aws provider in the mirror {mirror} (TF_PLUGIN_MIRROR): this test needs \
         it; set {SKIP}=1 to skip it knowingly"
    );

    let spec_text =
        std::fs::read_to_string("tests/cases/template-text.yaml").expect("the case file");
    let (output, diagnostics) = trailsmith::compile(&spec_text, Target::Terraform);
    let output = match output.as_deref() {
        Some([one]) => one.text.clone(),
        _ => panic!("template-text does not compile to one output: {diagnostics:#?}"),
    };
    let config: Value = serde_json::from_str(&output).expect("JSON");
    let spec = trailsmith::source::parse(&spec_text).expect("YAML").value;
    // A silence reason is shown in diagnostics only (NOT_IN_OUTPUT).
    let mut hostile: Vec<&str> = strings(&spec)
        .into_iter()
        .filter(|(at, s)| !at.starts_with("/silence/") && (s.contains("${") || s.contains("%{")))
        .map(|(_, s)| s)
        .collect();
    hostile.sort();
    hostile.dedup();
    assert!(
        hostile.len() >= 15,
        "the case lost its template text: {hostile:?}"
    );
    // Each must be read back for itself, not inside a longer one.
    for h in &hostile {
        let within: Vec<&&str> = hostile
            .iter()
            .filter(|o| o != &h && o.contains(h))
            .collect();
        assert!(
            within.is_empty(),
            "{h:?} is part of {within:?}: make it distinct"
        );
    }

    // (where, as written, what our reading of it says)
    let mut probes: Vec<(String, String, String)> = Vec::new();
    for (at, s) in strings(&config) {
        if !(s.contains("$${") || s.contains("%%{")) {
            continue;
        }
        let written = terraform_without_references(s, "<ref>")
            .unwrap_or_else(|e| panic!("{at}: {e} in {s:?}"));
        let ours: String = terraform_pieces(s)
            .unwrap_or_else(|e| panic!("{at}: {e} in {s:?}"))
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Ref(_) => "<ref>".into(),
            })
            .collect();
        probes.push((at, written, ours));
    }
    assert!(probes.len() >= 15, "too few escaped strings: {probes:#?}");

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.tf.json"), &output).expect("write config");
    let locals: Map<String, Value> = probes
        .iter()
        .enumerate()
        .map(|(i, (_, written, _))| (format!("probe_{i}"), Value::String(written.clone())))
        .collect();
    std::fs::write(
        dir.path().join("probe.tf.json"),
        serde_json::to_string_pretty(&json!({ "locals": locals })).expect("JSON"),
    )
    .expect("write probe");
    let run = |args: &[&str], stdin: Option<&str>| -> (bool, String) {
        use std::io::Write;
        let mut child = Command::new(&terraform)
            .args(args)
            .current_dir(dir.path())
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("terraform starts");
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(stdin.unwrap_or_default().as_bytes())
            .expect("write stdin");
        drop(pipe);
        let out = child.wait_with_output().expect("terraform ends");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let plugin_dir = format!("-plugin-dir={mirror}");
    let (ok, text) = run(
        &[
            "init",
            "-input=false",
            "-backend=false",
            &plugin_dir,
            "-no-color",
        ],
        None,
    );
    assert!(ok, "terraform init failed:\n{text}");
    let (_, text) = run(&["validate", "-json", "-no-color"], None);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("terraform validate -json: {e}:\n{text}"));
    assert!(
        report["valid"] == true && report["diagnostics"].as_array().is_some_and(Vec::is_empty),
        "terraform validate (warnings count too): {report:#}"
    );

    // base64 of JSON: nothing in console's printing of a string can blur the characters.
    let names: Vec<String> = (0..probes.len())
        .map(|i| format!("local.probe_{i}"))
        .collect();
    let expression = format!("base64encode(jsonencode([{}]))\n", names.join(", "));
    let (ok, text) = run(&["console", "-no-color"], Some(&expression));
    assert!(ok, "terraform console failed:\n{text}");
    let encoded = text
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix('"').and_then(|l| l.strip_suffix('"')))
        .unwrap_or_else(|| panic!("no string in terraform console's answer:\n{text}"));
    let values: Vec<String> =
        serde_json::from_slice(&base64_decode(encoded)).expect("console's answer is a JSON list");
    assert_eq!(values.len(), probes.len());

    let mut mismatches = Vec::new();
    for ((at, written, ours), value) in probes.iter().zip(&values) {
        eprintln!("{at}\n    written  {written}\n    terraform reads {value}");
        if ours != value {
            mismatches.push(format!(
                "{at}: written {written:?}: ours {ours:?}, terraform's {value:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "terraform reads strings otherwise than interpolation.rs: {mismatches:#?}"
    );
    let missing: Vec<&&str> = hostile
        .iter()
        .filter(|h| !values.iter().any(|v| v.contains(**h)))
        .collect();
    assert!(
        missing.is_empty(),
        "terraform reads no string of the output as this template text of the spec: {missing:#?}"
    );
    eprintln!(
        "terraform {}: init, validate (valid, no diagnostics) and console on the output of \
         tests/cases/template-text.yaml: {} escaped strings read back as interpolation.rs reads \
         them, and all {} pieces of template code in the spec read back as text",
        terraform.display(),
        probes.len(),
        hostile.len()
    );
}

/// Standard base64 (RFC 4648, with padding), as `base64encode` writes it.
fn base64_decode(text: &str) -> Vec<u8> {
    let digit = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.trim_end_matches('=').as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | (digit(*c) << (18 - 6 * i)));
        let [_, b0, b1, b2] = n.to_be_bytes();
        let bytes = [b0, b1, b2];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The checkers, on hand-written inputs

mod checkers {
    use super::interpolation::*;
    use serde_json::{json, Value};

    /// A configuration declaring `aws_s3_bucket.trail` and `data.aws_partition.current`, with
    /// `value` as a tag value and `key` as a tag key.
    fn config(value: &str, key: &str) -> Value {
        json!({
            "data": {"aws_partition": {"current": {}}},
            "resource": {"aws_s3_bucket": {"trail": {"bucket": value, "tags": {key: "v"}}}}
        })
    }

    fn tf(value: &str) -> Scan {
        terraform_scan(&config(value, "k"))
    }

    #[test]
    fn terraform_code_is_flagged() {
        for bad in [
            "${file(\"/etc/passwd\")}",
            "%{ if true }x%{ endif }",
            "x %{",
            "${aws_s3_bucket.missing.id}",
            "${data.aws_region.current.name}",
            "${aws_s3_bucket.trail.id",
            "a ${",
            "${ aws_s3_bucket.trail.id }",
            "${aws_s3_bucket.trail.id + 1}",
            "${aws_s3_bucket.trail[0].id}",
            "${~aws_s3_bucket.trail.id}",
            "${aws_s3_bucket.trail}",
            "${var.x}",
            "${x}",
            "${}",
            "$${x}${x}",
            "%%{ ok }%{ if x }",
            // `%%%{ a }` is a `%` and then the escape `%%{` (text); the `%{ b }` after it is a
            // directive.
            "%%%{ a }%{ b }",
        ] {
            let scan = tf(bad);
            assert_eq!(scan.problems.len(), 1, "{bad}: {:?}", scan.problems);
            assert!(
                scan.problems[0].starts_with("/resource/aws_s3_bucket/trail/bucket: "),
                "{}",
                scan.problems[0]
            );
        }
    }

    #[test]
    fn terraform_problems_name_the_first_sequence() {
        let scan = tf("${file(\"/etc/passwd\")} and %{ if true }x%{ endif }");
        assert!(
            scan.problems[0].contains("`${file(\"/etc/passwd\")}` is not a plain reference"),
            "{:?}",
            scan.problems
        );
        let scan = tf("%{ if true }${file(\"a\")}");
        assert!(
            scan.problems[0].contains("a `%{` directive"),
            "{:?}",
            scan.problems
        );
    }

    #[test]
    fn terraform_text_and_declared_references_pass() {
        for (good, references) in [
            ("plain", 0),
            ("", 0),
            ("100% $5 {a} $ % }", 0),
            ("$${x}", 0),
            ("$${file(\"/etc/passwd\")}", 0),
            ("%%{ if true }x%%{ endif }", 0),
            // `$$${` is a `$` and then the escape: the text `$${aws_s3_bucket.trail.id}`.
            ("$$${aws_s3_bucket.trail.id}", 0),
            ("$$$${aws_s3_bucket.trail.id}", 0),
            ("${aws_s3_bucket.trail.id}", 1),
            (
                "arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.trail.id}/*",
                2,
            ),
            // An escape, then a real reference.
            ("$${x}${aws_s3_bucket.trail.arn}", 1),
            ("$ ${aws_s3_bucket.trail.id}", 1),
        ] {
            let scan = tf(good);
            assert!(scan.problems.is_empty(), "{good}: {:?}", scan.problems);
            assert_eq!(scan.references, references, "{good}");
        }
    }

    #[test]
    fn terraform_keys_are_templates_too() {
        let scan = terraform_scan(&config("x", "team${file(\"/etc/passwd\")}"));
        assert_eq!(scan.problems.len(), 1, "{:?}", scan.problems);
        assert!(
            scan.problems[0].starts_with(
                "/resource/aws_s3_bucket/trail/tags/team${file(\"~1etc~1passwd\")} (key): "
            ),
            "{}",
            scan.problems[0]
        );
        assert!(terraform_problems(&config("x", "team$${x}")).is_empty());
    }

    #[test]
    fn terraform_pieces_undo_escapes() {
        assert_eq!(
            terraform_pieces("a$${b}%%{c}$$${d}${x.y.z}e$").expect("valid"),
            vec![
                Piece::Text("a${b}%{c}$${d}".into()),
                Piece::Ref("x.y.z".into()),
                Piece::Text("e$".into())
            ]
        );
    }

    #[test]
    fn terraform_escaped_text_reads_back_as_itself() {
        for text in [
            "${file(\"/etc/passwd\")}",
            "%{ if true }x%{ endif }",
            "$${x} %%{y} $$${z} %%%{w}",
            "$%{a}%${b}$",
            "",
        ] {
            let written = terraform_escaped(text);
            assert_eq!(
                terraform_pieces(&written).expect("escaped text is valid"),
                if text.is_empty() {
                    vec![]
                } else {
                    vec![Piece::Text(text.into())]
                },
                "{text} written as {written}"
            );
        }
        assert_eq!(terraform_escaped("a${b}%{c}"), "a$${b}%%{c}");
    }

    fn template(sub: Value) -> Value {
        json!({
            "Parameters": {"Stage": {"Type": "String"}},
            "Resources": {
                "TrailBucket": {"Type": "AWS::S3::Bucket", "Properties": {
                    "BucketName": "${file(\"/etc/passwd\")} is data here",
                    "Tags": [{"Key": "k", "Value": {"Fn::Sub": sub}}]
                }}
            }
        })
    }

    #[test]
    fn sub_placeholders_that_resolve_nowhere_are_flagged() {
        for bad in [
            json!("${file(\"/etc/passwd\")}"),
            json!("${Missing}"),
            json!("${Missing.Arn}"),
            json!("${Stage.Arn}"),
            json!("${AWS::Nothing}"),
            json!("arn:${AWS::Partition}:s3:::${TrailBucket"),
            json!("${x}"),
            json!(["${y}", {"x": "1"}]),
            json!("${ TrailBucket }"),
        ] {
            let scan = cloudformation_scan(&template(bad.clone()));
            assert_eq!(scan.problems.len(), 1, "{bad}: {:?}", scan.problems);
            assert!(
                scan.problems[0]
                    .starts_with("/Resources/TrailBucket/Properties/Tags/0/Value/Fn::Sub"),
                "{}",
                scan.problems[0]
            );
        }
    }

    #[test]
    fn the_own_topic_call_is_the_one_call_accepted() {
        let own = "${trimprefix(\"arn:aws:sns:eu-west-1:111122223333:d\", \"arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:\")}";
        let config = |s: &str| {
            json!({
                "data": {"aws_partition": {"current": {}}, "aws_region": {"current": {}}, "aws_caller_identity": {"current": {}}},
                "resource": {"aws_cloudtrail": {"trail": {"sns_topic_name": s}}}
            })
        };
        assert!(terraform_scan(&config(own)).problems.is_empty());
        for bad in [
            own.replace("trimprefix", "file"),
            own.replace(r#":d""#, r#":d") + file("/etc/passwd""#),
            own.replace("data.aws_region.current.name", "var.region"),
            "${trimprefix(\"a\", \"b\")}".to_string(),
        ] {
            assert!(!terraform_scan(&config(&bad)).problems.is_empty(), "{bad}");
        }
        // Without the data sources it refers to, it is refused too.
        let mut missing = config(own);
        missing["data"] = json!({});
        assert!(!terraform_scan(&missing).problems.is_empty());
    }

    #[test]
    fn dynamic_references_are_flagged_in_or_out_of_sub() {
        for bad in [
            json!("{{resolve:ssm:/team/secret}}"),
            json!("https://h.example.com/?k={{resolve:secretsmanager:db}}"),
            json!({"Fn::Sub": "${TrailBucket}{{resolve:ssm:/x}}"}),
        ] {
            let scan = cloudformation_scan(&template(bad.clone()));
            assert_eq!(scan.problems.len(), 1, "{bad}: {:?}", scan.problems);
            assert!(
                scan.problems[0].contains("dynamic reference"),
                "{:?}",
                scan.problems
            );
        }
        assert!(
            cloudformation_scan(&template(json!("{{ resolve }} {resolve:x}")))
                .problems
                .is_empty()
        );
    }

    #[test]
    fn sub_literals_and_resolvable_placeholders_pass() {
        for (good, references) in [
            (json!("plain"), 0),
            (json!("${!file(\"/etc/passwd\")}"), 0),
            (json!("${!x} %{ if true } $x {y}"), 0),
            (json!("${TrailBucket}"), 1),
            (json!("${TrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*"), 2),
            (json!("${Stage}-${AWS::Region}-${AWS::URLSuffix}"), 3),
            (
                json!(["${x}-${AWS::StackName}", {"x": {"Ref": "Stage"}}]),
                2,
            ),
        ] {
            let scan = cloudformation_scan(&template(good.clone()));
            assert!(scan.problems.is_empty(), "{good}: {:?}", scan.problems);
            assert_eq!(scan.references, references, "{good}");
        }
    }

    #[test]
    fn sub_meanings_undo_the_escape() {
        let t = template(json!("${TrailBucket}/${!x}"));
        let meanings = cloudformation_meanings(&t);
        assert!(meanings
            .iter()
            .any(|(at, m)| at.ends_with("/Fn::Sub") && m == "\u{0}/${x}"));
        assert!(meanings
            .iter()
            .any(|(_, m)| m == "${file(\"/etc/passwd\")} is data here"));
    }
}

/// An EventBridge pattern is user text too, whether written as JSON text or as a mapping: the
/// schema walk above gives the text form hostile text that is not JSON (refused, `event-pattern-
/// json`), so here the hostile text sits inside a valid pattern, where it reaches both outputs.
#[test]
fn event_patterns_stay_text() {
    let catalog = Catalog::shipped();
    // Without `"` or `\`, which the pattern's JSON escapes, so the text is found as written.
    for hostile in ["${path.module}", DIRECTIVE, "${aws_sns_topic.alerts.arn}"] {
        let quoted = serde_json::to_string(hostile).expect("JSON string");
        let as_text = serde_json::to_string(&format!(
            r#"{{"detail-type": ["AWS API Call via CloudTrail"], "detail": {{"eventName": [{quoted}]}}}}"#
        ))
        .expect("JSON string");
        let spec = format!(
            "version: 1\ntrail: {{name: patterns}}\nalarms:\n  notify: {{email: [a@example.com]}}\n  events:\n    - name: as-text\n      pattern: {as_text}\n    - name: as-mapping\n      pattern: {{detail-type: [AWS API Call via CloudTrail], detail: {{userName: [{quoted}]}}}}\n"
        );
        for target in [Target::Terraform, Target::CloudFormation] {
            let j = judge(&spec, hostile, target, &catalog);
            assert!(j.produced, "{hostile}: refused by {:?}", j.refused_by);
            assert!(j.problems.is_empty(), "{hostile}: {:#?}", j.problems);
            assert!(j.read_back, "{hostile} not read back in {target:?}");
            if target == Target::Terraform {
                assert!(
                    j.escaped_present,
                    "{hostile}: no escaped spelling in Terraform"
                );
            }
        }
    }
}
