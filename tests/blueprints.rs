//! Every shipped blueprint, rendered with its defaults (required parameters given test values),
//! is a spec that validates without errors and compiles to both targets.

#[path = "support/corpus.rs"]
mod corpus;

use corpus::{render_with_test_values, test_values};
use trailsmith::blueprint::Catalog;
use trailsmith::layout::Part;
use trailsmith::{compile, diag, validate, Target};

/// A plausible value for each required parameter of the shipped blueprints.
#[test]
fn every_shipped_blueprint_renders_validates_and_compiles() {
    let catalog = Catalog::shipped();
    assert!(catalog.names().len() >= 6);
    for blueprint in catalog.iter() {
        let text = render_with_test_values(blueprint);
        let checked = validate::check(&text);
        assert!(
            !diag::has_errors(&checked.diagnostics),
            "{}: {:?}\n{text}",
            blueprint.name,
            checked.diagnostics
        );
        for target in [Target::CloudFormation, Target::Terraform] {
            let (output, diagnostics) = compile(&text, target);
            let outputs = output.unwrap_or_else(|| panic!("{}: {diagnostics:?}", blueprint.name));
            for out in outputs {
                serde_json::from_str::<serde_json::Value>(&out.text).expect("JSON output");
            }
        }
    }
}

/// The organization layout blueprint compiles to its two parts for both targets with the log
/// files' key in either account: the part that holds the key lets the readers decrypt, and the
/// management part takes the key's ARN as an input only when the log archive part holds it.
#[test]
fn the_organization_layout_blueprint_gives_two_parts_with_the_key_in_either_account() {
    let catalog = Catalog::shipped();
    let blueprint = catalog.get("organization-layout").expect("shipped");
    let reader = "arn:aws:iam::333333333333:role/SecurityAudit";
    for key in ["log_archive", "management"] {
        let mut values = test_values(blueprint);
        values.insert("key_account".into(), key.into());
        values.insert(
            "reader_role_arns".into(),
            format!("arn:aws:iam::111111111111:role/LogArchiveReader, {reader}"),
        );
        let text = blueprint.render(&values).expect("renders");
        let checked = validate::check(&text);
        assert!(
            !diag::has_errors(&checked.diagnostics),
            "{key}: {:?}",
            checked.diagnostics
        );
        for target in [Target::CloudFormation, Target::Terraform] {
            let (outputs, diagnostics) = compile(&text, target);
            let outputs = outputs.unwrap_or_else(|| panic!("{key} {target:?}: {diagnostics:?}"));
            let parts: Vec<_> = outputs.iter().map(|o| o.part).collect();
            assert_eq!(parts, [Some(Part::LogArchive), Some(Part::Management)]);
            let json: Vec<serde_json::Value> = outputs
                .iter()
                .map(|o| serde_json::from_str(&o.text).expect("JSON output"))
                .collect();
            // A KMS key resource, and an input the deployer passes, in each target's words.
            let has_key = |v: &serde_json::Value| match target {
                Target::CloudFormation => v["Resources"]
                    .as_object()
                    .is_some_and(|r| r.values().any(|r| r["Type"] == "AWS::KMS::Key")),
                Target::Terraform => v["resource"].get("aws_kms_key").is_some(),
            };
            let has_input = |v: &serde_json::Value| match target {
                Target::CloudFormation => v.get("Parameters").is_some(),
                Target::Terraform => v.get("variable").is_some(),
            };
            let in_archive = key == "log_archive";
            assert_eq!(has_key(&json[0]), in_archive, "{key} {target:?}");
            assert!(has_key(&json[1]), "{key} {target:?}");
            assert!(!has_input(&json[0]), "{key} {target:?}");
            assert_eq!(has_input(&json[1]), in_archive, "{key} {target:?}");
            let holder = &outputs[if in_archive { 0 } else { 1 }].text;
            assert!(holder.contains(reader), "{key} {target:?}");
        }
    }
}

/// The team specs of `examples/teams/` (kept out of the golden files, which cover `examples/`
/// only) extend the CIS baseline and compile to both targets with its alarms and their own tags.
#[test]
fn team_examples_extend_the_baseline_and_compile() {
    let mut teams: Vec<_> = std::fs::read_dir("examples/teams")
        .expect("examples/teams/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    teams.sort();
    assert_eq!(teams.len(), 3, "{teams:?}");
    // Editors check each team spec against the committed schema, which lets `extends` stand in
    // for `trail`.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/trail-spec.schema.json").expect("schema"),
    )
    .expect("JSON");
    let editor = jsonschema::validator_for(&schema).expect("schema compiles");
    for path in teams {
        let text = std::fs::read_to_string(&path).expect("readable");
        let raw = trailsmith::source::parse(&text).expect("parses");
        let errors: Vec<String> = editor
            .iter_errors(&raw.value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        let checked = validate::check(&text);
        let spec = checked
            .spec
            .unwrap_or_else(|| panic!("{}: {:?}", path.display(), checked.diagnostics));
        assert_eq!(spec.extends.as_deref(), Some("cis-baseline"));
        assert!(!spec.events.data.is_empty(), "{}", path.display());
        let team = spec.tags.get("team").expect("a team tag");
        for target in [Target::CloudFormation, Target::Terraform] {
            let (output, diagnostics) = compile(&text, target);
            let output = match output.as_deref() {
                Some([one]) => one.text.clone(),
                _ => panic!("{}: not one output: {diagnostics:?}", path.display()),
            };
            assert!(
                output.contains("UnauthorizedApiCalls"),
                "{}",
                path.display()
            );
            assert!(
                output.contains(&format!("\"{team}\"")),
                "{}",
                path.display()
            );
        }
    }
}
