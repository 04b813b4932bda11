//! `silence:` entries: warnings (and notes) a spec accepts on purpose, each with its reason.
//!
//! Owns checking the entries (a known code, not an error, a reason, actually used) and marking
//! the findings they silence. A silenced finding is kept with its reason: text output counts it,
//! JSON and SARIF carry it (SARIF as an in-source suppression), and `--deny-warnings` ignores it.
//! Errors cannot be silenced: what AWS would refuse stays refused.

use super::suggest::did_you_mean;
use crate::diag::{Code, Diagnostic, Severity};
use serde_json::Value;

/// The entries as written: code and reason, in document order.
pub fn entries(value: &Value) -> Vec<(String, String)> {
    value
        .get("silence")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(code, reason)| {
                    (
                        code.clone(),
                        reason.as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Marks the findings the entries silence and adds findings about the entries themselves. An
/// unused entry is only reported when `complete` (the spec had no errors, so every check ran) and
/// `own(code)`: an entry a blueprint brought in is not the spec's to remove, so a team that fixes
/// what its blueprint accepted is not told off for it.
pub fn apply(
    entries: &[(String, String)],
    found: &mut Vec<Diagnostic>,
    complete: bool,
    own: impl Fn(&str) -> bool,
) {
    let mut about_entries = Vec::new();
    for (code, reason) in entries {
        let path = format!("/silence/{code}");
        let Some(known) = Code::from_name(code) else {
            let mut d = Diagnostic::error(
                Code::SilenceUnknown,
                path,
                format!("`{code}` is not a trailsmith diagnostic code"),
            )
            .at_key();
            let silenceable = Code::ALL
                .iter()
                .filter(|c| c.severity() != Severity::Error)
                .map(|c| c.as_str());
            d = d.hint(did_you_mean(code, silenceable).unwrap_or_else(|| {
                "use the code in brackets of a warning, such as `no-tags` in `warning[no-tags]`"
                    .to_string()
            }));
            about_entries.push(d);
            continue;
        };
        if known.severity() == Severity::Error {
            about_entries.push(
                Diagnostic::error(
                    Code::SilenceNotAllowed,
                    path,
                    format!("`{code}` is an error and cannot be silenced"),
                )
                .at_key()
                .hint("fix what it reports; only warnings and notes can be silenced"),
            );
            continue;
        }
        if reason.trim().is_empty() {
            about_entries.push(
                Diagnostic::error(
                    Code::SilenceReason,
                    path,
                    format!("silencing `{code}` needs a reason"),
                )
                .hint("write why this spec accepts it, for the next reviewer"),
            );
            continue;
        }
        let mut used = false;
        for d in found
            .iter_mut()
            .filter(|d| d.code == known && d.severity != Severity::Error)
        {
            d.silenced = Some(reason.clone());
            used = true;
        }
        if !used && complete && own(code) {
            about_entries.push(
                Diagnostic::warning(
                    Code::SilenceUnused,
                    path,
                    format!(
                        "nothing in this spec reports `{code}`, so this entry silences nothing"
                    ),
                )
                .at_key()
                .hint("remove the entry"),
            );
        }
    }
    found.extend(about_entries);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(entries: &[(&str, &str)], found: Vec<Diagnostic>, complete: bool) -> Vec<Diagnostic> {
        let entries: Vec<(String, String)> = entries
            .iter()
            .map(|(c, r)| (c.to_string(), r.to_string()))
            .collect();
        let mut found = found;
        apply(&entries, &mut found, complete, |_| true);
        found
    }

    #[test]
    fn a_silenced_warning_keeps_its_reason() {
        let out = run(
            &[("no-tags", "tagged by the account's tag policy")],
            vec![Diagnostic::warning(Code::NoTags, "/tags", "no tags")],
            true,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].silenced.as_deref(),
            Some("tagged by the account's tag policy")
        );
    }

    #[test]
    fn errors_unknown_codes_and_empty_reasons_are_refused() {
        let out = run(
            &[("silence-unknown", "x"), ("no-tgas", "x"), ("no-kms", " ")],
            vec![
                Diagnostic::error(Code::SilenceUnknown, "/silence/x", "bad"),
                Diagnostic::warning(Code::NoKms, "/kms", "no key"),
            ],
            false,
        );
        let codes: Vec<Code> = out.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::SilenceUnknown,
                Code::NoKms,
                Code::SilenceNotAllowed,
                Code::SilenceUnknown,
                Code::SilenceReason
            ]
        );
        assert!(out.iter().all(|d| d.silenced.is_none()));
        assert_eq!(out[3].hint.as_deref(), Some("did you mean `no-tags`?"));
    }

    #[test]
    fn an_unused_entry_is_reported_only_when_every_check_ran() {
        let entries = [("no-tags", "reason")];
        assert_eq!(run(&entries, Vec::new(), false).len(), 0);

        let out = run(&entries, Vec::new(), true);
        assert_eq!(
            (out[0].code, out[0].severity),
            (Code::SilenceUnused, Severity::Warning)
        );
    }

    #[test]
    fn an_unused_entry_a_blueprint_brought_is_not_reported() {
        let entries = vec![("no-tags".to_string(), "the blueprint's reason".to_string())];
        let mut found = Vec::new();
        apply(&entries, &mut found, true, |code| code != "no-tags");
        assert!(found.is_empty(), "{found:?}");
    }
}
