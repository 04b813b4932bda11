//! AWS rules a well-shaped spec can still break ("aws-cloudtrail-facts" §3), each with a stable code.
//!
//! Owns which rule applies where, the JSON path it points at and the hint. It must not check shapes
//! (the schema did) nor build resources.

use super::hardening::principals;
use super::names;
use crate::diag::{Code, Diagnostic};
use crate::expr::{Attr, Expr, Res};
use crate::policy;
use crate::spec::{Spec, Toggle};

/// Every rule finding for `spec`, in document order of the rules.
pub fn check(spec: &Spec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    trail(spec, &mut out);
    bucket(spec, &mut out);
    kms(spec, &mut out);
    super::hardening::check(spec, &mut out);
    sns(spec, &mut out);
    logs(spec, &mut out);
    super::layout::check(spec, &mut out);
    super::events::check(&spec.events, &mut out);
    super::alarms::check(spec, &mut out);
    super::athena::check(spec, &mut out);
    for (key, value) in &spec.tags {
        let path = format!("/tags/{}", crate::source::escape_segment(key));
        if let Err(message) = names::tag_key(key) {
            out.push(Diagnostic::error(Code::Tag, path.clone(), message).at_key());
        }
        rule(
            &mut out,
            Code::Tag,
            &path,
            names::tag_value(value),
            Some("tag values may be empty, up to 256 characters"),
        );
    }
    out
}

pub(super) fn rule(
    out: &mut Vec<Diagnostic>,
    code: Code,
    path: &str,
    result: Result<(), String>,
    hint: Option<&str>,
) {
    if let Err(message) = result {
        let mut d = Diagnostic::error(code, path, message);
        if let Some(h) = hint {
            d = d.hint(h);
        }
        out.push(d);
    }
}

fn trail(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let t = &spec.trail;
    rule(
        out,
        Code::TrailName,
        "/trail/name",
        names::trail_name(&t.name),
        Some("example: `org-audit`; the name cannot be changed later"),
    );
    if let Some(region) = &t.home_region {
        rule(
            out,
            Code::Region,
            "/trail/home_region",
            names::region(region),
            Some("use a region code such as `eu-west-1`; `aws ec2 describe-regions` lists them"),
        );
    }
    if let Some(org) = &t.organization {
        rule(
            out,
            Code::OrganizationId,
            "/trail/organization/id",
            names::organization_id(&org.id),
            Some("find it with `aws organizations describe-organization`"),
        );
    }
    if t.multi_region && !t.global_service_events {
        out.push(
            Diagnostic::error(
                Code::MultiRegionNeedsGlobalEvents,
                "/trail/global_service_events",
                "a multi-region trail must include global service events (CreateTrail rejects it with InvalidParameterCombinationException)",
            )
            .hint("remove `global_service_events: false`, or set `multi_region: false`"),
        );
    }
}

