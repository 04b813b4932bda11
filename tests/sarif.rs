//! The SARIF writer's promises that a schema cannot state: each result names its rule by id and
//! by index, carries the finding's own level and position, and a silenced finding is a suppressed
//! result with its reason, and every rule has a description, help and a help URI. Every spec of the repository's corpus
//! goes through it. The SARIF 2.1.0 schema itself is applied by the conformance harness
//! (scripts/conformance/check_sarif.py).

#[path = "support/corpus.rs"]
mod corpus;

use corpus::spec_files;
use serde_json::Value;
use std::path::PathBuf;
use trailsmith::diag::{sarif, Diagnostic, FileFindings, Severity};

fn corpus() -> Vec<PathBuf> {
    let files: Vec<PathBuf> = [
        "examples",
        "examples/teams",
        "tests/cases",
        "tests/bad",
        "tests/cmd/specs",
    ]
    .iter()
    .flat_map(|dir| spec_files(dir))
    .collect();
    assert!(files.len() > 100, "corpus too small: {}", files.len());
    files
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

#[test]
fn every_result_matches_its_finding_and_its_rule() {
    let files = corpus();
    let checked: Vec<(String, Vec<Diagnostic>)> = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            (
                p.display().to_string(),
                trailsmith::validate::check(&text).diagnostics,
            )
        })
        .collect();
    let findings: Vec<FileFindings> = checked
        .iter()
        .map(|(file, diagnostics)| FileFindings {
            file,
            diagnostics,
            fails: false,
        })
        .collect();
    let doc: Value = serde_json::from_str(&sarif::document(&findings)).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let mut ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    // GitHub code scanning needs a full description and help of every rule (the SARIF
    // multitool's GH2012, which the conformance harness runs).
    for rule in rules {
        for field in [
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
            "/help/markdown",
        ] {
            assert!(
                rule.pointer(field)
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty()),
                "rule {} has no {field}",
                rule["id"]
            );
        }
        assert!(
            rule["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")),
            "rule {} has no helpUri",
            rule["id"]
        );
    }
    ids.sort();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count, "rule ids repeat");

    let results = run["results"].as_array().expect("results");
    let all: Vec<(&str, &Diagnostic)> = checked
        .iter()
        .flat_map(|(file, ds)| ds.iter().map(move |d| (file.as_str(), d)))
        .collect();
    assert_eq!(results.len(), all.len());
    assert!(
        all.iter().any(|(_, d)| d.silenced.is_some()),
        "the corpus silences something"
    );
    for (result, (file, d)) in results.iter().zip(&all) {
        let index =
            usize::try_from(result["ruleIndex"].as_u64().expect("ruleIndex")).expect("an index");
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], d.code.as_str());
        assert_eq!(result["level"], level(d.severity));
        let location = &result["locations"][0]["physicalLocation"];
        let pos = d.pos.expect("every finding is located");
        assert_eq!(location["region"]["startLine"], pos.line);
        assert_eq!(location["region"]["startColumn"], pos.column);
        // Every finding is located in its spec, including those about a value a blueprint
        // brought in: code scanning cannot open `blueprint:NAME`.
        assert_eq!(d.file, None, "{file}: {d:?}");
        assert_eq!(
            location["artifactLocation"]["uri"], *file,
            "corpus paths need no escaping"
        );
        match &d.silenced {
            Some(reason) => {
                assert_eq!(result["suppressions"][0]["kind"], "inSource");
                assert_eq!(result["suppressions"][0]["justification"], reason.as_str());
            }
            None => assert!(result.get("suppressions").is_none()),
        }
    }
}

#[test]
fn a_rule_with_controls_links_its_security_hub_documentation() {
    let doc: Value = serde_json::from_str(&sarif::document(&[])).expect("SARIF is JSON");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let no_kms = rules
        .iter()
        .find(|r| r["id"] == "no-kms")
        .expect("no-kms is a rule");
    assert_eq!(no_kms["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        no_kms["helpUri"],
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2"
    );
    assert_eq!(
        no_kms["properties"]["tags"],
        serde_json::json!(["CIS AWS Foundations v5.0 3.5", "Security Hub CloudTrail.2"])
    );
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn a_value_from_a_blueprint_is_located_at_the_spec_with_its_origin() {
    let text = "version: 1\nextends: cis-baseline\nwith:\n  trail_name: acme-audit\n  \
                access_log_bucket: acme-logs\n  alarm_email: a@example.com\n  retention_days: 366\n";
    let diagnostics = trailsmith::validate::check(text).diagnostics;
    let findings = [FileFindings {
        file: "teams/acme.yaml",
        diagnostics: &diagnostics,
        fails: true,
    }];
    let doc: Value = serde_json::from_str(&sarif::document(&findings)).expect("SARIF is JSON");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "retention-days");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "teams/acme.yaml");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // Line 7 of the spec: `retention_days: 366` under `with`.
    assert_eq!(location["region"]["startLine"], 7);
    let message = result["message"]["text"].as_str().expect("a message");
    assert!(
        message.contains("From: blueprint `cis-baseline`, rendered line"),
        "{message}"
    );
    assert!(!result.to_string().contains("\"blueprint:"), "{result}");
}
