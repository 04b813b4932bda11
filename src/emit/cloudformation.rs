//! The model as a CloudFormation JSON template.
//!
//! Owns logical ids and CloudFormation syntax: `Ref`, `Fn::GetAtt`, `Fn::Sub`, pseudo parameters,
//! `DependsOn`, `Rules`. It makes no decisions and cannot fail; every setting comes from `model`.
//! The alarms and their topic are written by `alarms`; the parameters, rules and references by
//! `inputs`.

mod alarms;
mod athena;
mod event_rules;
mod inputs;

use super::{document, fields, object, pascal_case};
use crate::expr::{Attr, Expr, Res, Text};
use crate::model::{Bucket, LifecycleRule, LockPeriod, Model, ObjectLock, Trail};
use crate::policy::Policy;
use crate::selectors::Selectors;
use inputs::{parameters, references, rules};
use serde_json::{json, Map, Value};

/// Stable logical ids: renaming one makes CloudFormation replace the resource. What Terraform
/// makes a resource of its own is here a property of the bucket or the role, so it has theirs.
pub fn logical_id(res: Res) -> &'static str {
    match res {
        Res::Bucket
        | Res::BucketPublicAccessBlock
        | Res::BucketOwnership
        | Res::BucketEncryption
        | Res::BucketVersioning
        | Res::BucketLifecycle
        | Res::BucketLogging
        | Res::BucketObjectLock => "TrailBucket",
        Res::BucketPolicy => "TrailBucketPolicy",
        Res::Key => "TrailKey",
        Res::KeyAlias => "TrailKeyAlias",
        Res::Topic => "TrailTopic",
        Res::TopicPolicy => "TrailTopicPolicy",
        Res::AlertsTopic => "AlertsTopic",
        Res::AlertsTopicPolicy => "AlertsTopicPolicy",
        Res::LogGroup => "TrailLogGroup",
        Res::LogsRole | Res::LogsRolePolicy => "TrailLogsRole",
        Res::Trail => "Trail",
        Res::AthenaDatabase => "TrailAthenaDatabase",
        Res::AthenaTable => "TrailAthenaTable",
        Res::AthenaWorkgroup => "TrailAthenaWorkGroup",
    }
}

/// The placeholder `Fn::Sub` uses for an attribute.
fn sub_ref(res: Res, attr: Attr) -> String {
    let id = logical_id(res);
    match (res, attr) {
        // Ref of a topic is its ARN; GetAtt of a log group's Arn ends in `:*`, which the model's
        // `Arn` (as AWS prints it) does not.
        (Res::Topic | Res::AlertsTopic, Attr::Arn) => format!("${{{id}}}"),
        (Res::Topic | Res::AlertsTopic, Attr::Name) => format!("${{{id}.TopicName}}"),
        (Res::LogGroup, Attr::Arn) => {
            format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{id}}}")
        }
        // Ref of a key is its id, of a role its name.
        (_, Attr::Name | Attr::Id) => format!("${{{id}}}"),
        (_, Attr::Arn) => format!("${{{id}.Arn}}"),
    }
}

fn sub_text(e: &Expr, out: &mut String) {
    match e {
        // `${` in a literal would start a placeholder; `${!` is Fn::Sub's escape for it.
        Expr::Lit(s) if !s.contains('$') => out.push_str(s),
        Expr::Lit(s) => out.push_str(&s.replace("${", "${!")),
        Expr::Partition => out.push_str("${AWS::Partition}"),
        Expr::Account => out.push_str("${AWS::AccountId}"),
        Expr::Region => out.push_str("${AWS::Region}"),
        Expr::Attr(r, a) => out.push_str(&sub_ref(*r, *a)),
        Expr::Input(i) => {
            out.push_str("${");
            out.push_str(&pascal_case(i.name()));
            out.push('}');
        }
        Expr::Param(p) => {
            out.push_str("${");
            out.push_str(&pascal_case(p));
            out.push('}');
        }
        Expr::Join(parts) => parts.iter().for_each(|p| sub_text(p, out)),
    }
}

/// Text a user wrote, as a plain template string: outside `Fn::Sub`, CloudFormation reads no
/// placeholder in it. Text that must sit inside one goes through `expr` as a literal instead.
pub fn text(t: &Text) -> Value {
    match t.deployed() {
        Some(e) => expr(e),
        None => Value::String(t.verbatim().to_string()),
    }
}

