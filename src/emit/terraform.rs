//! The model as a Terraform JSON configuration (`.tf.json`) for the hashicorp/aws provider 5.100+
//! or 6.2+ (`Model::terraform_provider`).
//!
//! Owns resource addresses and Terraform syntax: `${...}` interpolation, data sources for
//! account, partition and region, the split S3 resources of provider v4+, `depends_on`, policies as
//! `aws_iam_policy_document` data sources (readable in review and by checkov, unlike
//! `jsonencode`). It makes no decisions and cannot fail; every setting comes from `model`. The
//! alarms and their topic are written by `alarms`, the bucket and its settings by `bucket`, the
//! variables and a module's preconditions by `inputs`.

mod alarms;
mod athena;
mod bucket;
mod event_rules;
mod inputs;
mod provider;

use inputs::{guard, variables, variables_used};
use provider::region_for_6;
pub use provider::{PROVIDER_6_VERSION, PROVIDER_VERSION};

use super::{fields, object, pretty};
use crate::expr::{Attr, Expr, Res, Text};
use crate::model::{Model, TerraformProvider, Trail};
use crate::policy::{Policy, Principal};
use crate::selectors::Selectors;
use serde_json::{json, Map, Value};

/// The resource type and name of each model resource, as `type.name`.
pub fn address(res: Res) -> &'static str {
    match res {
        Res::Bucket => "aws_s3_bucket.trail",
        Res::BucketPolicy => "aws_s3_bucket_policy.trail",
        Res::BucketPublicAccessBlock => "aws_s3_bucket_public_access_block.trail",
        Res::BucketOwnership => "aws_s3_bucket_ownership_controls.trail",
        Res::BucketEncryption => "aws_s3_bucket_server_side_encryption_configuration.trail",
        Res::BucketVersioning => "aws_s3_bucket_versioning.trail",
        Res::BucketLifecycle => "aws_s3_bucket_lifecycle_configuration.trail",
        Res::BucketLogging => "aws_s3_bucket_logging.trail",
        Res::BucketObjectLock => "aws_s3_bucket_object_lock_configuration.trail",
        Res::Key => "aws_kms_key.trail",
        Res::KeyAlias => "aws_kms_alias.trail",
        Res::Topic => "aws_sns_topic.trail",
        Res::TopicPolicy => "aws_sns_topic_policy.trail",
        Res::AlertsTopic => "aws_sns_topic.alerts",
        Res::AlertsTopicPolicy => "aws_sns_topic_policy.alerts",
        Res::LogGroup => "aws_cloudwatch_log_group.trail",
        Res::LogsRole => "aws_iam_role.trail_logs",
        Res::LogsRolePolicy => "aws_iam_role_policy.trail_logs",
        Res::Trail => "aws_cloudtrail.trail",
        Res::AthenaDatabase => "aws_glue_catalog_database.trail",
        Res::AthenaTable => "aws_glue_catalog_table.trail",
        Res::AthenaWorkgroup => "aws_athena_workgroup.trail",
    }
}

/// What a resource that waits for `res` names in `depends_on`: the role is usable once its
/// permissions are attached, and here they are a resource of their own.
fn ready(res: Res) -> Res {
    match res {
        Res::LogsRole => Res::LogsRolePolicy,
        other => other,
    }
}

fn reference(res: Res, attr: Attr) -> String {
    let field = match (res, attr) {
        (Res::Bucket, Attr::Name) => "id",
        (Res::Key, Attr::Id) => "key_id",
        (_, Attr::Id) => "id",
        (_, Attr::Name) => "name",
        // aws_cloudwatch_log_group.arn has no `:*` (provider issue #14557), as the model means.
        (_, Attr::Arn) => "arn",
    };
    format!("{}.{field}", address(res))
}

