//! Text to a checked spec: syntax, then shape (JSON Schema), then AWS rules and AWS's lists of
//! regions and resource types (`known`), all findings located.
//!
//! Owns the order of the checks and mapping each finding's JSON path to a line and column (of the
//! spec, or of the blueprint its `extends` names when the value came from there: `extends`). It
//! stops after a stage that found errors, because later stages need what it guarantees. The
//! selectors are planned here, once: rules on what the trail records read that plan, and it is
//! handed on with the spec for lowering. It must not print or read files.

pub mod alarms;
pub mod athena;
pub mod deploy_time;
pub mod dynamic;
pub mod event_rules;
pub mod events;
pub mod extends;
pub mod hardening;
pub mod insights;
pub mod known;
pub mod lake;
pub mod layout;
pub mod names;
pub mod notify;
pub mod practices;
pub mod rules;
pub mod schema;
pub mod silence;
pub(crate) mod suggest;
pub mod trail_bucket;

use crate::blueprint::Catalog;
use crate::diag::{has_errors, Code, Diagnostic};
use crate::selectors::Selectors;
use crate::source::{self, Document, Pos};
use crate::spec::{ProviderLine, Spec};

/// The result of checking one spec text.
#[derive(Debug)]
pub struct Checked {
    /// The spec, when it has no errors.
    pub spec: Option<Spec>,
    /// Its planned selectors, exactly when `spec` is there: lowering takes them as they are.
    pub selectors: Option<Selectors>,
    /// Errors, warnings and notes, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks a spec text; `spec` is `Some` only when no error was found. `extends` may name the
/// shipped blueprints.
pub fn check(text: &str) -> Checked {
    check_with(text, &Catalog::shipped())
}

/// A document the reader stopped on: `syntax` when it is not YAML, `limit-exceeded` when it is
/// but crosses one of the reader's bounds (a spec never needs to).
pub(crate) fn unreadable(e: &source::SyntaxError, not_yaml: &str) -> Diagnostic {
    if e.limit {
        Diagnostic::error(Code::LimitExceeded, "", e.message.clone())
            .hint("trailsmith bounds what it reads so that no input can exhaust time or memory; see Limits in the README")
    } else {
        Diagnostic::error(Code::Syntax, "", format!("{not_yaml}: {}", e.message))
    }
}

/// Checks a spec text whose `extends` may name any blueprint of `catalog`.
pub fn check_with(text: &str, catalog: &Catalog) -> Checked {
    check_for(text, catalog, None)
}

/// As `check_with`, for the hashicorp/aws line `provider` when it is given (`synth
/// --aws-provider`), instead of the spec's `terraform.aws_provider`: the fields the provider
/// refuses in an advanced selector depend on it.
pub fn check_for(text: &str, catalog: &Catalog, provider: Option<ProviderLine>) -> Checked {
    let doc = match source::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let mut d = unreadable(&e, "the file is not valid YAML or JSON");
            d.pos = Some(e.pos);
            return Checked {
                spec: None,
                selectors: None,
                diagnostics: vec![d],
            };
        }
    };
    let (value, base) = match extends::resolve(&doc, catalog) {
        extends::Resolved::Plain => (doc.value.clone(), None),
        extends::Resolved::Merged(value, base) => (value, Some(base)),
        extends::Resolved::Failed(found) => return finish(&doc, None, found, None),
    };
    let doc = &doc;
    let base = base.as_deref();
    // A merged spec has its blueprint's fields: checked without `extends`, the schema requires
    // them as of any spec (`extends` itself was checked when its blueprint was found).
    let shape = match (&value, base) {
        (serde_json::Value::Object(map), Some(_)) => {
            let mut plain = map.clone();
            plain.remove("extends");
            schema::check(&serde_json::Value::Object(plain))
        }
        _ => schema::check(&value),
    };
    if has_errors(&shape) {
        return finish(doc, base, shape, None);
    }
    // The rules judge names and ARNs with a sample in place of each deploy-time value; the spec
    // handed on keeps the references, which lowering turns into expressions.
    let sampled = deploy_time::check(&value);
    let judged = sampled.value.as_ref().unwrap_or(&value);
    let dynamic = dynamic::check(judged);
    let known = known::check(judged);
    let silenced = silence::entries(&value);
    // The schema is generated from the same types, so a failure here only happens on values the
    // schema cannot express (such as integers beyond u32).
    let typed = |value: serde_json::Value| serde_json::from_value::<Spec>(value);
    // Without a reference the spec is its own sample: read once.
    let read = typed(value).and_then(|spec| match sampled.value.clone() {
        None => Ok((spec.clone(), spec)),
        Some(v) => typed(v).map(|checked| (spec, checked)),
    });
    let (mut spec, mut checked) = match read {
        Ok(both) => both,
        Err(e) => {
            return finish(
                doc,
                base,
                vec![Diagnostic::error(Code::Schema, "", e.to_string())],
                None,
            )
        }
    };
    if let Some(line) = provider {
        spec.terraform.aws_provider = line;
        checked.terraform.aws_provider = line;
    }
    let mut found = rules::check(&checked);
    found.extend(sampled.findings.iter().cloned());
    found.extend(dynamic);
    found.extend(known);
    // The one plan of the selectors: what the trail records is judged on it, and the model lowers
    // it as it is. It is made even when an entry broke a rule, so that findings on what is
    // recorded come with the others; its own findings (limits across entries, which depend on
    // the selector form) only count on entries that passed.
    let bucket = crate::derived::trail_bucket_arn(&spec);
    let mut planned = crate::selectors::plan(&spec.events, &bucket);
    // hashicorp/aws 6.2 takes every field a trail's selectors can test (CHANGELOG 6.2.0, #43091).
    if spec.terraform.aws_provider == ProviderLine::V6 {
        planned
            .diagnostics
            .retain(|d| d.code != Code::TerraformUnsupportedField);
    }
    let recorded = planned.selectors.recorded();
    // A plan that failed (a form that cannot say what is asked) records nothing to judge.
    if !has_errors(&planned.diagnostics) {
        events::recorded(&spec.events, recorded, &mut found);
        event_rules::recorded(&checked, recorded, &mut found);
    }
    trail_bucket::check(&checked, &mut found);
    if !has_errors(&found) {
        found.extend(planned.diagnostics);
    }
    if !has_errors(&found) {
        found.extend(practices::check(&checked, recorded));
    }
    sampled.restore(&mut found);
    let complete = !has_errors(&found);
    silence::apply(&silenced, &mut found, complete, |code| {
        base.is_none_or(|b| b.side(&format!("/silence/{code}")) == extends::Side::Spec)
    });
    let valid = (!has_errors(&found)).then_some((spec, planned.selectors));
    finish(doc, base, found, valid)
}