fn texts(list: &[Text]) -> Value {
    Value::Array(list.iter().map(text).collect())
}

/// An expression as a template value: a plain string, `Ref`, `Fn::GetAtt`, or `Fn::Sub`.
pub fn expr(e: &Expr) -> Value {
    match e {
        Expr::Lit(s) => json!(s),
        Expr::Partition => json!({"Ref": "AWS::Partition"}),
        Expr::Account => json!({"Ref": "AWS::AccountId"}),
        Expr::Region => json!({"Ref": "AWS::Region"}),
        _ => {
            let mut text = String::new();
            sub_text(e, &mut text);
            let inner = text.strip_prefix("${").and_then(|t| t.strip_suffix('}'));
            match inner {
                Some(name) if !name.contains(['$', '{', '}']) => match name.split_once('.') {
                    Some((id, attr)) => json!({"Fn::GetAtt": [id, attr]}),
                    None => json!({"Ref": name}),
                },
                _ => json!({"Fn::Sub": text}),
            }
        }
    }
}

fn policy(p: &Policy) -> Value {
    document(p, expr)
}

fn tags(model: &Model) -> Value {
    Value::Array(
        model
            .tags
            .iter()
            .map(|(k, v)| object([("Key", text(k)), ("Value", text(v))]))
            .collect(),
    )
}

/// Adds `Tags` when the spec has any.
fn tagged(mut props: Map<String, Value>, model: &Model) -> Value {
    if !model.tags.is_empty() {
        props.insert("Tags".into(), tags(model));
    }
    Value::Object(props)
}

fn resource(kind: &str, depends_on: &[Res], props: Value) -> Value {
    let mut r = Map::new();
    r.insert("Type".into(), json!(kind));
    if !depends_on.is_empty() {
        r.insert(
            "DependsOn".into(),
            json!(depends_on
                .iter()
                .map(|d| logical_id(*d))
                .collect::<Vec<_>>()),
        );
    }
    r.insert("Properties".into(), props);
    Value::Object(r)
}

fn lifecycle_rule(r: &LifecycleRule) -> Value {
    Value::Object(fields(vec![
        ("Id", Some(json!(r.id))),
        ("Status", Some(json!("Enabled"))),
        (
            "AbortIncompleteMultipartUpload",
            Some(json!({"DaysAfterInitiation": r.abort_incomplete_upload_days})),
        ),
        (
            "Transitions",
            r.transition.map(|t| {
                json!([{"StorageClass": t.storage_class.aws_name(), "TransitionInDays": t.days}])
            }),
        ),
        ("ExpirationInDays", r.expiration_days.map(|d| json!(d))),
        (
            "NoncurrentVersionExpiration",
            r.noncurrent_expiration_days
                .map(|d| json!({"NoncurrentDays": d})),
        ),
    ]))
}

fn bucket(b: &Bucket, model: &Model) -> Value {
    let sse = fields(vec![
        ("SSEAlgorithm", Some(json!(b.encryption.algorithm()))),
        ("KMSMasterKeyID", b.encryption.key().map(expr)),
    ]);
    let rule = fields(vec![
        ("ServerSideEncryptionByDefault", Some(Value::Object(sse))),
        ("BucketKeyEnabled", b.bucket_key.then(|| json!(true))),
    ]);
    let pab = &b.public_access_block;
    let p = fields(vec![
        ("BucketName", b.name.as_ref().map(text)),
        (
            "BucketEncryption",
            Some(json!({"ServerSideEncryptionConfiguration": [rule]})),
        ),
        (
            "PublicAccessBlockConfiguration",
            Some(json!({
                "BlockPublicAcls": pab.block_public_acls,
                "BlockPublicPolicy": pab.block_public_policy,
                "IgnorePublicAcls": pab.ignore_public_acls,
                "RestrictPublicBuckets": pab.restrict_public_buckets
            })),
        ),
        (
            "OwnershipControls",
            Some(json!({"Rules": [{"ObjectOwnership": b.object_ownership.aws_name()}]})),
        ),
        (
            "VersioningConfiguration",
            b.versioning.then(|| json!({"Status": "Enabled"})),
        ),
        (
            "LifecycleConfiguration",
            Some(json!({"Rules": [lifecycle_rule(&b.lifecycle)]})),
        ),
        (
            "LoggingConfiguration",
            b.access_logging.as_ref().map(|l| {
                object([
                    ("DestinationBucketName", text(&l.target_bucket)),
                    ("LogFilePrefix", text(&l.prefix)),
                ])
            }),
        ),
        // "AWS::S3::Bucket": ObjectLockEnabled turns the lock on at creation, and the
        // configuration's own ObjectLockEnabled must say "Enabled" as well.
        ("ObjectLockEnabled", b.object_lock.map(|_| json!(true))),
        (
            "ObjectLockConfiguration",
            b.object_lock.map(|l| {
                json!({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention(l)}})
            }),
        ),
    ]);
    resource("AWS::S3::Bucket", &[], tagged(p, model))
}