/// `${` and `%{` start template sequences in every Terraform string ("Strings and Templates",
/// and the JSON syntax reads each JSON string as one); `$${` and `%%{` stand for them literally.
fn escaped(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(at) = rest.find(['$', '%']) {
        out.push_str(&rest[..=at]);
        if rest[at + 1..].starts_with('{') {
            out.push_str(&rest[at..=at]);
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Text a user wrote, spelled so that Terraform reads exactly those characters: the one place
/// where this emitter reads a `Text` (`tests/architecture.rs` holds it to that). Map keys use it
/// as it is, since Terraform reads the property names of a JSON object as templates too.
fn spelled(t: &Text) -> String {
    let mut out = String::new();
    escaped(t.verbatim(), &mut out);
    out
}

/// A string literal inside an interpolation, from template text (`escaped` already): `\` and `"`
/// escaped as HCL string literals need, in quotes.
fn quoted(template_text: &str) -> String {
    let inner = template_text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{inner}\"")
}

/// Text a user wrote, as a Terraform string.
pub fn text(t: &Text) -> Value {
    match t.deployed() {
        Some(e) => expr(e),
        None => Value::String(spelled(t)),
    }
}

fn texts(list: &[Text]) -> Value {
    Value::Array(list.iter().map(text).collect())
}

fn template(e: &Expr, out: &mut String) {
    match e {
        Expr::Lit(s) => escaped(s, out),
        Expr::Partition => out.push_str("${data.aws_partition.current.partition}"),
        Expr::Account => out.push_str("${data.aws_caller_identity.current.account_id}"),
        Expr::Region => out.push_str("${data.aws_region.current.name}"),
        Expr::Attr(r, a) => {
            out.push_str("${");
            out.push_str(&reference(*r, *a));
            out.push('}');
        }
        Expr::Input(i) => {
            out.push_str("${var.");
            out.push_str(i.name());
            out.push('}');
        }
        Expr::Param(p) => {
            out.push_str("${var.");
            out.push_str(p);
            out.push('}');
        }
        Expr::Join(parts) => {
            for (i, part) in parts.iter().enumerate() {
                let start = out.len();
                template(part, out);
                let before_interpolation =
                    parts.get(i + 1).is_some_and(|n| !matches!(n, Expr::Lit(_)));
                if matches!(part, Expr::Lit(_)) && before_interpolation {
                    dollars_before_interpolation(out, start);
                }
            }
        }
    }
}

/// `$` right before `${` would read as the escape `$${`, so a literal's trailing run of `$` goes
/// into a quoted string of its own (`${"$"}`), where `$` not followed by `{` is itself.
fn dollars_before_interpolation(out: &mut String, start: usize) {
    let kept = out[start..].trim_end_matches('$').len() + start;
    if kept < out.len() {
        let run = out.split_off(kept);
        out.push_str("${\"");
        out.push_str(&run);
        out.push_str("\"}");
    }
}

/// An expression as a Terraform string (with interpolations).
pub fn expr(e: &Expr) -> Value {
    let mut out = String::new();
    template(e, &mut out);
    Value::String(out)
}

fn exprs(list: &[Expr]) -> Value {
    Value::Array(list.iter().map(expr).collect())
}

/// An `aws_iam_policy_document` data source body.
fn policy_document(p: &Policy) -> Value {
    let statements: Vec<Value> = p
        .statements
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("sid".into(), json!(s.sid));
            m.insert("effect".into(), json!(s.effect.as_str()));
            let principals = match &s.principal {
                Principal::Service(e) => Some(object([
                    ("type", json!("Service")),
                    ("identifiers", Value::Array(vec![expr(e)])),
                ])),
                Principal::Aws(list) => Some(object([
                    ("type", json!("AWS")),
                    ("identifiers", exprs(list)),
                ])),
                // type "*" renders `"Principal": "*"`, exactly what AWS documents.
                Principal::Everyone => Some(json!({"type": "*", "identifiers": ["*"]})),
                Principal::None => None,
            };
            if let Some(p) = principals {
                m.insert("principals".into(), Value::Array(vec![p]));
            }
            m.insert("actions".into(), json!(s.actions));
            if !s.resources.is_empty() {
                m.insert("resources".into(), exprs(&s.resources));
            }
            if !s.conditions.is_empty() {
                let conditions: Vec<Value> = s
                    .conditions
                    .iter()
                    .map(|c| {
                        object([
                            ("test", json!(c.test)),
                            ("variable", json!(c.key)),
                            ("values", exprs(&c.values)),
                        ])
                    })
                    .collect();
                m.insert("condition".into(), Value::Array(conditions));
            }
            Value::Object(m)
        })
        .collect();
    object([("statement", Value::Array(statements))])
}

