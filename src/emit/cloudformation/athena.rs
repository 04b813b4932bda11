//! The Athena table as CloudFormation writes it: `AWS::Glue::Database`, `AWS::Glue::Table` and
//! `AWS::Athena::WorkGroup`.
//!
//! Part of the CloudFormation emitter, kept apart so that each file stays short; like it, it
//! decides nothing and cannot fail: every value comes from `model::athena`.

use super::{expr, logical_id, resource, tagged, text};
use crate::emit::{fields, object};
use crate::expr::{Attr, Expr, Res};
use crate::model::athena::{COLUMNS, INPUT_FORMAT, OUTPUT_FORMAT, PARTITION_KEYS, SERDE};
use crate::model::Model;
use serde_json::{json, Map, Value};

fn columns<'a>(list: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Array(
        list.map(|(name, kind)| json!({"Name": name, "Type": kind}))
            .collect(),
    )
}

pub(super) fn add(model: &Model, resources: &mut Map<String, Value>) {
    let Some(a) = &model.athena else { return };
    let catalog = expr(&Expr::Account);
    resources.insert(
        logical_id(Res::AthenaDatabase).into(),
        resource(
            "AWS::Glue::Database",
            &[],
            object([
                ("CatalogId", catalog.clone()),
                (
                    "DatabaseInput",
                    object([
                        ("Name", text(&a.database)),
                        ("Description", text(&a.database_description)),
                    ]),
                ),
            ]),
        ),
    );
    let parameters: Map<String, Value> = a
        .parameters()
        .into_iter()
        .map(|(k, v)| (k.to_string(), expr(&v)))
        .collect();
    let table = object([
        ("Name", text(&a.table)),
        ("Description", text(&a.table_description)),
        ("TableType", json!("EXTERNAL_TABLE")),
        ("Parameters", Value::Object(parameters)),
        (
            "PartitionKeys",
            columns(PARTITION_KEYS.iter().map(|k| (*k, "string"))),
        ),
        (
            "StorageDescriptor",
            object([
                ("Location", expr(&a.location)),
                ("InputFormat", json!(INPUT_FORMAT)),
                ("OutputFormat", json!(OUTPUT_FORMAT)),
                ("SerdeInfo", json!({"SerializationLibrary": SERDE})),
                ("Columns", columns(COLUMNS.iter().copied())),
            ]),
        ),
    ]);
    resources.insert(
        logical_id(Res::AthenaTable).into(),
        resource(
            "AWS::Glue::Table",
            &[],
            object([
                ("CatalogId", catalog),
                (
                    "DatabaseName",
                    expr(&Expr::Attr(Res::AthenaDatabase, Attr::Name)),
                ),
                ("TableInput", table),
            ]),
        ),
    );
    let w = &a.workgroup;
    let encryption = fields(vec![
        ("EncryptionOption", Some(json!(w.encryption.aws_name()))),
        ("KmsKey", w.encryption.key().map(expr)),
    ]);
    let results = fields(vec![
        ("OutputLocation", Some(expr(&w.output_location))),
        ("EncryptionConfiguration", Some(Value::Object(encryption))),
        (
            "ExpectedBucketOwner",
            w.expected_bucket_owner.as_ref().map(expr),
        ),
    ]);
    let p = fields(vec![
        ("Name", Some(text(&w.name))),
        ("Description", Some(text(&w.description))),
        ("State", Some(json!("ENABLED"))),
        (
            "WorkGroupConfiguration",
            Some(json!({
                "EnforceWorkGroupConfiguration": true,
                "PublishCloudWatchMetricsEnabled": true,
                "ResultConfiguration": results
            })),
        ),
    ]);
    resources.insert(
        logical_id(Res::AthenaWorkgroup).into(),
        resource("AWS::Athena::WorkGroup", &[], tagged(p, model)),
    );
}
