//! Part of `tests/golden.rs`: both targets make the same Athena table and workgroup: the Glue
//! database, the table's type, columns, partition keys, every table property (partition
//! projection and the storage location template), location, formats and SerDe, and the
//! workgroup's enforcement, results location, encryption and expected owner. Each line is written
//! from the CloudFormation and Terraform resource references, not from the emitters.

use super::{built, cfn_value, parsed, tf_str, Case};
use serde_json::Value;
use trailsmith::Target;

fn text(v: &Value, value: fn(&Value) -> String) -> String {
    if v.is_null() {
        "-".into()
    } else {
        value(v)
    }
}

fn columns(list: &Value, name: &str, kind: &str, what: &str) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|c| format!("{what} {} {}", c[name], c[kind]))
        .collect()
}

fn cfn_athena(template: &Value) -> Option<Vec<String>> {
    let r = &template["Resources"];
    let db = &r["TrailAthenaDatabase"]["Properties"];
    if db.is_null() {
        return None;
    }
    let t = &r["TrailAthenaTable"]["Properties"];
    let input = &t["TableInput"];
    let sd = &input["StorageDescriptor"];
    let mut lines = vec![
        format!("database {}", db["DatabaseInput"]["Name"]),
        format!(
            "table {} in {} type {}",
            input["Name"],
            cfn_value(&t["DatabaseName"]),
            input["TableType"]
        ),
    ];
    for (k, v) in input["Parameters"].as_object().into_iter().flatten() {
        lines.push(format!("property {k}={}", cfn_value(v)));
    }
    lines.extend(columns(
        &input["PartitionKeys"],
        "Name",
        "Type",
        "partition",
    ));
    lines.extend(columns(&sd["Columns"], "Name", "Type", "column"));
    lines.push(format!(
        "location {} input {} output {} serde {}",
        cfn_value(&sd["Location"]),
        sd["InputFormat"],
        sd["OutputFormat"],
        sd["SerdeInfo"]["SerializationLibrary"]
    ));
    let w = &r["TrailAthenaWorkGroup"]["Properties"];
    let c = &w["WorkGroupConfiguration"];
    let results = &c["ResultConfiguration"];
    let enc = &results["EncryptionConfiguration"];
    lines.push(format!(
        "workgroup {} {} enforce={} metrics={} output {} {} key {} owner {}",
        w["Name"],
        w["State"],
        c["EnforceWorkGroupConfiguration"],
        c["PublishCloudWatchMetricsEnabled"],
        cfn_value(&results["OutputLocation"]),
        enc["EncryptionOption"],
        text(&enc["KmsKey"], cfn_value),
        text(&results["ExpectedBucketOwner"], cfn_value),
    ));
    Some(lines)
}

fn tf_athena(config: &Value) -> Option<Vec<String>> {
    let r = &config["resource"];
    let db = &r["aws_glue_catalog_database"]["trail"];
    if db.is_null() {
        return None;
    }
    let t = &r["aws_glue_catalog_table"]["trail"];
    let sd = &t["storage_descriptor"];
    let mut lines = vec![
        format!("database {}", db["name"]),
        format!(
            "table {} in {} type {}",
            t["name"],
            tf_str(&t["database_name"]),
            t["table_type"]
        ),
    ];
    for (k, v) in t["parameters"].as_object().into_iter().flatten() {
        lines.push(format!("property {k}={}", tf_str(v)));
    }
    lines.extend(columns(&t["partition_keys"], "name", "type", "partition"));
    lines.extend(columns(&sd["columns"], "name", "type", "column"));
    lines.push(format!(
        "location {} input {} output {} serde {}",
        tf_str(&sd["location"]),
        sd["input_format"],
        sd["output_format"],
        sd["ser_de_info"]["serialization_library"]
    ));
    let w = &r["aws_athena_workgroup"]["trail"];
    let c = &w["configuration"];
    let results = &c["result_configuration"];
    let enc = &results["encryption_configuration"];
    lines.push(format!(
        "workgroup {} {} enforce={} metrics={} output {} {} key {} owner {}",
        w["name"],
        w["state"],
        c["enforce_workgroup_configuration"],
        c["publish_cloudwatch_metrics_enabled"],
        tf_str(&results["output_location"]),
        enc["encryption_option"],
        text(&enc["kms_key_arn"], tf_str),
        text(&results["expected_bucket_owner"], tf_str),
    ));
    Some(lines)
}

#[test]
fn both_targets_make_the_same_athena_table() {
    let mut compared = 0;
    for (example, tf) in built(Target::Terraform) {
        let template: Value = parsed(&example, Target::CloudFormation);
        let config: Value = serde_json::from_str(&tf).expect("JSON");
        let (cfn, tf) = (cfn_athena(&template), tf_athena(&config));
        assert_eq!(cfn, tf, "Athena differs for {}", example.display());
        compared += usize::from(cfn.is_some());
    }
    assert!(compared >= 2, "{compared} Athena tables compared");
}

#[test]
fn the_athena_comparison_sees_a_change() {
    let example = Case::whole("examples/athena.yaml");
    let template: Value = parsed(&example, Target::CloudFormation);
    let mut config: Value = parsed(&example, Target::Terraform);
    assert_eq!(cfn_athena(&template), tf_athena(&config));
    config["resource"]["aws_glue_catalog_table"]["trail"]["parameters"]
        ["storage.location.template"] = Value::from("s3://x/AWSLogs/$${account}/$${region}");
    assert_ne!(cfn_athena(&template), tf_athena(&config));
}