/// Collects blocks by type, then name, in insertion order.
#[derive(Default)]
struct Blocks(Map<String, Value>);

impl Blocks {
    /// Declares a policy document data source and returns the reference that attaches it.
    fn policy(&mut self, name: &str, policy: &Policy) -> Value {
        self.add("aws_iam_policy_document", name, policy_document(policy));
        json!(format!("${{data.aws_iam_policy_document.{name}.json}}"))
    }

    fn add(&mut self, kind: &str, name: &str, body: Value) {
        let entry = self.0.entry(kind.to_string()).or_insert_with(|| json!({}));
        if let Value::Object(m) = entry {
            m.insert(name.to_string(), body);
        }
    }

    fn get_mut(&mut self, address: &str) -> Option<&mut Value> {
        let (kind, name) = address.split_once('.')?;
        self.0.get_mut(kind)?.get_mut(name)
    }

    /// Adds a resource under its `type.name` address.
    fn resource(&mut self, address: &str, body: Value) {
        if let Some((kind, name)) = address.split_once('.') {
            self.add(kind, name, body);
        }
    }
}

fn with_tags(mut body: Map<String, Value>, model: &Model) -> Value {
    if !model.tags.is_empty() {
        let tags: Map<String, Value> = model
            .tags
            .iter()
            .map(|(k, v)| (spelled(k), text(v)))
            .collect();
        body.insert("tags".into(), Value::Object(tags));
    }
    Value::Object(body)
}

/// The trail's selectors as `event_selector` or `advanced_event_selector`.
fn selectors(s: &Selectors) -> (&'static str, Value) {
    match s {
        Selectors::Basic(list) => {
            let items = list.iter().map(|s| {
                let resources: Vec<Value> = s
                    .data_resources
                    .iter()
                    .map(|r| {
                        object([
                            ("type", text(&r.resource_type)),
                            ("values", exprs(&r.values)),
                        ])
                    })
                    .collect();
                Value::Object(fields(vec![
                    ("read_write_type", Some(json!(s.read_write))),
                    (
                        "include_management_events",
                        Some(json!(s.include_management_events)),
                    ),
                    (
                        "exclude_management_event_sources",
                        (!s.exclude_management_sources.is_empty())
                            .then(|| texts(&s.exclude_management_sources)),
                    ),
                    (
                        "data_resource",
                        (!resources.is_empty()).then_some(Value::Array(resources)),
                    ),
                ]))
            });
            ("event_selector", Value::Array(items.collect()))
        }
        Selectors::Advanced(list) => {
            let items = list.iter().map(|a| {
                let conditions: Vec<Value> = a
                    .fields
                    .iter()
                    .map(|f| {
                        let mut m = Map::new();
                        m.insert("field".into(), text(&f.field));
                        for (op, values) in &f.conditions {
                            m.insert(
                                op.snake().to_string(),
                                Value::Array(values.iter().map(expr).collect()),
                            );
                        }
                        Value::Object(m)
                    })
                    .collect();
                object([
                    ("name", text(&a.name)),
                    ("field_selector", Value::Array(conditions)),
                ])
            });
            ("advanced_event_selector", Value::Array(items.collect()))
        }
    }
}

/// What the provider reads back into `sns_topic_name`: CloudTrail takes a topic's name or ARN,
/// and the provider stores the name when the topic is in the trail's own account and region, the
/// ARN otherwise (hashicorp/terraform-provider-aws #41262, #41279), so an existing topic's ARN
/// written as it is would show a change on every plan in its own account. The prefix of this
/// account and region comes off at plan time, as the provider's read does.
const OWN_TOPIC_PREFIX: &str = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:";