fn bucket(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let b = &spec.bucket;
    match &b.name {
        Some(name) => rule(
            out,
            Code::BucketName,
            "/bucket/name",
            names::bucket_name(name), Some("bucket names are global: lowercase letters, digits, `-` and `.`, 3 to 63 characters, e.g. `acme-audit-logs`")),
        None if b.existing => out.push(
            Diagnostic::error(
                Code::BucketNameRequired,
                "/bucket",
                "an existing bucket needs its `name`",
            )
            .hint("add `name: <bucket>` or remove `existing: true` to create one"),
        ),
        None => {}
    }
    if b.existing {
        for (field, set) in [
            ("versioning", b.versioning.is_some()),
            ("lifecycle", b.lifecycle.is_some()),
            ("access_logging", b.access_logging.is_some()),
        ] {
            if set {
                out.push(
                    Diagnostic::error(
                        Code::ExistingBucketSetting,
                        format!("/bucket/{field}"),
                        format!("`{field}` configures a bucket trailsmith creates; an existing bucket is managed where it was made"),
                    )
                    .hint(format!("remove `{field}`, or remove `existing: true`")),
                );
            }
        }
        if let Some(name) = &b.name {
            out.push(existing_bucket_note(spec, name));
        }
        if !b.writer_accounts.is_empty() {
            out.push(
                Diagnostic::warning(
                    Code::ExistingBucketWriterAccounts,
                    "/bucket/writer_accounts",
                    match spec.kms.settings() {
                        Some(k) if k.key_arn.is_none() => "an existing bucket's policy is not written here: `writer_accounts` widens only the new key's policy, and the bucket's owner must admit these accounts (the statements are in the existing-bucket-policy note)",
                        _ => "an existing bucket's policy is not written here, and no key policy is either: `writer_accounts` changes nothing, and the bucket's owner must admit these accounts (the statements are in the existing-bucket-policy note)",
                    },
                )
                .hint("keep `writer_accounts` beside the spec that creates the bucket, or have the bucket's owner add the statements"),
            );
        }
    }
    if let Some(prefix) = &b.prefix {
        prefix_rule(prefix, out);
    }
    if let Some(l) = &b.lifecycle {
        if let (Some(archive), Some(expire)) = (l.archive_after_days, l.expire_after_days) {
            if archive >= expire {
                out.push(Diagnostic::error(
                    Code::LifecycleOrder,
                    "/bucket/lifecycle/expire_after_days",
                    format!("log files expire after {expire} days, before or when they would be archived ({archive} days)"),
                ).hint("archive sooner than they expire, or drop `archive_after_days`"));
            }
        }
    }
    if let Some(logging) = &b.access_logging {
        rule(
            out,
            Code::BucketName,
            "/bucket/access_logging/target_bucket",
            names::bucket_name(&logging.target_bucket), Some("bucket names are global: lowercase letters, digits, `-` and `.`, 3 to 63 characters, e.g. `acme-audit-logs`"));
        if let Some(prefix) = &logging.prefix {
            rule(
                out,
                Code::AccessLogPrefix,
                "/bucket/access_logging/prefix",
                names::access_log_prefix(prefix),
                Some("a prefix such as `cloudtrail/` keeps this bucket's access logs apart from others"),
            );
        }
        if b.name.as_deref() == Some(logging.target_bucket.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::AccessLogLoop,
                    "/bucket/access_logging/target_bucket",
                    "a bucket cannot receive its own access logs (every log write would log again)",
                )
                .hint("send access logs to a separate bucket"),
            );
        }
    }
    for (i, account) in b.writer_accounts.iter().enumerate() {
        let path = format!("/bucket/writer_accounts/{i}");
        rule(
            out,
            Code::AccountId,
            &path,
            names::account_id(account),
            Some(
                "write the 12 digits in quotes, e.g. \"111122223333\", so YAML keeps leading zeros",
            ),
        );
    }
    no_duplicates(&b.writer_accounts, "/bucket/writer_accounts", out);
}

/// A list that names the same thing twice is a slip; the second entry is the one to remove.
pub(super) fn no_duplicates<T: PartialEq>(items: &[T], base: &str, out: &mut Vec<Diagnostic>) {
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = items[..i].iter().position(|x| x == item) {
            out.push(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("{base}/{i}"),
                    format!("this entry repeats {base}/{first}"),
                )
                .hint("remove this entry"),
            );
        }
    }
}

/// What the policies need to know of this spec's trail, as the model tells `policy`.
pub(super) fn policy_context(spec: &Spec) -> policy::Context {
    crate::layout::policy_context(spec)
}

/// The Allow statements of `p` in words, and their Sids.
pub(super) fn required(p: &policy::Policy, names: policy::text::Names) -> (String, String) {
    let allows: Vec<&policy::Statement> = p
        .statements
        .iter()
        .filter(|s| {
            s.effect == policy::Effect::Allow && !matches!(s.principal, policy::Principal::Aws(_))
        })
        .collect();
    let sids: Vec<&str> = allows.iter().map(|s| s.sid).collect();
    let words: Vec<String> = allows
        .iter()
        .map(|s| policy::text::statement(s, names))
        .collect();
    (sids.join(", "), words.join("; "))
}

