//! `extends`: a spec on top of a rendered blueprint, and where each merged value came from.
//!
//! Owns rendering the blueprint a spec names with its `with` values, merging (the spec wins:
//! mappings merge key by key, lists and scalars replace) and the provenance of every merged node,
//! so that a finding about a value can say where it was written: in the spec, or in the blueprint
//! (then the finding points at the spec's `with` value or `extends` line, with the blueprint line
//! as its `Origin`). It must not judge the merged spec (the rest of `validate` does, on the merged
//! value) nor read blueprint files (the catalog holds their texts).

use crate::blueprint::{Catalog, RenderError};
use crate::diag::{Code, Diagnostic};
use crate::source::{self, escape_segment, Document, Pos};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Which text a merged node was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Spec,
    Base,
}

/// A rendered blueprint, kept to locate findings in it.
#[derive(Debug)]
pub struct Base {
    /// The blueprint's name, as `extends` gives it.
    pub name: String,
    pub doc: Document,
    /// The side of each node the merge decided; a pointer not listed takes its nearest listed
    /// ancestor's side (a subtree is taken whole from one side).
    sides: HashMap<String, Side>,
    /// Each `with` parameter's text, for telling where a bad blueprint value was chosen.
    with: BTreeMap<String, String>,
    /// The blueprint's template lines.
    template: Vec<String>,
}

impl Base {
    /// The `with` parameter that most likely put the value at `pointer` into the blueprint: its
    /// text equals the value and the template line the value is on names it. A finding in the
    /// blueprint caused by a spec's `with` is then also shown at the spec's line.
    pub fn with_source(&self, pointer: &str, line: usize) -> Option<&str> {
        let value = self.doc.value.pointer(pointer)?;
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            _ => return None,
        };
        let template_line = self.template.get(line.checked_sub(1)?)?;
        let mut candidates = self.with.iter().filter(|(key, v)| {
            **v == text && template_line.contains("{{") && template_line.contains(key.as_str())
        });
        match (candidates.next(), candidates.next()) {
            (Some((key, _)), None) => Some(key),
            _ => None,
        }
    }

    /// The side a finding at `pointer` belongs to.
    pub fn side(&self, pointer: &str) -> Side {
        let mut current = pointer;
        loop {
            if let Some(side) = self.sides.get(current) {
                return *side;
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return Side::Spec,
            }
        }
    }
}

/// What `resolve` made of a spec.
pub enum Resolved {
    /// No `extends` (or one the schema must first reject): check the spec as written.
    Plain,
    /// The merged value, with the blueprint it was built on.
    Merged(Value, Box<Base>),
    /// The blueprint could not be used; the findings are located.
    Failed(Vec<Diagnostic>),
}

/// Renders and merges the blueprint `doc` extends, if any.
pub fn resolve(doc: &Document, catalog: &Catalog) -> Resolved {
    let Value::Object(spec) = &doc.value else {
        return Resolved::Plain;
    };
    let with = spec.get("with");
    let name = match spec.get("extends") {
        Some(Value::String(name)) => name,
        // A non-string `extends` is a shape error the schema reports.
        Some(_) => return Resolved::Plain,
        None if with.is_some() => {
            return Resolved::Failed(vec![Diagnostic::error(
                Code::WithWithoutExtends,
                "/with",
                "`with` gives blueprint parameters, but the spec has no `extends`",
            )
            .at_key()
            .hint("add `extends: NAME` (see `trailsmith blueprints`) or remove `with`")])
        }
        None => return Resolved::Plain,
    };
    let Some(blueprint) = catalog.get(name) else {
        return Resolved::Failed(vec![Diagnostic::error(
            Code::ExtendsUnknown,
            "/extends",
            format!("there is no blueprint `{name}`"),
        )
        .hint(with_guess(name, &catalog.names(), "known"))]);
    };
    let mut values = BTreeMap::new();
    let mut found = Vec::new();
    match with {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (key, value) in map {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(_) | Value::Bool(_) => value.to_string(),
                    _ => {
                        found.push(
                            Diagnostic::error(
                                Code::WithValue,
                                format!("/with/{}", escape_segment(key)),
                                format!(
                                    "parameter `{key}` must be a string, a number or a boolean"
                                ),
                            )
                            .hint("a blueprint parameter is one value; lists are written `a, b`"),
                        );
                        continue;
                    }
                };
                values.insert(key.clone(), text);
            }
        }
        Some(_) => return Resolved::Plain,
    }
    if !found.is_empty() {
        return Resolved::Failed(found);
    }
    let text = match blueprint.render(&values) {
        Ok(text) => text,
        Err(problems) => {
            for problem in problems {
                found.push(match problem {
                    RenderError::Unknown { key, allowed } => Diagnostic::error(
                        Code::WithUnknown,
                        format!("/with/{}", escape_segment(&key)),
                        format!("blueprint `{name}` has no parameter `{key}`"),
                    )
                    .at_key()
                    .hint(with_guess(&key, &allowed, "its parameters")),
                    RenderError::Missing {
                        name: param,
                        description,
                        file,
                        line,
                    } => Diagnostic::error(
                        Code::WithMissing,
                        if with.is_some() { "/with" } else { "/extends" },
                        format!(
                            "blueprint `{name}` needs the parameter `{param}` ({description}, declared at {file}:{line})"
                        ),
                    )
                    .at_key()
                    .hint(format!("add `{param}: ...` under `with`")),
                    RenderError::BadValue {
                        name: param,
                        message,
                        at,
                    } => Diagnostic::error(
                        Code::WithValue,
                        format!("/with/{}", escape_segment(&param)),
                        message,
                    )
                    .hint(format!(
                        "blueprint `{name}` uses it at blueprint:{name}:{}:{}",
                        at.line, at.column
                    )),
                    RenderError::Template(e) => located(
                        Diagnostic::error(Code::Blueprint, "", e.message),
                        doc,
                        name,
                        Pos {
                            line: e.line,
                            column: e.column,
                        },
                    ),
                });
            }
            return Resolved::Failed(found);
        }
    };
    let base = match source::parse(&text) {
        Ok(base) => base,
        Err(e) => {
            return Resolved::Failed(vec![located(
                super::unreadable(&e, "the rendered blueprint is not valid YAML"),
                doc,
                name,
                e.pos,
            )])
        }
    };
    if base.value.get("extends").is_some() {
        return Resolved::Failed(vec![located(
            Diagnostic::error(
                Code::ExtendsChain,
                "/extends",
                "a blueprint cannot itself extend another",
            ),
            doc,
            name,
            base.key_pos("/extends"),
        )]);
    }
    let mut sides = HashMap::new();
    let value = merge(base.value.clone(), doc.value.clone(), "", &mut sides);
    Resolved::Merged(
        value,
        Box::new(Base {
            name: name.clone(),
            doc: base,
            sides,
            with: values,
            template: blueprint.template().lines().map(str::to_string).collect(),
        }),
    )
}

