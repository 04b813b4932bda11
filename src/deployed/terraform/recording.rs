//! What the trail records, from its `event_selector` (basic) or `advanced_event_selector`
//! blocks, and its `insight_selector` blocks ("aws_cloudtrail" in the provider documentation). A
//! trail without selectors records all management events; without `insight_selector`, no
//! Insights. It must not read them as intents (that is `import`).

use super::Reader;
use crate::deployed::{BasicSelector, Selectors};
use crate::spec::{AdvancedSelectorSpec, FieldSelector};
use serde_json::Value;

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    list(v)
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Reader<'_> {
    pub(super) fn selectors(&mut self, i: usize) -> Option<Selectors> {
        let doc = self.doc;
        let r = &doc.resources[i];
        let instead =
            "the recording is not carried; the spec's default, all management events, is written";
        for attr in ["advanced_event_selector", "event_selector"] {
            if r.is_unknown(attr) {
                self.unresolved(i, attr, instead);
                return None;
            }
        }
        let advanced = list(r.values.get("advanced_event_selector"));
        if !advanced.is_empty() {
            return Some(Selectors::Advanced(
                advanced
                    .iter()
                    .map(|a| AdvancedSelectorSpec {
                        name: text(a, "name"),
                        field_selectors: list(a.get("field_selector"))
                            .iter()
                            .map(|f| FieldSelector {
                                field: text(f, "field").unwrap_or_default(),
                                equals: strings(f.get("equals")),
                                not_equals: strings(f.get("not_equals")),
                                starts_with: strings(f.get("starts_with")),
                                not_starts_with: strings(f.get("not_starts_with")),
                                ends_with: strings(f.get("ends_with")),
                                not_ends_with: strings(f.get("not_ends_with")),
                            })
                            .collect(),
                    })
                    .collect(),
            ));
        }
        let basic = list(r.values.get("event_selector"));
        if basic.is_empty() {
            return Some(crate::deployed::cloudformation::default_selectors());
        }
        Some(Selectors::Basic(
            basic
                .iter()
                .map(|s| BasicSelector {
                    // "aws_cloudtrail" event_selector: read_write_type defaults to All,
                    // include_management_events to true.
                    read_write: text(s, "read_write_type").unwrap_or_else(|| "All".into()),
                    include_management_events: s
                        .get("include_management_events")
                        .and_then(Value::as_bool)
                        .unwrap_or(true),
                    exclude_management_sources: strings(s.get("exclude_management_event_sources")),
                    data_resources: list(s.get("data_resource"))
                        .iter()
                        .map(|d| {
                            (
                                text(d, "type").unwrap_or_default(),
                                strings(d.get("values")),
                            )
                        })
                        .collect(),
                })
                .collect(),
        ))
    }

    pub(super) fn insights(&mut self, i: usize) -> Option<Vec<String>> {
        let r = &self.doc.resources[i];
        if r.is_unknown("insight_selector") {
            self.unresolved(i, "insight_selector", "no Insights written");
            return None;
        }
        Some(
            list(r.values.get("insight_selector"))
                .iter()
                .filter_map(|s| text(s, "insight_type"))
                .collect(),
        )
    }
}
