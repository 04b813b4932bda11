//! Every shipped blueprint, rendered with its defaults (required parameters given test values),
//! is a spec that validates without errors and compiles to both targets.

use std::collections::BTreeMap;
use trailsmith::blueprint::Catalog;
use trailsmith::{compile, diag, validate, Target};

/// A plausible value for each required parameter of the shipped blueprints.
fn test_value(name: &str) -> &'static str {
    match name {
        "trail_name" => "team-audit",
        "org_id" => "o-a1b2c3d4e5",
        "access_log_bucket" => "acme-s3-access-logs",
        "alarm_email" => "secops@example.com",
        "s3_buckets" => "acme-payroll/reports/, acme-invoices",
        other => panic!("no test value for required parameter `{other}`: add one"),
    }
}

#[test]
fn every_shipped_blueprint_renders_validates_and_compiles() {
    let catalog = Catalog::shipped();
    assert!(catalog.names().len() >= 5);
    for blueprint in catalog.iter() {
        let values: BTreeMap<String, String> = blueprint
            .params
            .iter()
            .filter(|p| p.default.is_none())
            .map(|p| (p.name.clone(), test_value(&p.name).to_string()))
            .collect();
        let text = blueprint
            .render(&values)
            .unwrap_or_else(|e| panic!("{}: {e:?}", blueprint.name));
        let checked = validate::check(&text);
        assert!(
            !diag::has_errors(&checked.diagnostics),
            "{}: {:?}\n{text}",
            blueprint.name,
            checked.diagnostics
        );
        for target in [Target::CloudFormation, Target::Terraform] {
            let (output, diagnostics) = compile(&text, target);
            let output = output.unwrap_or_else(|| panic!("{}: {diagnostics:?}", blueprint.name));
            serde_json::from_str::<serde_json::Value>(&output).expect("JSON output");
        }
    }
}