fn retention(l: ObjectLock) -> Value {
    match l.period {
        LockPeriod::Days(d) => json!({"Mode": l.mode.aws_name(), "Days": d}),
        LockPeriod::Years(y) => json!({"Mode": l.mode.aws_name(), "Years": y}),
    }
}

/// The trail's selectors as `EventSelectors` or `AdvancedEventSelectors`.
fn selectors(s: &Selectors) -> (&'static str, Value) {
    match s {
        Selectors::Basic(list) => {
            let items = list.iter().map(|s| {
                let resources: Vec<Value> = s
                    .data_resources
                    .iter()
                    .map(|r| {
                        object([
                            ("Type", text(&r.resource_type)),
                            ("Values", Value::Array(r.values.iter().map(expr).collect())),
                        ])
                    })
                    .collect();
                Value::Object(fields(vec![
                    ("ReadWriteType", Some(json!(s.read_write))),
                    (
                        "IncludeManagementEvents",
                        Some(json!(s.include_management_events)),
                    ),
                    (
                        "ExcludeManagementEventSources",
                        (!s.exclude_management_sources.is_empty())
                            .then(|| texts(&s.exclude_management_sources)),
                    ),
                    (
                        "DataResources",
                        (!resources.is_empty()).then_some(Value::Array(resources)),
                    ),
                ]))
            });
            ("EventSelectors", Value::Array(items.collect()))
        }
        Selectors::Advanced(list) => {
            let items = list.iter().map(|a| {
                let conditions: Vec<Value> = a
                    .fields
                    .iter()
                    .map(|f| {
                        let mut m = Map::new();
                        m.insert("Field".into(), text(&f.field));
                        for (op, values) in &f.conditions {
                            m.insert(
                                op.pascal().into(),
                                Value::Array(values.iter().map(expr).collect()),
                            );
                        }
                        Value::Object(m)
                    })
                    .collect();
                object([
                    ("Name", text(&a.name)),
                    ("FieldSelectors", Value::Array(conditions)),
                ])
            });
            ("AdvancedEventSelectors", Value::Array(items.collect()))
        }
    }
}

