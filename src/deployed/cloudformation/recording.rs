//! What the trail records, from `EventSelectors` (basic) or `AdvancedEventSelectors`, and its
//! `InsightSelectors`. A trail the template creates without selectors records all management
//! events; without `InsightSelectors`, no Insights. It must not read them as intents (that is
//! `import`).

use super::resources::strings;
use super::{boolean, default_selectors, Reader};
use crate::deployed::{BasicSelector, Selectors};
use crate::spec::{AdvancedSelectorSpec, FieldSelector};
use serde_json::{Map, Value};

impl Reader<'_> {
    pub(super) fn selectors(&mut self, id: &str, props: &Map<String, Value>) -> Option<Selectors> {
        let instead =
            "the recording is not carried; the spec's default, all management events, is written";
        if props.contains_key("AdvancedEventSelectors") {
            let v = self.value(id, props, "AdvancedEventSelectors", instead)?;
            let list = v.as_array().cloned().unwrap_or_default();
            return Some(Selectors::Advanced(
                list.iter()
                    .map(|a| AdvancedSelectorSpec {
                        name: a.get("Name").and_then(super::eval::text),
                        field_selectors: a
                            .get("FieldSelectors")
                            .and_then(Value::as_array)
                            .map(|fs| {
                                fs.iter()
                                    .map(|f| FieldSelector {
                                        field: f
                                            .get("Field")
                                            .and_then(super::eval::text)
                                            .unwrap_or_default(),
                                        equals: strings(f.get("Equals")),
                                        not_equals: strings(f.get("NotEquals")),
                                        starts_with: strings(f.get("StartsWith")),
                                        not_starts_with: strings(f.get("NotStartsWith")),
                                        ends_with: strings(f.get("EndsWith")),
                                        not_ends_with: strings(f.get("NotEndsWith")),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect(),
            ));
        }
        if !props.contains_key("EventSelectors") {
            return Some(default_selectors());
        }
        let v = self.value(id, props, "EventSelectors", instead)?;
        let list = v.as_array().cloned().unwrap_or_default();
        Some(Selectors::Basic(
            list.iter()
                .map(|s| BasicSelector {
                    read_write: s
                        .get("ReadWriteType")
                        .and_then(super::eval::text)
                        .unwrap_or_else(|| "All".into()),
                    include_management_events: s
                        .get("IncludeManagementEvents")
                        .and_then(boolean)
                        .unwrap_or(true),
                    exclude_management_sources: strings(s.get("ExcludeManagementEventSources")),
                    data_resources: s
                        .get("DataResources")
                        .and_then(Value::as_array)
                        .map(|ds| {
                            ds.iter()
                                .map(|d| {
                                    (
                                        d.get("Type")
                                            .and_then(super::eval::text)
                                            .unwrap_or_default(),
                                        strings(d.get("Values")),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect(),
        ))
    }

    pub(super) fn insights(&mut self, id: &str, props: &Map<String, Value>) -> Option<Vec<String>> {
        if !props.contains_key("InsightSelectors") {
            return Some(Vec::new());
        }
        let v = self.value(id, props, "InsightSelectors", "no Insights written")?;
        Some(
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.get("InsightType").and_then(super::eval::text))
                        .collect()
                })
                .unwrap_or_default(),
        )
    }
}