fn sns_topic(e: &Expr) -> Value {
    match e {
        Expr::Lit(arn) if arn.starts_with("arn:") => {
            // Validation leaves no `${`, `\` or `"` in an SNS ARN anyway.
            let mut arn_text = String::new();
            escaped(arn, &mut arn_text);
            Value::String(format!(
                "${{trimprefix({}, \"{OWN_TOPIC_PREFIX}\")}}",
                quoted(&arn_text)
            ))
        }
        other => expr(other),
    }
}

/// `insight_categories` and `aggregations` are not written: no hashicorp/aws `aws_cloudtrail`
/// has them, and `compile` refuses a Terraform output that needs them
/// (`terraform-unsupported-setting`).
fn trail(t: &Trail, model: &Model) -> Value {
    let (selector_key, selector_list) = selectors(&t.selectors);
    let insights: Vec<Value> = t
        .insights
        .iter()
        .map(|i| json!({"insight_type": i}))
        .collect();
    let body = fields(vec![
        ("name", Some(text(&t.name))),
        ("enable_logging", Some(json!(t.logging))),
        ("s3_bucket_name", Some(expr(&t.bucket_name))),
        ("s3_key_prefix", t.prefix.as_ref().map(text)),
        ("kms_key_id", t.kms_key.as_ref().map(expr)),
        ("sns_topic_name", t.sns_topic.as_ref().map(sns_topic)),
        (
            "cloud_watch_logs_group_arn",
            t.cloudwatch_logs.as_ref().map(|c| expr(&c.0)),
        ),
        (
            "cloud_watch_logs_role_arn",
            t.cloudwatch_logs.as_ref().map(|c| expr(&c.1)),
        ),
        // Written even where they match a default: the provider's defaults for these two
        // (false) differ from CloudFormation's and from ours.
        ("is_multi_region_trail", Some(json!(t.multi_region))),
        (
            "include_global_service_events",
            Some(json!(t.global_service_events)),
        ),
        (
            "enable_log_file_validation",
            Some(json!(t.log_file_validation)),
        ),
        ("is_organization_trail", Some(json!(t.organization))),
        (selector_key, Some(selector_list)),
        (
            "insight_selector",
            (!insights.is_empty()).then_some(Value::Array(insights)),
        ),
    ]);
    // Meta-arguments last, after the trail's own settings and tags.
    let mut body = with_tags(body, model);
    if let Value::Object(m) = &mut body {
        if !t.depends_on.is_empty() {
            let deps: Vec<&str> = t.depends_on.iter().map(|d| address(ready(*d))).collect();
            m.insert("depends_on".into(), json!(deps));
        }
    }
    body
}