/// The statements the bucket policy of a bucket trailsmith creates would hold for this trail
/// (its own path, the organization's, writer accounts'), from `policy` itself.
fn existing_bucket_note(spec: &Spec, name: &str) -> Diagnostic {
    let arn = format!("arn:<partition>:s3:::{name}");
    let known = |r, a| (r == Res::Bucket && a == Attr::Arn).then(|| arn.clone());
    let (sids, words) = required(&policy::bucket_policy(&policy_context(spec)), &known);
    Diagnostic::note(
        Code::ExistingBucketPolicy,
        "/bucket/existing",
        format!("the existing bucket's policy must let this trail deliver: {sids}, as trailsmith writes them for a bucket it creates"),
    )
    .hint(format!("{words} (\"Amazon S3 bucket policy for CloudTrail\" in the CloudTrail User Guide)"))
}

fn prefix_rule(prefix: &str, out: &mut Vec<Diagnostic>) {
    let path = "/bucket/prefix";
    let problem = if prefix.is_empty() {
        Some("the prefix is empty; leave it out instead".to_string())
    } else if prefix.len() > 200 {
        Some(format!(
            "the prefix can be at most 200 characters long, this one has {}",
            prefix.len()
        ))
    } else if prefix.starts_with('/') || prefix.ends_with('/') || prefix.contains("//") {
        Some("the prefix cannot start or end with `/` or contain `//` (CloudTrail adds `/AWSLogs/` itself)".to_string())
    } else if prefix.starts_with("AWSLogs/") || prefix == "AWSLogs" {
        Some("the prefix cannot start with `AWSLogs`: CloudTrail writes under `<prefix>/AWSLogs/` itself".to_string())
    } else {
        prefix
            .chars()
            .find(|c| !names::s3_safe_key_char(*c))
            .map(|c| format!("the prefix may only use S3's safe key characters (letters, digits, `!-_.*'()/`); `{c}` is not one"))
    };
    if let Some(message) = problem {
        out.push(Diagnostic::error(Code::BucketPrefix, path, message));
    }
}

fn kms(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(k) = spec.kms.settings() else {
        if matches!(spec.kms, Toggle::Switch(false)) {
            out.push(
                Diagnostic::warning(
                    Code::NoKms,
                    "/kms",
                    "log files will be encrypted with SSE-S3 only; CIS 3.5 and Security Hub CloudTrail.2 ask for a KMS key",
                )
                .hint("remove `kms: false` to get a key with rotation and a least-privilege policy"),
            );
        }
        return;
    };
    if let Some(arn) = &k.key_arn {
        rule(
            out,
            Code::KmsKeyArn,
            "/kms/key_arn",
            names::arn(arn, "kms", &["key", "alias"]), Some("copy the key ARN from `aws kms describe-key --key-id ...`, e.g. arn:aws:kms:eu-west-1:111122223333:key/1234abcd-..."));
        let conflicts = [
            ("alias", k.alias.is_some()),
            ("admins", !k.admins.is_empty()),
            ("decrypt_principals", !k.decrypt_principals.is_empty()),
            ("deletion_window_days", k.deletion_window_days.is_some()),
        ];
        for (field, set) in conflicts {
            if set {
                out.push(
                    Diagnostic::error(
                        Code::ExistingKeySetting,
                        format!("/kms/{field}"),
                        format!("`{field}` configures a key trailsmith creates; it cannot be combined with `key_arn`"),
                    )
                    .hint(format!("remove `{field}`, or remove `key_arn` to create a key")),
                );
            }
        }
        // A bucket with S3 Bucket Keys needs CloudTrail to decrypt with the key too.
        let users = policy::KeyUsers {
            bucket_key: spec.bucket.bucket_key,
            ..Default::default()
        };
        let key = policy::key_policy(&policy_context(spec), &users);
        let (sids, words) = required(&key, &|_, _| None);
        out.push(
            Diagnostic::note(
                Code::ExistingKeyPolicy,
                "/kms/key_arn",
                format!("the existing key's policy must let CloudTrail use it for this trail: {sids}, as trailsmith writes them for a key it creates"),
            )
            .hint(format!("{words} (\"Configure AWS KMS key policies for CloudTrail\" in the CloudTrail User Guide)")),
        );
    }
    if let Some(alias) = &k.alias {
        rule(
            out,
            Code::KmsAlias,
            "/kms/alias",
            names::kms_alias(alias),
            Some("for example `alias/org-audit`"),
        );
    }
    for (field, list) in [
        ("admins", &k.admins),
        ("decrypt_principals", &k.decrypt_principals),
    ] {
        principals(
            out,
            &format!("/kms/{field}"),
            list,
            "use an IAM role, user or account root ARN such as arn:aws:iam::111122223333:role/SecurityAudit",
        );
    }
}

