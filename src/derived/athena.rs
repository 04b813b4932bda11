//! The names an `athena` section implies when it gives none: the Glue database and table, the
//! workgroup and the results prefix, read by `validate` (to check them) and `model` (to write
//! them). It must not decide what the resources hold.

use crate::spec::{Athena, Spec};

/// The table's name when the spec gives none, as "Querying AWS CloudTrail logs" names it.
pub const DEFAULT_ATHENA_TABLE: &str = "cloudtrail_logs";
/// The results prefix in the trail bucket when the spec gives none.
pub const DEFAULT_RESULTS_PREFIX: &str = "athena-results";

/// `cloudtrail_<trail name>`: Athena names hold lowercase letters, digits and `_` only.
pub fn athena_database(spec: &Spec, a: &Athena) -> String {
    a.database.clone().unwrap_or_else(|| {
        let name: String = spec
            .trail
            .name
            .chars()
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '_' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => '_',
            })
            .collect();
        format!("cloudtrail_{name}")
    })
}

pub fn athena_table(a: &Athena) -> String {
    a.table
        .clone()
        .unwrap_or_else(|| DEFAULT_ATHENA_TABLE.to_string())
}

pub fn athena_workgroup(spec: &Spec, a: &Athena) -> String {
    a.workgroup
        .clone()
        .unwrap_or_else(|| format!("{}-athena", spec.trail.name))
}

/// The results prefix, without slashes at either end.
pub fn athena_results_prefix(a: &Athena) -> String {
    a.results
        .as_ref()
        .and_then(|r| r.prefix.clone())
        .unwrap_or_else(|| DEFAULT_RESULTS_PREFIX.to_string())
}

/// The `YYYY/MM/DD` of the projection's first day, from `since` (`YYYY-MM-DD`).
pub fn athena_first_day(a: &Athena) -> String {
    a.since.replace('-', "/")
}