/// The whole configuration, pretty-printed with a trailing newline.
pub fn emit(model: &Model) -> String {
    let mut data = Blocks::default();
    let mut resources = Blocks::default();
    data.add("aws_caller_identity", "current", json!({}));
    data.add("aws_partition", "current", json!({}));
    data.add("aws_region", "current", json!({}));

    if let Some(b) = &model.bucket {
        bucket::add(b, model, &mut resources, &mut data);
    }
    if let Some(k) = &model.key {
        let policy = data.policy("key", &k.policy);
        let body = fields(vec![
            ("description", Some(text(&k.description))),
            ("enable_key_rotation", Some(json!(k.rotation))),
            (
                "deletion_window_in_days",
                Some(json!(k.deletion_window_days)),
            ),
            ("multi_region", k.multi_region.then(|| json!(true))),
            ("policy", Some(policy)),
        ]);
        resources.resource(address(Res::Key), with_tags(body, model));
        resources.resource(
            address(Res::KeyAlias),
            object([
                ("name", text(&k.alias)),
                ("target_key_id", expr(&Expr::Attr(Res::Key, Attr::Id))),
            ]),
        );
    }
    if let Some(t) = &model.topic {
        let body = fields(vec![
            ("name", Some(text(&t.name))),
            ("kms_master_key_id", t.kms_key.as_ref().map(expr)),
        ]);
        resources.resource(address(Res::Topic), with_tags(body, model));
        let policy = data.policy("topic", &t.policy);
        resources.resource(
            address(Res::TopicPolicy),
            json!({
                "arn": expr(&Expr::Attr(Res::Topic, Attr::Arn)),
                "policy": policy
            }),
        );
        alarms::add_subscriptions(
            &mut resources,
            "trail",
            &expr(&Expr::Attr(Res::Topic, Attr::Arn)),
            &t.subscriptions,
        );
    }
    if let Some(g) = &model.log_group {
        let body = fields(vec![
            ("name", Some(text(&g.name))),
            // "aws_cloudwatch_log_group" (Terraform AWS provider): "Possible values are: 1, 3,
            // ..., 3653, and 0. If you select 0, the events in the log group are always retained
            // and never expire." An explicit 0 rather than leaving the argument out: the provider
            // reads a group without a retention policy back as 0, so the configuration equals the
            // state and a second `terraform plan` has nothing to change.
            (
                "retention_in_days",
                Some(json!(g.retention.days().unwrap_or(0))),
            ),
            ("kms_key_id", g.kms_key.as_ref().map(expr)),
        ]);
        resources.resource(address(Res::LogGroup), with_tags(body, model));
    }
    if let Some(r) = &model.logs_role {
        let trust = data.policy("logs_trust", &r.trust);
        let permissions = data.policy("logs", &r.policy);
        let body = fields(vec![
            ("name", r.name.as_ref().map(text)),
            ("path", r.path.as_ref().map(text)),
            ("description", Some(text(&r.description))),
            ("assume_role_policy", Some(trust)),
            (
                "permissions_boundary",
                r.permissions_boundary.as_ref().map(text),
            ),
        ]);
        resources.resource(address(Res::LogsRole), with_tags(body, model));
        resources.resource(
            address(Res::LogsRolePolicy),
            json!({
                "name": r.policy_name,
                "role": expr(&Expr::Attr(Res::LogsRole, Attr::Id)),
                "policy": permissions
            }),
        );
    }
    if let Some(t) = &model.trail {
        resources.resource(address(Res::Trail), trail(t, model));
    }
    alarms::add(model, &mut resources, &mut data);
    athena::add(model, &mut resources);
    event_rules::add(model, &mut resources);
    // Terraform has no "retain": refusing to destroy is its way to keep the evidence.
    for res in &model.retained {
        if let Some(Value::Object(body)) = resources.get_mut(address(*res)) {
            body.insert("lifecycle".into(), json!({"prevent_destroy": true}));
        }
    }

    let mut config = Map::new();
    let version = match model.terraform_provider {
        TerraformProvider::V5 => PROVIDER_VERSION,
        TerraformProvider::V6 => PROVIDER_6_VERSION,
    };
    config.insert(
        "terraform".into(),
        json!({"required_providers": {"aws": {"source": "hashicorp/aws", "version": version}}}),
    );
    let provider = fields(vec![
        ("region", model.home_region.as_ref().map(text)),
        // The provider refuses credentials of any other account before it plans anything.
        (
            "allowed_account_ids",
            model.account.as_ref().map(|a| json!([text(a)])),
        ),
    ]);
    if model.terraform_module {
        // "Providers Within Modules": a module with its own provider block cannot take
        // for_each, count or depends_on; the caller's provider must be where the spec says.
        guard(model, &mut resources);
    } else if !provider.is_empty() {
        config.insert("provider".into(), json!({ "aws": provider }));
    }
    let outputs: Map<String, Value> = model
        .outputs
        .iter()
        .map(|o| {
            (
                o.name.to_string(),
                json!({"description": o.description, "value": expr(&o.value)}),
            )
        })
        .collect();
    let mut used = Vec::new();
    resources
        .0
        .values()
        .for_each(|r| variables_used(r, &mut used));
    data.0.values().for_each(|d| variables_used(d, &mut used));
    outputs.values().for_each(|o| variables_used(o, &mut used));
    let variables = variables(model, &used);
    if !variables.is_empty() {
        config.insert("variable".into(), Value::Object(variables));
    }
    config.insert("data".into(), Value::Object(data.0));
    config.insert("resource".into(), Value::Object(resources.0));
    config.insert("output".into(), Value::Object(outputs));
    let mut config = Value::Object(config);
    if model.terraform_provider == TerraformProvider::V6 {
        region_for_6(&mut config);
    }
    pretty(&config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_has_no_provider_block_and_keeps_its_account_and_region_as_preconditions() {
        let (spec, selectors) = crate::validate::valid(
            "version: 1\ntrail: {name: org-audit, home_region: eu-west-1, organization: {id: o-abc123def4}}\n\
             accounts: {log_archive: '111111111111', management: '222222222222'}\n\
             bucket: {name: org-audit-logs-111111111111}\nterraform: {module: true}\n",
        );
        for model in crate::model::lower_all(&spec, selectors) {
            let config: Value = serde_json::from_str(&emit(&model)).unwrap_or_default();
            assert!(config.get("provider").is_none());
            let (kind, name) = if model.trail.is_some() {
                ("aws_cloudtrail", "trail")
            } else {
                ("aws_s3_bucket", "trail")
            };
            let conditions = &config["resource"][kind][name]["lifecycle"]["precondition"];
            let account = model
                .account
                .as_ref()
                .map(Text::verbatim)
                .unwrap_or_default();
            assert_eq!(
                conditions[0]["condition"],
                json!("${data.aws_region.current.name == \"eu-west-1\"}")
            );
            assert_eq!(
                conditions[1]["condition"],
                json!(format!(
                    "${{data.aws_caller_identity.current.account_id == \"{account}\"}}"
                ))
            );
        }
    }

    #[test]
    fn expressions_become_interpolations() {
        assert_eq!(
            expr(&Expr::Attr(Res::Bucket, Attr::Name)),
            json!("${aws_s3_bucket.trail.id}")
        );
        assert_eq!(
            expr(&Expr::join([
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(":x:${y}%{z}")
            ])),
            json!("arn:${data.aws_partition.current.partition}:x:$${y}%%{z}")
        );
        assert_eq!(
            expr(&Expr::Attr(Res::LogsRole, Attr::Arn)),
            json!("${aws_iam_role.trail_logs.arn}")
        );
    }

    #[test]
    fn an_existing_topic_loses_this_account_and_region_as_the_provider_reads_it() {
        assert_eq!(
            sns_topic(&Expr::lit("arn:aws:sns:eu-west-1:111122223333:audit")),
            json!("${trimprefix(\"arn:aws:sns:eu-west-1:111122223333:audit\", \"arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:\")}")
        );
        // A new topic is named by reference, as before.
        assert_eq!(
            sns_topic(&Expr::Attr(Res::Topic, Attr::Name)),
            json!("${aws_sns_topic.trail.name}")
        );
    }

    #[test]
    fn a_literal_ending_in_dollars_stays_apart_from_the_next_interpolation() {
        assert_eq!(
            expr(&Expr::join([
                Expr::lit("a$$"),
                Expr::Account,
                Expr::lit("b$")
            ])),
            json!("a${\"$$\"}${data.aws_caller_identity.current.account_id}b$")
        );
    }

    #[test]
    fn text_is_escaped_wherever_a_sequence_could_start() {
        for (written, rendered) in [
            ("${file(\"/etc/passwd\")}", "$${file(\"/etc/passwd\")}"),
            ("%{ if true }x%{ endif }", "%%{ if true }x%%{ endif }"),
            // Already escaped text stays the same characters: `$${` means `$` then `${`.
            ("$${x} %%{y}", "$$${x} %%%{y}"),
            ("100% $5 {a} $", "100% $5 {a} $"),
            ("", ""),
        ] {
            assert_eq!(text(&Text::from(written)), json!(rendered), "{written}");
        }
        assert_eq!(spelled(&Text::from("a${b}")), "a$${b}");
    }
}