fn sns(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(s) = spec.sns.settings() else { return };
    if let Some(name) = &s.topic_name {
        rule(
            out,
            Code::TopicName,
            "/sns/topic_name",
            names::topic_name(name),
            Some("for example `org-audit-delivery`"),
        );
    }
    if let Some(arn) = &s.topic_arn {
        let checked = names::arn(arn, "sns", &[]);
        let valid = checked.is_ok();
        rule(
            out,
            Code::TopicArn,
            "/sns/topic_arn",
            checked,
            Some("for example arn:aws:sns:eu-west-1:111122223333:org-audit-delivery"),
        );
        out.extend(valid.then(|| {
            let policy = policy::topic_policy(&policy_context(spec), false);
            let known = |r, a| (r == Res::Topic && a == Attr::Arn).then(|| arn.clone());
            let (sids, words) = required(&policy, &known);
            Diagnostic::note(
                Code::ExistingTopicPolicy,
                "/sns/topic_arn",
                format!("the existing topic's policy must let this trail publish: {sids}, as trailsmith writes it for a topic it creates"),
            )
            .hint(format!("{words} (\"Amazon SNS topic policy for CloudTrail\" in the CloudTrail User Guide)"))
        }));
        if s.topic_name.is_some() {
            out.push(
                Diagnostic::error(
                    Code::ExistingTopicSetting,
                    "/sns/topic_name",
                    "`topic_name` names a new topic; it cannot be combined with `topic_arn`",
                )
                .hint("keep one of the two"),
            );
        }
        // An existing topic's subscriptions are its owner's: creating them here would put
        // resources on a topic this output does not manage, and its policy may not allow it.
        for (field, set) in [
            ("email", !s.email.is_empty()),
            ("subscriptions", !s.subscriptions.is_empty()),
        ] {
            if set {
                out.push(
                    Diagnostic::error(
                        Code::ExistingTopicSubscriptions,
                        format!("/sns/{field}"),
                        format!("`{field}` subscribes to a new delivery topic; the subscriptions of the existing topic `topic_arn` are its owner's"),
                    )
                    .hint(format!("remove `{field}` and subscribe where the topic is managed, or remove `topic_arn` to let trailsmith create the topic")),
                );
            }
        }
    } else {
        let name = crate::derived::delivery_topic_name(&spec.trail.name, &s);
        let delivery = super::notify::NewTopic {
            what: "delivery topic",
            name: &name,
            output: "sns_topic_arn",
        };
        super::notify::subscriptions("/sns", &s.email, &s.subscriptions, &delivery, out);
    }
}