/// The place of a finding inside a text value: in a block scalar (`pattern: |`) each line of the
/// text is a line of the file, indented as the first, so line L, column C of the text is L - 1
/// lines below where the value starts and C - 1 columns right of it. A one-line value may be
/// quoted, and a quoted one escaped, so the value's own start is kept there.
fn within(doc: &Document, path: &str, start: Pos, inside: Option<Pos>) -> Pos {
    let multi_line = doc
        .value
        .pointer(path)
        .and_then(serde_json::Value::as_str)
        .is_some_and(|text| text.trim_end().contains('\n'));
    match inside {
        Some(i) if multi_line && i.line >= 1 && i.column >= 1 => Pos {
            line: start.line + i.line - 1,
            column: start.column + i.column - 1,
        },
        _ => start,
    }
}

/// Locates each finding in the text its value came from: the spec, or the blueprint it extends
/// (a finding already located, such as a blueprint's own template error, is left as it is).
/// Findings in the spec come first, then those in the blueprint, each in source order.
fn finish(
    doc: &Document,
    base: Option<&extends::Base>,
    mut diagnostics: Vec<Diagnostic>,
    valid: Option<(Spec, Selectors)>,
) -> Checked {
    for d in diagnostics.iter_mut().filter(|d| d.pos.is_none()) {
        let pos_in = |from: &Document| {
            if d.at_key {
                from.key_pos(&d.path)
            } else {
                from.value_pos(&d.path)
            }
        };
        match base {
            // The blueprint line is where the value landed; the spec line is where it was
            // chosen: the `with` value that put it there, else `extends`, which brought it in.
            // The finding points at the spec (a file the user has; `blueprint:NAME` is not one)
            // and keeps the blueprint line as its origin.
            Some(base) if base.side(&d.path) == extends::Side::Base => {
                let landed = pos_in(&base.doc);
                let with = base
                    .with_source(&d.path, landed.line)
                    .filter(|_| !d.at_key)
                    .map(str::to_string);
                d.pos = Some(match &with {
                    Some(key) => doc.value_pos(&format!("/with/{}", source::escape_segment(key))),
                    None => doc.value_pos("/extends"),
                });
                d.origin = Some(crate::diag::Origin {
                    blueprint: base.name.clone(),
                    pos: landed,
                    with,
                    broken: false,
                });
            }
            _ => {
                d.whole_spec = !d.path.is_empty() && doc.nearest(&d.path).is_empty();
                d.pos = Some(within(doc, &d.path, pos_in(doc), d.inside));
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.file.clone(),
                d.pos.unwrap_or(Pos { line: 0, column: 0 }),
                d.severity,
            )
        };
        key(a).cmp(&key(b))
    });
    let (spec, selectors) = valid.unzip();
    Checked {
        spec,
        selectors,
        diagnostics,
    }
}