/// A problem in the blueprint's own text: shown at the spec's `extends`, which names it, with
/// the blueprint line as its origin.
fn located(mut d: Diagnostic, doc: &Document, name: &str, pos: Pos) -> Diagnostic {
    d.pos = Some(doc.value_pos("/extends"));
    d.origin = Some(crate::diag::Origin {
        blueprint: name.to_string(),
        pos,
        with: None,
        broken: true,
    });
    d
}

/// Merges `over` onto `base`: mappings key by key, anything else replaced whole. Records in
/// `sides` the side of each node that was decided, so positions can be found later.
pub fn merge(base: Value, over: Value, pointer: &str, sides: &mut HashMap<String, Side>) -> Value {
    match (base, over) {
        (Value::Object(mut base), Value::Object(over)) => {
            sides.insert(pointer.to_string(), Side::Spec);
            for key in base.keys() {
                if !over.contains_key(key) {
                    sides.insert(format!("{pointer}/{}", escape_segment(key)), Side::Base);
                }
            }
            for (key, value) in over {
                let child = format!("{pointer}/{}", escape_segment(&key));
                let merged = match base.get_mut(&key) {
                    Some(slot) => merge(slot.take(), value, &child, sides),
                    None => {
                        sides.insert(child, Side::Spec);
                        value
                    }
                };
                base.insert(key, merged);
            }
            Value::Object(base)
        }
        (_, over) => {
            sides.insert(pointer.to_string(), Side::Spec);
            over
        }
    }
}

