//! AWS rules on the `athena` section: the bucket it needs, its names, its readers, where results
//! go and the first day it projects.
//!
//! Owns which rule applies where, the JSON path it points at and the hint. It must not build the
//! table (that is `model::athena`); the names it checks are those `derived` gives the model.

use super::hardening::principals;
use super::names;
use super::rules::rule;
use crate::derived::{athena_database, athena_results_prefix, athena_table, athena_workgroup};
use crate::diag::{Code, Diagnostic};
use crate::expr::Expr;
use crate::policy;
use crate::spec::Spec;

/// The day CloudTrail launched: no trail wrote a log file before it.
const FIRST_DAY: &str = "2013-11-01";

pub fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(a) = &spec.athena else { return };
    if spec.bucket.existing {
        out.push(
            Diagnostic::error(
                Code::AthenaNeedsTrailBucket,
                "/athena",
                "the Athena table's readers and results are granted in the trail bucket's policy, but `bucket.existing: true` leaves that policy to someone else",
            )
            .at_key()
            .hint("let trailsmith create the bucket, or write the table beside the bucket's policy yourself"),
        );
    }
    let names = [
        ("database", athena_database(spec, a), a.database.is_some()),
        ("table", athena_table(a), a.table.is_some()),
    ];
    for (field, name, given) in names {
        let path = if given {
            format!("/athena/{field}")
        } else {
            // A derived name is wrong because of the trail's name.
            "/trail/name".to_string()
        };
        rule(
            out,
            Code::AthenaName,
            &path,
            glue_name(&name).map_err(|e| format!("Athena {field} name `{name}` {e}")),
            Some("Athena names are lowercase letters, digits and `_`, starting with a letter (\"Name tables, databases, and columns\")"),
        );
    }
    let workgroup = athena_workgroup(spec, a);
    let path = match a.workgroup {
        Some(_) => "/athena/workgroup",
        None => "/trail/name",
    };
    rule(
        out,
        Code::AthenaName,
        path,
        workgroup_name(&workgroup).map_err(|e| format!("Athena workgroup name `{workgroup}` {e}")),
        Some("set `athena.workgroup`: 1 to 128 letters, digits, `.`, `_`, `-` (CreateWorkGroup)"),
    );
    principals(
        out,
        "/athena/readers",
        &a.readers,
        "use an IAM role or user ARN such as arn:aws:iam::111122223333:role/SecurityAudit",
    );
    results(spec, a, out);
    existing_key(spec, a, out);
    rule(
        out,
        Code::AthenaSince,
        "/athena/since",
        since(&a.since),
        Some("for example `2025-01-01`; the table answers for days from it to today"),
    );
    for (i, region) in a.regions.iter().flatten().enumerate() {
        rule(
            out,
            Code::Region,
            &format!("/athena/regions/{i}"),
            names::region(region),
            Some("use a region code such as `eu-west-1`"),
        );
    }
}

/// With a key made elsewhere, the readers' grants are its owner's to write: the statements
/// trailsmith writes for a key it creates, from `policy` itself.
fn existing_key(spec: &Spec, a: &crate::spec::Athena, out: &mut Vec<Diagnostic>) {
    if spec.kms.settings().and_then(|k| k.key_arn).is_none() {
        return;
    }
    let readers: Vec<Expr> = a.readers.iter().map(|r| Expr::deploy_time(r)).collect();
    let ctx = crate::layout::policy_context(spec);
    let statements = policy::athena::key_statements(&ctx, &readers);
    let sids: Vec<&str> = statements.iter().map(|s| s.sid).collect();
    let words: Vec<String> = statements
        .iter()
        .map(|s| policy::text::statement(s, &|_, _| None))
        .collect();
    out.push(
        Diagnostic::note(
            Code::AthenaExistingKey,
            "/kms/key_arn",
            format!(
                "the existing key's policy must let the Athena readers decrypt log files and results: {}, as trailsmith writes them for a key it creates",
                sids.join(", ")
            ),
        )
        .hint(format!(
            "{} (\"Configure AWS KMS key policies for CloudTrail\" and \"Encrypting Athena query results stored in Amazon S3\")",
            words.join("; ")
        )),
    );
}