/// A spec text that must be valid, with its planned selectors, for tests of lowering.
#[cfg(test)]
pub(crate) fn valid(text: &str) -> (Spec, Selectors) {
    let checked = check(text);
    match (checked.spec, checked.selectors) {
        (Some(spec), Some(selectors)) => (spec, selectors),
        _ => panic!("{:?}", checked.diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Code, String, usize, usize)> {
        check(text)
            .diagnostics
            .into_iter()
            .map(|d| {
                let p = d.pos.unwrap_or(Pos { line: 0, column: 0 });
                (d.code, d.path, p.line, p.column)
            })
            .collect()
    }

    #[test]
    fn a_minimal_spec_passes_with_best_practice_warnings_only() {
        let checked = check("version: 1\ntrail:\n  name: audit\n");
        assert!(checked.spec.is_some());
        let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::NoAccessLogging, Code::NoAlarms, Code::NoTags]);
    }

    /// Raw advanced selectors count for what the trail records: the review's two cases (C4).
    #[test]
    fn rules_judge_what_the_planned_selectors_record() {
        let base = "version: 1\ntrail: {name: audit}\nbucket: {access_logging: {target_bucket: access-logs}}\nalarms: {cis: all, notify: {email: [a@example.com]}}\ntags: {team: x}\n";
        let raw = |management: &str, read_only: &str| {
            format!("{base}events:\n  management: {management}\n  insights: [api_call_rate]\n  advanced:\n    - field_selectors:\n        - {{field: eventCategory, equals: [Management]}}\n{read_only}")
        };
        let codes =
            |text: &str| -> Vec<Code> { check(text).diagnostics.iter().map(|d| d.code).collect() };
        // `management: none`, but the raw selector records reads and writes.
        assert_eq!(codes(&raw("none", "")), [Code::CostInsights]);
        // `read_only` plus raw writes record both halves: no partial-management warning.
        let writes = "        - {field: readOnly, equals: [\"false\"]}\n";
        assert_eq!(codes(&raw("read_only", writes)), [Code::CostInsights]);
        // Raw reads only, nothing else: the warnings still see what is missing.
        let reads = "        - {field: readOnly, equals: [\"true\"]}\n";
        assert_eq!(
            codes(&raw("none", reads)),
            [
                Code::PartialManagementEvents,
                Code::InsightsWithoutWriteEvents,
                Code::CostInsights
            ]
        );
    }

    #[test]
    fn a_spec_can_silence_a_warning_with_a_reason() {
        let text = "version: 1\ntrail: {name: audit}\nbucket: {access_logging: {target_bucket: access-logs}}\nalarms: {cis: all, notify: {email: [a@example.com]}}\nsilence:\n  no-tags: tagged by the account's tag policy\n";
        let checked = check(text);
        assert!(checked.spec.is_some());
        assert_eq!(checked.diagnostics.len(), 1);
        let d = &checked.diagnostics[0];
        assert_eq!(
            (d.code, d.silenced.as_deref()),
            (Code::NoTags, Some("tagged by the account's tag policy"))
        );
    }

    #[test]
    fn fixing_what_a_blueprint_silenced_is_not_an_unused_silence() {
        let loud = |text: &str| -> Vec<Code> {
            check(text)
                .diagnostics
                .into_iter()
                .filter(|d| d.silenced.is_none())
                .map(|d| d.code)
                .collect()
        };
        let spec = "extends: dev-single-region\ntrail: {multi_region: true, global_service_events: true}\n";
        assert_eq!(loud(spec), Vec::<Code>::new());
        let own = format!("{spec}silence: {{no-tags: tagged elsewhere}}\n");
        assert_eq!(loud(&own), [Code::SilenceUnused]);
    }

    #[test]
    fn best_practices_wait_until_the_errors_are_fixed() {
        let found = found("version: 1\ntrail:\n  name: a..b\n  multi_region: false\n");
        assert_eq!(
            found.iter().map(|f| f.0).collect::<Vec<_>>(),
            [Code::TrailName]
        );
    }

    #[test]
    fn rule_errors_are_all_reported_with_positions() {
        let text = "version: 1\ntrail:\n  name: a..b\n  global_service_events: false\ncloudwatch_logs:\n  retention_days: 366\n";
        let got = found(text);
        assert_eq!(
            got,
            vec![
                (Code::TrailName, "/trail/name".to_string(), 3, 9),
                (
                    Code::MultiRegionNeedsGlobalEvents,
                    "/trail/global_service_events".to_string(),
                    4,
                    26
                ),
                (
                    Code::RetentionDays,
                    "/cloudwatch_logs/retention_days".to_string(),
                    6,
                    19
                ),
            ]
        );
        assert!(check(text).spec.is_none());
    }

    #[test]
    fn syntax_errors_are_located() {
        let got = found("version: 1\ntrail: [\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, Code::Syntax);
    }

    #[test]
    fn shape_errors_stop_before_rules() {
        let got = found("version: 1\ntrail:\n  name: a\n  nmae: b\n");
        assert_eq!(
            got,
            vec![(Code::UnknownField, "/trail/nmae".to_string(), 4, 3)]
        );
    }
}
