//! What differs between the hashicorp/aws lines the output is written for: the version
//! constraint and, on 6.x, how the region is named. It decides nothing: `Model::terraform_provider`
//! says which line.

use serde_json::Value;

/// The provider versions this output is written for: what `selectors::TERRAFORM_FIELDS` and the
/// schema the tests check against were read from (5.100), up to the next major version, whose
/// breaking changes nobody has checked.
pub const PROVIDER_VERSION: &str = "~> 5.100";

/// The 6.x line from 6.2: the first release whose `aws_cloudtrail` takes `errorCode`,
/// `eventType`, `sessionCredentialFromConsole` and `vpcEndpointId` in a field selector
/// (hashicorp/terraform-provider-aws CHANGELOG, 6.2.0, #43091), up to 7.0.
pub const PROVIDER_6_VERSION: &str = "~> 6.2";

/// How outputs name the region: `name` on 5.x; on 6.x `name` is deprecated for `region`
/// (hashicorp/terraform-provider-aws #42131, 6.0.0), and `terraform validate` warns of it.
const REGION_5: &str = "${data.aws_region.current.name}";
const REGION_6: &str = "${data.aws_region.current.region}";

/// Every interpolation of the region in `v` spelled for provider 6. An interpolation `${` is
/// never preceded by `$` in this emitter's output (`$${` is the escape of literal text, and a
/// literal `$` before an interpolation is quoted apart), so only real references change.
pub(super) fn region_for_6(v: &mut Value) {
    match v {
        Value::String(s) => {
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(at) = rest.find(REGION_5) {
                let before = if at == 0 { out.as_str() } else { &rest[..at] };
                let escaped = before.ends_with('$');
                out.push_str(&rest[..at]);
                out.push_str(if escaped { REGION_5 } else { REGION_6 });
                rest = &rest[at + REGION_5.len()..];
            }
            out.push_str(rest);
            *s = out;
        }
        Value::Array(items) => items.iter_mut().for_each(region_for_6),
        Value::Object(map) => map.values_mut().for_each(region_for_6),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn provider_6_names_the_region_by_its_new_attribute_and_leaves_text_alone() {
        let mut v = json!({
            "a": ["arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:x"],
            "b": "${trimprefix(\"t\", \"arn:${data.aws_region.current.name}:\")}",
            // A user's literal text, escaped: not a reference.
            "c": "$${data.aws_region.current.name} and $$${data.aws_region.current.name}",
            "d": "${\"$\"}${data.aws_region.current.name}${data.aws_region.current.name}"
        });
        region_for_6(&mut v);
        assert_eq!(
            v,
            json!({
                "a": ["arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.region}:x"],
                "b": "${trimprefix(\"t\", \"arn:${data.aws_region.current.region}:\")}",
                "c": "$${data.aws_region.current.name} and $$${data.aws_region.current.name}",
                "d": "${\"$\"}${data.aws_region.current.region}${data.aws_region.current.region}"
            })
        );
    }
}