/// `did you mean `x`? known: a, b` when one is close, else only the list.
fn with_guess(word: &str, options: &[impl AsRef<str>], label: &str) -> String {
    let names: Vec<&str> = options.iter().map(AsRef::as_ref).collect();
    let list = format!("{label}: {}", names.join(", "));
    match super::suggest::did_you_mean(word, names.iter().copied()) {
        Some(guess) => format!("{guess} {list}"),
        None => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_merge_and_everything_else_replaces() {
        let base = json!({"trail": {"name": "a", "home_region": "eu-west-1"},
                          "tags": {"team": "x", "env": "prod"}, "events": {"insights": ["api_call_rate"]}});
        let over = json!({"trail": {"name": "b"}, "tags": {"team": "y"},
                          "events": {"insights": []}, "kms": false});
        let mut sides = HashMap::new();
        let merged = merge(base, over, "", &mut sides);
        assert_eq!(
            merged,
            json!({"trail": {"name": "b", "home_region": "eu-west-1"},
                   "tags": {"team": "y", "env": "prod"}, "events": {"insights": []}, "kms": false})
        );
        let base = Base {
            name: "t".into(),
            doc: source::parse("{}").unwrap(),
            sides,
            with: BTreeMap::new(),
            template: Vec::new(),
        };
        assert_eq!(base.side("/trail/name"), Side::Spec);
        assert_eq!(base.side("/trail/home_region"), Side::Base);
        assert_eq!(base.side("/tags/env"), Side::Base);
        assert_eq!(base.side("/tags/team"), Side::Spec);
        assert_eq!(base.side("/events/insights/0"), Side::Spec);
        assert_eq!(base.side("/kms"), Side::Spec);
        // A finding about a merged mapping is shown in the spec, which names it.
        assert_eq!(base.side("/trail"), Side::Spec);
    }

    #[test]
    fn a_list_replaces_a_map_and_a_map_replaces_a_scalar() {
        let mut sides = HashMap::new();
        let merged = merge(
            json!({"kms": {"alias": "alias/x"}, "sns": false}),
            json!({"kms": false, "sns": {"topic_name": "t"}}),
            "",
            &mut sides,
        );
        assert_eq!(merged, json!({"kms": false, "sns": {"topic_name": "t"}}));
        assert_eq!(sides.get("/sns"), Some(&Side::Spec));
    }

    #[test]
    fn the_spec_cannot_be_reached_through_with_values() {
        let catalog = Catalog::shipped();
        let doc = source::parse(
            "extends: minimal\nwith:\n  trail_name: \"a\\nkms: false\"\nversion: 1\n",
        )
        .unwrap();
        match resolve(&doc, &catalog) {
            Resolved::Merged(value, _) => {
                assert_eq!(value["trail"]["name"], "a\nkms: false");
                assert!(value.get("kms").is_none());
            }
            _ => panic!("expected a merged spec"),
        }
    }

    #[test]
    fn with_values_must_be_scalars_and_with_needs_extends() {
        let catalog = Catalog::shipped();
        let doc = source::parse("extends: minimal\nwith:\n  trail_name: [a, b]\n").unwrap();
        match resolve(&doc, &catalog) {
            Resolved::Failed(found) => {
                assert_eq!(found.len(), 1);
                assert_eq!(
                    (found[0].code, found[0].path.as_str()),
                    (Code::WithValue, "/with/trail_name")
                );
            }
            _ => panic!("expected an error"),
        }
        let doc = source::parse("version: 1\nwith: {a: b}\n").unwrap();
        match resolve(&doc, &catalog) {
            Resolved::Failed(found) => assert_eq!(found[0].code, Code::WithWithoutExtends),
            _ => panic!("expected an error"),
        }
    }

    #[test]
    fn a_blueprint_finding_caused_by_with_names_the_spec_line() {
        let text = "version: 1\nextends: dev-single-region\nwith:\n  retention_days: 366\n";
        let checked = crate::validate::check(text);
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.code == Code::RetentionDays)
            .expect("a retention finding");
        // The finding points at the spec's `with` line; the blueprint line is its origin.
        assert_eq!(d.file, None);
        assert_eq!(
            d.pos,
            Some(Pos {
                line: 4,
                column: 19
            })
        );
        let origin = d.origin.as_ref().expect("an origin");
        assert_eq!(origin.blueprint, "dev-single-region");
        assert_eq!(origin.with.as_deref(), Some("retention_days"));
    }

    #[test]
    fn a_blueprint_value_no_with_chose_points_at_extends() {
        let text = "version: 1\nextends: cis-baseline\nwith:\n  trail_name: acme-audit\n  access_log_bucket: acme-logs\n  alarm_email: a@example.com\n";
        let checked = crate::validate::check(text);
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.code == Code::CostInsights)
            .expect("a cost note from the blueprint's Insights");
        assert_eq!(
            (d.file.as_deref(), d.pos),
            (
                None,
                Some(Pos {
                    line: 2,
                    column: 10
                })
            )
        );
        let origin = d.origin.as_ref().expect("an origin");
        assert_eq!(
            (origin.blueprint.as_str(), origin.with.as_deref()),
            ("cis-baseline", None)
        );
    }

    #[test]
    fn a_problem_in_the_blueprint_itself_points_at_extends() {
        let mut catalog = Catalog::shipped();
        let chained =
            "# blueprint: chained\n# description: extends another\nversion: 1\nextends: minimal\n";
        catalog.insert(crate::blueprint::Blueprint::parse("chained.yaml.hbs", chained).unwrap());
        let checked = crate::validate::check_with("version: 1\nextends: chained\n", &catalog);
        let d = &checked.diagnostics[0];
        assert_eq!(d.code, Code::ExtendsChain);
        assert_eq!(
            (d.file.as_deref(), d.pos),
            (
                None,
                Some(Pos {
                    line: 2,
                    column: 10
                })
            )
        );
        let origin = d.origin.as_ref().expect("an origin");
        assert!(origin.broken);
        assert_eq!(
            origin.text(),
            "blueprint `chained`, line 4, column 1 (in the blueprint itself)"
        );
    }

    #[test]
    fn a_merged_spec_still_needs_a_trail() {
        let mut catalog = Catalog::shipped();
        let bare = "# blueprint: bare\n# description: no trail\nversion: 1\n";
        catalog.insert(crate::blueprint::Blueprint::parse("bare.yaml.hbs", bare).unwrap());
        let checked = crate::validate::check_with("version: 1\nextends: bare\n", &catalog);
        let codes: Vec<_> = checked
            .diagnostics
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect();
        assert_eq!(codes, [(Code::MissingField, "")]);
        assert!(checked.diagnostics[0].message.contains("`trail`"));
    }
}