fn logs(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(c) = spec.cloudwatch_logs.settings() else {
        return;
    };
    if let Some(name) = &c.log_group {
        rule(
            out,
            Code::LogGroupName,
            "/cloudwatch_logs/log_group",
            names::log_group_name(name),
            Some("for example `CloudTrail/org-audit`"),
        );
    }
    if let Some(days) = c.retention_days {
        rule(out, Code::RetentionDays, "/cloudwatch_logs/retention_days", names::retention_days(days), Some("allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, or `never`"));
    }
    if let Some(arn) = &c.log_group_arn {
        rule(
            out,
            Code::LogGroupArn,
            "/cloudwatch_logs/log_group_arn",
            names::arn(arn, "logs", &["log-group"]),
            Some("for example arn:aws:logs:eu-west-1:111122223333:log-group:CloudTrail/org-audit"),
        );
        for (field, set) in [
            ("log_group", c.log_group.is_some()),
            ("retention_days", c.retention_days.is_some()),
        ] {
            if set {
                out.push(
                    Diagnostic::error(
                        Code::ExistingLogGroupSetting,
                        format!("/cloudwatch_logs/{field}"),
                        format!("`{field}` configures a log group trailsmith creates; it cannot be combined with `log_group_arn`"),
                    )
                    .hint(format!("remove `{field}`, or remove `log_group_arn`")),
                );
            }
        }
    }
    if let Some(arn) = &c.role_arn {
        let checked = names::arn(arn, "iam", &["role"]);
        let valid = checked.is_ok();
        rule(
            out,
            Code::RoleArn,
            "/cloudwatch_logs/role_arn",
            checked,
            Some("for example arn:aws:iam::111122223333:role/CloudTrailToCloudWatchLogs"),
        );
        if valid {
            out.push(existing_role_note(spec, c.log_group_arn.as_deref()));
        }
    }
    if let Some(role) = &c.role {
        logs_role(spec, role, &c, out);
    }
    // CreateTrail: "You must use a log group that exists in your account", and a role too; two
    // accounts cannot both be the trail's.
    let account = |arn: &String| arn.split(':').nth(4).map(str::to_string);
    if let (Some(group), Some(role)) = (
        c.log_group_arn.as_ref().and_then(account),
        c.role_arn.as_ref().and_then(account),
    ) {
        if group != role && !group.is_empty() && !role.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::LogsAccountsDiffer,
                    "/cloudwatch_logs/role_arn",
                    format!("the log group is in account {group} and the delivery role in {role}; CloudTrail takes both only from the trail's own account"),
                )
                .hint("use a log group and a role of the account the trail is created in"),
            );
        }
    }
}

