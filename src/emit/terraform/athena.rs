//! The Athena table as Terraform writes it: `aws_glue_catalog_database`,
//! `aws_glue_catalog_table` and `aws_athena_workgroup`.
//!
//! Part of the Terraform emitter, kept apart so that each file stays short; like it, it decides
//! nothing and cannot fail: every value comes from `model::athena`.

use super::{address, expr, object, text, with_tags, Blocks};
use crate::emit::fields;
use crate::expr::{Attr, Expr, Res};
use crate::model::athena::{COLUMNS, INPUT_FORMAT, OUTPUT_FORMAT, PARTITION_KEYS, SERDE};
use crate::model::Model;
use serde_json::{json, Map, Value};

fn columns<'a>(list: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Array(
        list.map(|(name, kind)| json!({"name": name, "type": kind}))
            .collect(),
    )
}

pub(super) fn add(model: &Model, resources: &mut Blocks) {
    let Some(a) = &model.athena else { return };
    resources.resource(
        address(Res::AthenaDatabase),
        object([
            ("name", text(&a.database)),
            ("description", text(&a.database_description)),
        ]),
    );
    let parameters: Map<String, Value> = a
        .parameters()
        .into_iter()
        .map(|(k, v)| (k.to_string(), expr(&v)))
        .collect();
    resources.resource(
        address(Res::AthenaTable),
        object([
            ("name", text(&a.table)),
            (
                "database_name",
                expr(&Expr::Attr(Res::AthenaDatabase, Attr::Name)),
            ),
            ("description", text(&a.table_description)),
            ("table_type", json!("EXTERNAL_TABLE")),
            ("parameters", Value::Object(parameters)),
            (
                "partition_keys",
                columns(PARTITION_KEYS.iter().map(|k| (*k, "string"))),
            ),
            (
                "storage_descriptor",
                object([
                    ("location", expr(&a.location)),
                    ("input_format", json!(INPUT_FORMAT)),
                    ("output_format", json!(OUTPUT_FORMAT)),
                    ("ser_de_info", json!({"serialization_library": SERDE})),
                    ("columns", columns(COLUMNS.iter().copied())),
                ]),
            ),
        ]),
    );
    let w = &a.workgroup;
    let encryption = fields(vec![
        ("encryption_option", Some(json!(w.encryption.aws_name()))),
        ("kms_key_arn", w.encryption.key().map(expr)),
    ]);
    let results = fields(vec![
        ("output_location", Some(expr(&w.output_location))),
        ("encryption_configuration", Some(Value::Object(encryption))),
        (
            "expected_bucket_owner",
            w.expected_bucket_owner.as_ref().map(expr),
        ),
    ]);
    let body = fields(vec![
        ("name", Some(text(&w.name))),
        ("description", Some(text(&w.description))),
        ("state", Some(json!("ENABLED"))),
        (
            "configuration",
            Some(json!({
                "enforce_workgroup_configuration": true,
                "publish_cloudwatch_metrics_enabled": true,
                "result_configuration": results
            })),
        ),
    ]);
    resources.resource(address(Res::AthenaWorkgroup), with_tags(body, model));
}
