//! What the JSON Schema can say of a value's form, for editors: the patterns and value lists the
//! schema carries, and the transforms that make the generated schema compile in strict validators.
//!
//! Owns the regular expressions and lists put into `schemas/trail-spec.schema.json`. Each pattern
//! here is weaker than (or equal to) an AWS rule in `validate`, which words the same refusal with
//! a located error and a hint; `validate::schema` therefore leaves these patterns to the rules
//! (`RULED`), and `tests/schema.rs` proves every value a pattern refuses is an error in
//! `validate` too. It must not hold rules a pattern cannot say (lengths, IP-address forms,
//! reserved prefixes, near misses): those stay in `validate` alone.

use schemars::transform::{RestrictFormats, Transform};
use schemars::Schema;
use serde_json::Value;

/// A deploy-time reference inside a name (`${account}`, `${region}`, a parameter's `${name}`),
/// accepted wherever `validate::deploy_time` allows references.
macro_rules! with_refs {
    ($chars:literal) => {
        concat!(r"^(?:[", $chars, r"]|\$\{[a-z0-9_]+\})+$")
    };
}

/// A region code as `validate::names::region` accepts it: two or three lowercase words and a
/// number (`eu-west-1`, `us-gov-west-1`). A pattern, not the list of known regions, so that a
/// region newer than trailsmith is not refused by an editor ("AWS Regions" in the AWS docs).
pub const REGION: &str = r"^[a-z]+(?:-[a-z]+){1,2}-[0-9]+$";

/// A trail name's characters and edges ("CreateTrail" API reference, Name): letters, digits,
/// `.`, `_`, `-`, starting and ending with a letter or digit, no two punctuation marks in a row.
/// Its length (3 to 128) and the IP-address form are left to `validate`.
pub const TRAIL_NAME: &str = r"^[A-Za-z0-9](?:[._-]?[A-Za-z0-9])+$";

/// "Organization" object in the AWS Organizations API reference.
pub const ORGANIZATION_ID: &str = r"^o-[a-z0-9]{10,32}$";

/// Twelve digits; quoted in YAML, or a leading zero is lost.
pub const ACCOUNT_ID: &str = r"^[0-9]{12}$";

/// A bucket name's characters ("General purpose bucket naming rules"), or deploy-time
/// references; the edges, length and reserved prefixes and suffixes are left to `validate`.
pub const BUCKET_NAME: &str = with_refs!("a-z0-9.-");

/// `AWS::Service::Type`, the form of CloudTrail's resource types ("AdvancedFieldSelector").
pub const RESOURCE_TYPE: &str = r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$";

/// The patterns `validate` words through its own rules instead of the schema's "does not match".
pub const RULED: [&str; 6] = [
    REGION,
    TRAIL_NAME,
    ORGANIZATION_ID,
    ACCOUNT_ID,
    BUCKET_NAME,
    RESOURCE_TYPE,
];

/// "PutRetentionPolicy" API reference, retentionInDays parameter: the only numbers of days a
/// log group keeps events.
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The retention's number of days as a list of values, so an editor offers and checks them.
pub(super) fn retention_values(schema: &mut Schema) {
    if let Some(Value::Array(forms)) = schema.get_mut("anyOf") {
        for form in forms.iter_mut() {
            if form.get("type") == Some(&Value::from("integer")) {
                if let Some(form) = form.as_object_mut() {
                    form.insert("enum".into(), Value::from(RETENTION_DAYS.to_vec()));
                }
            }
        }
    }
}

/// Removes `format: uint32`, `int64`, `double`: schemars' words for Rust types, not JSON Schema
/// formats, which Ajv in strict mode refuses to compile ("Strict mode" in the Ajv docs). The
/// ranges those types imply stay as `minimum` and `maximum`. Formats the schema's draft defines
/// (none today) are kept.
pub(super) fn strict_formats(schema: &mut Schema) {
    RestrictFormats::default().transform(schema);
}

/// Removes the `pattern` keywords of `RULED` from a schema: the copy `validate`'s generated
/// validator is built from, which would only find errors that `validate` drops (see
/// `spec::shape_schema_text`).
pub(super) fn without_ruled(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let ruled = map
                .get("pattern")
                .and_then(Value::as_str)
                .is_some_and(|p| RULED.contains(&p));
            if ruled {
                map.shift_remove("pattern");
            }
            map.values_mut().for_each(without_ruled);
        }
        Value::Array(items) => items.iter_mut().for_each(without_ruled),
        _ => {}
    }
}