fn trail(t: &Trail, model: &Model) -> Value {
    let (selector_key, selector_list) = selectors(&t.selectors);
    let insights: Vec<Value> = t
        .insights
        .iter()
        .map(|i| {
            Value::Object(fields(vec![
                ("InsightType", Some(json!(i))),
                (
                    "EventCategories",
                    t.insight_categories.as_ref().map(|c| json!(c)),
                ),
            ]))
        })
        .collect();
    let aggregations: Vec<Value> = t
        .aggregations
        .iter()
        .map(|(category, templates)| json!({"EventCategory": category, "Templates": templates}))
        .collect();
    let p = fields(vec![
        ("TrailName", Some(text(&t.name))),
        ("IsLogging", Some(json!(t.logging))),
        ("S3BucketName", Some(expr(&t.bucket_name))),
        ("S3KeyPrefix", t.prefix.as_ref().map(text)),
        ("KMSKeyId", t.kms_key.as_ref().map(expr)),
        ("SnsTopicName", t.sns_topic.as_ref().map(expr)),
        (
            "CloudWatchLogsLogGroupArn",
            t.cloudwatch_logs.as_ref().map(|c| expr(&c.0)),
        ),
        (
            "CloudWatchLogsRoleArn",
            t.cloudwatch_logs.as_ref().map(|c| expr(&c.1)),
        ),
        ("IsMultiRegionTrail", Some(json!(t.multi_region))),
        (
            "IncludeGlobalServiceEvents",
            Some(json!(t.global_service_events)),
        ),
        (
            "EnableLogFileValidation",
            Some(json!(t.log_file_validation)),
        ),
        ("IsOrganizationTrail", Some(json!(t.organization))),
        (selector_key, Some(selector_list)),
        (
            "InsightSelectors",
            (!insights.is_empty()).then_some(Value::Array(insights)),
        ),
        (
            "AggregationConfigurations",
            (!aggregations.is_empty()).then_some(Value::Array(aggregations)),
        ),
    ]);
    let props = tagged(p, model);
    // A Ref or GetAtt already orders creation; cfn-lint (W3005) flags DependsOn that repeats one.
    let mut referenced = Vec::new();
    references(&props, &mut referenced);
    let waits: Vec<Res> = t
        .depends_on
        .iter()
        .copied()
        .filter(|r| !referenced.contains(&logical_id(*r)))
        .collect();
    resource("AWS::CloudTrail::Trail", &waits, props)
}