/// The name, path and permissions boundary of the delivery role trailsmith creates. A name the
/// trail's other resources share is fine (each service has its own names); a fixed name is one
/// per account, as IAM is global, which the README and `explain` say rather than a warning: a
/// spec is one trail, deployed once per account, and a second deployment fails at once with
/// `EntityAlreadyExists` rather than silently.
fn logs_role(
    spec: &Spec,
    role: &crate::spec::LogsRoleSpec,
    c: &crate::spec::CloudwatchLogs,
    out: &mut Vec<Diagnostic>,
) {
    if c.role_arn.is_some() {
        out.push(
            Diagnostic::error(
                Code::ExistingLogsRoleSetting,
                "/cloudwatch_logs/role",
                "`role` configures a delivery role trailsmith creates; it cannot be combined with `role_arn`, an existing role",
            )
            .hint("remove `role` to deliver with the existing role, or remove `role_arn` to have trailsmith create one"),
        );
    }
    if let Some(name) = &role.name {
        rule(
            out,
            Code::RoleName,
            "/cloudwatch_logs/role/name",
            names::role_name(name),
            Some("for example `CloudTrailLogsDelivery`; IAM names are unique in the account whatever the case or region"),
        );
    }
    if let Some(path) = &role.path {
        rule(
            out,
            Code::RolePath,
            "/cloudwatch_logs/role/path",
            names::iam_path(path),
            Some("`/` (the default), or segments between slashes such as `/service-role/`"),
        );
    }
    if let Some(arn) = &role.permissions_boundary {
        let checked = names::managed_policy_arn(arn);
        let valid = checked.is_ok();
        rule(
            out,
            Code::RolePermissionsBoundary,
            "/cloudwatch_logs/role/permissions_boundary",
            checked,
            Some("for example arn:aws:iam::111122223333:policy/PlatformBoundary"),
        );
        // A customer managed policy belongs to one account, and a boundary must be one of the
        // role's own account; the trail's account is known from a layout or an existing group.
        let account = |arn: &str| arn.split(':').nth(4).map(str::to_string);
        let home = spec
            .accounts
            .as_ref()
            .map(|a| a.management.clone())
            .or_else(|| c.log_group_arn.as_deref().and_then(account));
        let theirs = account(arn).filter(|a| valid && a != "aws");
        let mut usable = valid;
        if let (Some(home), Some(theirs)) = (home, theirs) {
            if home != theirs {
                usable = false;
                out.push(
                    Diagnostic::error(
                        Code::RolePermissionsBoundary,
                        "/cloudwatch_logs/role/permissions_boundary",
                        format!("this policy is in account {theirs}, and the delivery role is created in account {home}; a permissions boundary is a managed policy of the role's own account or of AWS"),
                    )
                    .hint(format!("use a policy of account {home}, or an AWS managed policy (`arn:aws:iam::aws:policy/...`)")),
                );
            }
        }
        if usable && c.role_arn.is_none() {
            out.push(boundary_note(spec, c.log_group_arn.as_deref()));
        }
    }
}

/// What a permissions boundary must allow: the role's effective permissions are those both its
/// policy and its boundary allow ("Permissions boundaries for IAM entities").
fn boundary_note(spec: &Spec, group_arn: Option<&str>) -> Diagnostic {
    let ctx = policy_context(spec);
    let group = match group_arn {
        Some(arn) => Expr::lit(arn.trim_end_matches(":*")),
        None => Expr::Attr(Res::LogGroup, Attr::Arn),
    };
    let known = |r, a| {
        (r == Res::LogGroup && a == Attr::Arn).then(|| "<the new log group's ARN>".to_string())
    };
    let (_, words) = required(&policy::logs_role_policy(&ctx, &group), &known);
    Diagnostic::note(
        Code::RoleBoundaryMustAllow,
        "/cloudwatch_logs/role/permissions_boundary",
        "the permissions boundary must allow what the delivery role's policy allows, or CloudTrail's delivery to CloudWatch Logs stops",
    )
    .hint(format!("{words} (\"Permissions boundaries for IAM entities\" in the IAM User Guide)"))
}

/// The trust and permissions an existing delivery role needs, from `policy` itself, for the log
/// group it delivers to (named by its ARN when that is given).
fn existing_role_note(spec: &Spec, group_arn: Option<&str>) -> Diagnostic {
    let ctx = policy_context(spec);
    let group = match group_arn {
        Some(arn) => Expr::lit(arn.trim_end_matches(":*")),
        None => Expr::Attr(Res::LogGroup, Attr::Arn),
    };
    let mut both = policy::logs_role_trust(&ctx);
    both.statements
        .extend(policy::logs_role_policy(&ctx, &group).statements);
    let known = |r, a| {
        (r == Res::LogGroup && a == Attr::Arn).then(|| "<the new log group's ARN>".to_string())
    };
    let (sids, words) = required(&both, &known);
    Diagnostic::note(
        Code::ExistingLogsRolePolicy,
        "/cloudwatch_logs/role_arn",
        format!("the existing delivery role must trust and allow this trail: {sids}, as trailsmith writes them for a role it creates"),
    )
    .hint(format!("{words} (\"Sending events to CloudWatch Logs\" in the CloudTrail User Guide)"))
}