/// The results prefix may not hold or be held by the log files' `[PREFIX/]AWSLogs/`: the readers'
/// write grant and the deny to everyone else would then reach the log files.
fn results(spec: &Spec, a: &crate::spec::Athena, out: &mut Vec<Diagnostic>) {
    let given = a.results.as_ref();
    let prefix = athena_results_prefix(a);
    let prefix_path = "/athena/results/prefix";
    let bad_char = prefix.chars().find(|c| !names::s3_safe_key_char(*c));
    let shape = if prefix.is_empty() || prefix.starts_with('/') || prefix.ends_with('/') {
        Err(format!(
            "results prefix `{prefix}` must be non-empty, without `/` at either end"
        ))
    } else if let Some(c) = bad_char {
        Err(format!(
            "results prefix `{prefix}` has `{c}`, which S3 keys should not use"
        ))
    } else {
        Ok(())
    };
    rule(out, Code::AthenaResultsLocation, prefix_path, shape, None);
    let results_bucket = given.and_then(|r| r.bucket.as_ref());
    if let Some(bucket) = results_bucket {
        let path = "/athena/results/bucket";
        rule(
            out,
            Code::AthenaResultsLocation,
            path,
            names::bucket_name(bucket),
            None,
        );
        if spec.bucket.name.as_ref() == Some(bucket) {
            out.push(
                Diagnostic::error(
                    Code::AthenaResultsLocation,
                    path,
                    format!("`{bucket}` is the trail's bucket: results there are kept from others by its policy only when `results.bucket` is left out"),
                )
                .hint("remove `results.bucket`; results then go under `results.prefix` of the trail bucket"),
            );
        }
        return;
    }
    let logs = format!(
        "{}AWSLogs/",
        spec.bucket
            .prefix
            .as_ref()
            .map(|p| format!("{p}/"))
            .unwrap_or_default()
    );
    let mine = format!("{prefix}/");
    if mine.starts_with(&logs) || logs.starts_with(&mine) {
        let path = match given.and_then(|r| r.prefix.as_ref()) {
            Some(_) => prefix_path,
            None => "/bucket/prefix",
        };
        out.push(
            Diagnostic::error(
                Code::AthenaResultsLocation,
                path,
                format!("results under `{mine}` and log files under `{logs}` overlap: the readers' write grant on results would reach the log files"),
            )
            .hint("choose a results prefix outside `AWSLogs/`, such as `athena-results`"),
        );
    }
}

/// "Name tables, databases, and columns" (Athena User Guide): lowercase letters, digits and `_`;
/// starting with a letter, a name needs no quoting in a query. Glue takes at most 255 characters.
fn glue_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 255 {
        return Err("must be 1 to 255 characters".into());
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter".into());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        Some(c) => Err(format!("has `{c}`; use lowercase letters, digits and `_`")),
        None => Ok(()),
    }
}

/// "CreateWorkGroup" API reference, Name: `[a-zA-Z0-9._-]{1,128}`.
fn workgroup_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 128 {
        return Err("must be 1 to 128 characters".into());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        Some(c) => Err(format!("has `{c}`; use letters, digits, `.`, `_` and `-`")),
        None => Ok(()),
    }
}

/// A real day (`YYYY-MM-DD`), no earlier than CloudTrail.
fn since(day: &str) -> Result<(), String> {
    let digits = |r: std::ops::Range<usize>| {
        day.get(r)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
    };
    let dashes = day.len() == 10 && day.get(4..5) == Some("-") && day.get(7..8) == Some("-");
    let (Some(y), Some(m), Some(d), true) = (digits(0..4), digits(5..7), digits(8..10), dashes)
    else {
        return Err(format!("`{day}` is not a date YYYY-MM-DD"));
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if d == 0 || d > days {
        return Err(format!("`{day}` is not a day of the calendar"));
    }
    if day < FIRST_DAY {
        return Err(format!(
            "`{day}` is before CloudTrail existed ({FIRST_DAY}): the table would project days without logs"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_days_follow_athena() {
        assert!(glue_name("cloudtrail_logs").is_ok());
        assert!(glue_name("CloudTrail").is_err());
        assert!(glue_name("_x").is_err());
        assert!(glue_name("a-b").is_err());
        assert!(workgroup_name("org-audit.v2_x").is_ok());
        assert!(workgroup_name("a b").is_err());
        assert!(since("2024-02-29").is_ok());
        assert!(since("2023-02-29").is_err());
        assert!(since("2013-10-31").is_err());
        assert!(since("2024-1-1x").is_err());
        assert!(since("2024-1-01").is_err());
        assert!(since("2024-01-01T00").is_err());
    }
}