/// The whole template, pretty-printed with a trailing newline.
pub fn emit(model: &Model) -> String {
    let mut resources = Map::new();
    let mut add = |res: Res, value: Value| {
        resources.insert(logical_id(res).to_string(), value);
    };
    if let Some(b) = &model.bucket {
        add(Res::Bucket, bucket(b, model));
        add(
            Res::BucketPolicy,
            resource(
                "AWS::S3::BucketPolicy",
                &[],
                object([
                    ("Bucket", expr(&Expr::Attr(Res::Bucket, Attr::Name))),
                    ("PolicyDocument", policy(&b.policy)),
                ]),
            ),
        );
    }
    if let Some(k) = &model.key {
        let p = fields(vec![
            ("Description", Some(text(&k.description))),
            ("EnableKeyRotation", Some(json!(k.rotation))),
            ("PendingWindowInDays", Some(json!(k.deletion_window_days))),
            ("MultiRegion", k.multi_region.then(|| json!(true))),
            ("KeyPolicy", Some(policy(&k.policy))),
        ]);
        add(Res::Key, resource("AWS::KMS::Key", &[], tagged(p, model)));
        add(
            Res::KeyAlias,
            resource(
                "AWS::KMS::Alias",
                &[],
                object([
                    ("AliasName", text(&k.alias)),
                    ("TargetKeyId", expr(&Expr::Attr(Res::Key, Attr::Id))),
                ]),
            ),
        );
    }
    if let Some(t) = &model.topic {
        let p = fields(vec![
            ("TopicName", Some(text(&t.name))),
            ("KmsMasterKeyId", t.kms_key.as_ref().map(expr)),
        ]);
        add(
            Res::Topic,
            resource("AWS::SNS::Topic", &[], tagged(p, model)),
        );
        add(
            Res::TopicPolicy,
            resource(
                "AWS::SNS::TopicPolicy",
                &[],
                object([
                    (
                        "Topics",
                        Value::Array(vec![expr(&Expr::Attr(Res::Topic, Attr::Arn))]),
                    ),
                    ("PolicyDocument", policy(&t.policy)),
                ]),
            ),
        );
    }
    if let Some(g) = &model.log_group {
        let p = fields(vec![
            ("LogGroupName", Some(text(&g.name))),
            // "AWS::Logs::LogGroup" (CloudFormation resource reference): to keep the events
            // forever, the property is left out.
            ("RetentionInDays", g.retention.days().map(|d| json!(d))),
            ("KmsKeyId", g.kms_key.as_ref().map(expr)),
        ]);
        add(
            Res::LogGroup,
            resource("AWS::Logs::LogGroup", &[], tagged(p, model)),
        );
    }
    if let Some(r) = &model.logs_role {
        let p = fields(vec![
            ("RoleName", r.name.as_ref().map(text)),
            ("Path", r.path.as_ref().map(text)),
            ("Description", Some(text(&r.description))),
            ("AssumeRolePolicyDocument", Some(policy(&r.trust))),
            (
                "PermissionsBoundary",
                r.permissions_boundary.as_ref().map(text),
            ),
            (
                "Policies",
                Some(Value::Array(vec![object([
                    ("PolicyName", json!(r.policy_name)),
                    ("PolicyDocument", policy(&r.policy)),
                ])])),
            ),
        ]);
        add(
            Res::LogsRole,
            resource("AWS::IAM::Role", &[], tagged(p, model)),
        );
    }
    if let Some(t) = &model.trail {
        add(Res::Trail, trail(t, model));
    }
    alarms::add(model, &mut resources);
    athena::add(model, &mut resources);
    event_rules::add(model, &mut resources);
    // Retain on delete and on replacement: the evidence stays when the stack goes (cfn-lint I3011).
    for res in &model.retained {
        if let Some(Value::Object(r)) = resources.get_mut(logical_id(*res)) {
            r.insert("DeletionPolicy".into(), json!("Retain"));
            r.insert("UpdateReplacePolicy".into(), json!("Retain"));
        }
    }

    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    template.insert("Description".into(), text(&model.description));
    let outputs: Map<String, Value> = model
        .outputs
        .iter()
        .map(|o| {
            (
                pascal_case(o.name),
                json!({"Description": o.description, "Value": expr(&o.value)}),
            )
        })
        .collect();
    let mut used = Vec::new();
    resources
        .values()
        .chain(outputs.values())
        .for_each(|r| references(r, &mut used));
    let parameters = parameters(model, &used);
    if !parameters.is_empty() {
        template.insert("Parameters".into(), Value::Object(parameters));
    }
    let rules = rules(model);
    if !rules.is_empty() {
        template.insert("Rules".into(), Value::Object(rules));
    }
    template.insert("Resources".into(), Value::Object(resources));
    template.insert("Outputs".into(), Value::Object(outputs));
    super::pretty(&Value::Object(template))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_logical_id_is_a_name_parameters_cannot_take() {
        let ids = [
            Res::Bucket,
            Res::BucketPolicy,
            Res::Key,
            Res::KeyAlias,
            Res::Topic,
            Res::TopicPolicy,
            Res::AlertsTopic,
            Res::AlertsTopicPolicy,
            Res::LogGroup,
            Res::LogsRole,
            Res::Trail,
        ]
        .map(|r| logical_id(r).to_string())
        .into_iter()
        .chain(
            [
                "MetricFilterX",
                "AlarmX",
                "AlertsSubscriptionX",
                "TrailSubscriptionX",
            ]
            .map(String::from),
        )
        .chain(
            [
                "BucketName",
                "LogGroupName",
                "MonitoringKeyArn",
                "SnsTopicArn",
                "KmsKeyArn",
                "TrailArn",
                "AlertsTopicArn",
            ]
            .map(String::from),
        );
        for id in ids {
            let lower = id.to_ascii_lowercase();
            assert!(
                crate::derived::TEMPLATE_NAMES
                    .iter()
                    .any(|t| lower.starts_with(&t.replace('_', "")))
                    || id == "KmsKeyArn",
                "{id} could be a parameter's name"
            );
        }
    }

    #[test]
    fn expressions_become_ref_getatt_or_sub() {
        assert_eq!(
            expr(&Expr::Attr(Res::Bucket, Attr::Name)),
            json!({"Ref": "TrailBucket"})
        );
        assert_eq!(
            expr(&Expr::Attr(Res::Topic, Attr::Arn)),
            json!({"Ref": "TrailTopic"})
        );
        assert_eq!(
            expr(&Expr::Attr(Res::Key, Attr::Arn)),
            json!({"Fn::GetAtt": ["TrailKey", "Arn"]})
        );
        assert_eq!(
            expr(&Expr::join([
                Expr::Attr(Res::Bucket, Attr::Arn),
                Expr::lit("/x/${y}")
            ])),
            json!({"Fn::Sub": "${TrailBucket.Arn}/x/${!y}"})
        );
        assert_eq!(
            expr(&Expr::Attr(Res::LogGroup, Attr::Arn)),
            json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${TrailLogGroup}"})
        );
        assert_eq!(expr(&Expr::Account), json!({"Ref": "AWS::AccountId"}));
    }
}
