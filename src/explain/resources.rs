//! What the output creates, what it only refers to, and what outlives it.
//!
//! Reads the model: a resource it holds is created, with the settings it holds (the bucket's
//! hardening and lifecycle rule, the key's rotation: the fields the emitters write), a literal
//! where a resource would be is one that exists already, unless another part of an organization
//! layout creates it (then it is named with that part, as is an input another part's output
//! supplies). It must not restate defaults the model has not applied, nor describe policies (that
//! is `policies`).

use super::layout;
use super::prose::{and_list, count};
use super::watched::Destination;
use super::words::{Words, TARGET_NAMES};
use crate::expr::{Attr, Expr, Res};
use crate::model::{
    Encryption, IamCapability, LifecycleRule, LockMode, LockPeriod, Model, ObjectLock,
    ObjectOwnership, PublicAccessBlock, Retention, StorageClass, Trail,
};
use crate::spec::Spec;

/// "the new KMS key", "the KMS key arn:...", or how it is encrypted without one.
pub(super) fn encryption(key: Option<&Expr>, w: &Words, without: &str) -> String {
    match key {
        Some(Expr::Attr(Res::Key, _)) => "encrypted with the new KMS key".to_string(),
        Some(other) => format!("encrypted with the KMS key {}", w.expr(other)),
        None => without.to_string(),
    }
}

fn storage_class(class: StorageClass) -> &'static str {
    match class {
        StorageClass::Glacier => "Glacier Flexible Retrieval",
    }
}

fn lifecycle(rule: &LifecycleRule) -> String {
    let mut steps = Vec::new();
    if let Some(t) = rule.transition {
        steps.push(format!(
            "to {} after {} days",
            storage_class(t.storage_class),
            t.days
        ));
    }
    if let Some(d) = rule.expiration_days {
        let versions = match rule.noncurrent_expiration_days {
            Some(n) => format!(" (old versions {n} days later)"),
            None => String::new(),
        };
        steps.push(format!("deleted after {d} days{versions}"));
    } else if let Some(n) = rule.noncurrent_expiration_days {
        steps.push(format!(
            "kept while current, old versions deleted {n} days after they stop being current"
        ));
    }
    if steps.is_empty() {
        steps.push("kept forever".to_string());
    }
    steps.push(format!(
        "unfinished uploads aborted after {} days",
        rule.abort_incomplete_upload_days
    ));
    format!("log files {}", steps.join(", "))
}

/// "How S3 Object Lock works": what each mode lets anyone do before the retention ends.
fn object_lock(lock: ObjectLock) -> String {
    let period = match lock.period {
        LockPeriod::Days(1) => "1 day".to_string(),
        LockPeriod::Days(d) => format!("{d} days"),
        LockPeriod::Years(1) => "1 year".to_string(),
        LockPeriod::Years(y) => format!("{y} years"),
    };
    let who = match lock.mode {
        LockMode::Governance => {
            "governance mode: only principals allowed s3:BypassGovernanceRetention can delete a version or shorten its retention"
        }
        LockMode::Compliance => {
            "compliance mode: no one, not even the account root, can delete a version or shorten its retention"
        }
    };
    format!("Object Lock: every log file version locked for {period} after it is written, {who}")
}

fn public_access(block: PublicAccessBlock) -> &'static str {
    let on = [
        block.block_public_acls,
        block.block_public_policy,
        block.ignore_public_acls,
        block.restrict_public_buckets,
    ];
    match on.iter().filter(|b| **b).count() {
        4 => "public access blocked",
        0 => "public access not blocked",
        _ => "public access partly blocked",
    }
}

fn ownership(o: ObjectOwnership) -> &'static str {
    match o {
        ObjectOwnership::BucketOwnerEnforced => "ACLs disabled",
    }
}

/// The "Created" section.
pub fn created(spec: &Spec, model: &Model, w: &Words) -> Vec<String> {
    let t = model.trail.as_ref();
    let mut lines = vec!["Created by the template or configuration".to_string()];
    if let Some(t) = t {
        lines.push(format!("  CloudTrail trail {}", t.name.verbatim()));
    }
    if let Some(b) = &model.bucket {
        let named = match &b.name {
            Some(_) => String::new(),
            None => format!(" ({TARGET_NAMES})"),
        };
        lines.push(format!(
            "  S3 bucket for the log files{named}: {}",
            super::trail::log_path(spec, model, w, &w.trail_account())
        ));
        let sse = match &b.encryption {
            Encryption::Kms(Expr::Attr(Res::Key, _)) => "SSE-KMS with the new KMS key".to_string(),
            Encryption::Kms(key) => format!("SSE-KMS with the KMS key {}", w.expr(key)),
            Encryption::AwsManagedKms => "SSE-KMS with this account's AWS managed key aws/s3 by default; CloudTrail encrypts each log file with the management account's key".to_string(),
            Encryption::S3 => "SSE-S3 (S3 managed keys, no KMS key)".to_string(),
        };
        let sse = if b.bucket_key {
            format!("{sse} and S3 Bucket Keys")
        } else {
            sse
        };
        let versioning = if b.versioning { "on" } else { "off" };
        lines.push(format!(
            "    {sse}; versioning {versioning}; {}; {}",
            public_access(b.public_access_block),
            ownership(b.object_ownership)
        ));
        lines.push(format!("    lifecycle: {}", lifecycle(&b.lifecycle)));
        if let Some(lock) = b.object_lock {
            lines.push(format!("    {}", object_lock(lock)));
        }
        lines.push(match &b.access_logging {
            Some(l) if l.prefix.verbatim().is_empty() => {
                format!(
                    "    server access logs to the bucket {}",
                    l.target_bucket.verbatim()
                )
            }
            Some(l) => format!(
                "    server access logs to the bucket {}, prefix {}",
                l.target_bucket.verbatim(),
                l.prefix.verbatim()
            ),
            None => "    no server access logging".to_string(),
        });
        if !spec.bucket.writer_accounts.is_empty() {
            let accounts = &spec.bucket.writer_accounts;
            let noun = if accounts.len() == 1 {
                "account"
            } else {
                "accounts"
            };
            lines.push(format!(
                "    trails of {noun} {} may deliver here too",
                and_list(accounts)
            ));
        }
        lines.push(format!(
            "  bucket policy: {}",
            count(b.policy.statements.len(), "statement", "statements")
        ));
    }
    if let Some(k) = &model.key {
        lines.push(format!(
            "  KMS key {}: automatic rotation {}, deletion waits {} days once scheduled{}",
            k.alias.verbatim(),
            if k.rotation { "on" } else { "off" },
            k.deletion_window_days,
            if k.multi_region {
                ", a multi-Region primary key (replicas in other regions can decrypt the log files)"
            } else {
                ""
            }
        ));
        // A layout has a key in each account by default; its description says which is which.
        if model.part.is_some() {
            lines.push(format!("    {}", lowercase_first(k.description.verbatim())));
        }
    }
    if let Some(topic) = &model.topic {
        let enc = encryption(topic.kms_key.as_ref(), w, "without a KMS key");
        lines.push(format!(
            "  SNS topic {}, told of each log file delivery: {enc}",
            topic.name.verbatim()
        ));
    }
    if let Some(g) = &model.log_group {
        let enc = encryption(g.kms_key.as_ref(), w, "without a KMS key");
        let kept = match g.retention {
            Retention::Days(days) => format!("{days} days"),
            Retention::Never => "forever".to_string(),
        };
        lines.push(format!(
            "  CloudWatch Logs group {}: events kept {kept}, {enc}",
            g.name.verbatim()
        ));
    }
    if let Some(r) = &model.logs_role {
        let named = r
            .name
            .as_ref()
            .map_or_else(|| format!("({TARGET_NAMES})"), |n| n.verbatim().to_string());
        let path = r
            .path
            .as_ref()
            .map(|p| format!(" at path {}", p.verbatim()))
            .unwrap_or_default();
        lines.push(format!(
            "  IAM role {named}{path} that CloudTrail assumes to write to the log group"
        ));
        if let Some(b) = &r.permissions_boundary {
            lines.push(format!(
                "    permissions bounded by the managed policy {} (it must allow the role's logs:CreateLogStream and logs:PutLogEvents)",
                b.verbatim()
            ));
        }
        if let Some(cap @ IamCapability::NamedIam) = model.iam_capability() {
            lines.push(format!(
                "    a fixed name, one per account (IAM is global): CloudFormation deploys it only with {}",
                cap.word()
            ));
        }
    }
    super::notified::lines(model, w, &mut lines);
    super::watched::lines(spec, model, w, &mut lines);
    let mut unused = Vec::new();
    if spec.kms.settings().is_none() {
        unused.push("a KMS key (kms: false)".to_string());
    }
    if spec.sns.settings().is_none() {
        unused.push("SNS notification of deliveries (sns: false)".to_string());
    }
    if spec.cloudwatch_logs.settings().is_none() {
        unused.push("CloudWatch Logs delivery (cloudwatch_logs: false)".to_string());
    }
    // What the trail does without is said once, in the part that holds the trail.
    if !unused.is_empty() && t.is_some() {
        lines.push(format!("  not used: {}", unused.join(", ")));
    }
    if !model.tags.is_empty() {
        let tags: Vec<String> = model
            .tags
            .iter()
            .map(|(k, v)| format!("{}={}", k.verbatim(), v.verbatim()))
            .collect();
        lines.push(format!(
            "  tags on every resource that takes them: {}",
            tags.join(", ")
        ));
    }
    lines.push(kept(model, w));
    lines
}

/// The "Referenced" section: what the output points at but does not create. `all` holds every
/// part of an organization layout (empty for a whole trail): what another part makes is named
/// with that part.
pub fn referenced(spec: &Spec, model: &Model, w: &Words, all: &[Model]) -> Vec<String> {
    let mut items = Vec::new();
    match &model.trail {
        Some(t) => trail_references(spec, model, t, w, all, &mut items),
        None => {
            if let Some(m) = layout::maker(all, Res::Trail) {
                items.push(format!(
                    "CloudTrail trail {}, made by the {}: the policies here name it by its ARN",
                    model.name.verbatim(),
                    layout::part_words(m)
                ));
            }
            let sse = model.bucket.as_ref().map(|b| &b.encryption);
            if let Some(Encryption::Kms(key @ Expr::Lit(_))) = sse {
                items.push(format!(
                    "KMS key for the log files, its policy managed elsewhere: {}",
                    w.expr(key)
                ));
            }
        }
    }
    if let Some(l) = model
        .bucket
        .as_ref()
        .and_then(|b| b.access_logging.as_ref())
    {
        items.push(format!(
            "S3 bucket for the log bucket's server access logs: {}",
            l.target_bucket.verbatim()
        ));
    }
    let mut lines = vec!["Referenced, not created".to_string()];
    if items.is_empty() {
        lines.push("  nothing: every resource the trail uses is created here".to_string());
    }
    lines.extend(items.into_iter().map(|i| format!("  {i}")));
    lines
}

/// The spec's parameters: what the deployer gives, each as the names above write it.
pub fn given(model: &Model) -> Vec<String> {
    if model.params.is_empty() {
        return Vec::new();
    }
    let mut lines =
        vec!["Given when deployed (CloudFormation parameters, Terraform variables)".to_string()];
    for p in &model.params {
        let mut line = format!(
            "  ${{{}}} ({} in CloudFormation): {}",
            p.name,
            crate::derived::pascal(&p.name),
            p.description.verbatim().trim_end_matches('.')
        );
        if let Some(d) = &p.default {
            line.push_str(&format!("; default {}", d.verbatim()));
        }
        if !p.allowed.is_empty() {
            let allowed: Vec<&str> = p.allowed.iter().map(|a| a.verbatim()).collect();
            line.push_str(&format!("; one of {}", allowed.join(", ")));
        }
        lines.push(line);
    }
    lines.push(
        "  ${account}, ${region} and ${partition} are the account, region and partition deployed to"
            .to_string(),
    );
    lines
}

/// What the trail uses that the output does not create.
fn trail_references(
    spec: &Spec,
    model: &Model,
    t: &Trail,
    w: &Words,
    all: &[Model],
    items: &mut Vec<String>,
) {
    if model.bucket.is_none() {
        let path = super::trail::log_path(spec, model, w, &w.trail_account());
        items.push(match layout::maker(all, Res::Bucket) {
            Some(m) => format!(
                "S3 bucket for the log files, made by the {}: {path}",
                layout::part_words(m)
            ),
            None => format!("S3 bucket for the log files, its policy managed elsewhere: {path}"),
        });
    }
    match &t.kms_key {
        None | Some(Expr::Attr(Res::Key, _)) => {}
        Some(Expr::Input(input)) => {
            let from = layout::supplier(model, all, *input);
            items.push(format!(
                "KMS key for the log files, made by the {}: its ARN is passed in as {}",
                from.map_or_else(|| "deployer".to_string(), layout::part_words),
                input.name()
            ));
        }
        Some(key) => items.push(format!(
            "KMS key for the log files, its policy managed elsewhere: {}",
            w.expr(key)
        )),
    }
    if let (None, Some(topic)) = (&model.topic, &t.sns_topic) {
        items.push(format!(
            "SNS topic told of each delivery, its policy managed elsewhere: {}",
            w.expr(topic)
        ));
    }
    if let Some((group, role)) = &t.cloudwatch_logs {
        if model.log_group.is_none() {
            items.push(format!(
                "CloudWatch Logs group for the events: {}",
                w.expr(group)
            ));
        }
        if model.logs_role.is_none() {
            items.push(format!(
                "IAM role CloudTrail assumes to write to the log group: {}",
                w.expr(role)
            ));
        }
    }
    for d in super::watched::destinations(model, w) {
        if let Destination::Existing(arn) = d {
            items.push(format!("SNS topic for the alarms: {arn}"));
        }
    }
}

/// "Encrypts ..." as "encrypts ...", to follow an indent like the other detail lines.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `model.retained`, the stores of evidence that outlive the output: one line of "Created".
fn kept(model: &Model, w: &Words) -> String {
    let names: Vec<String> = model
        .retained
        .iter()
        .map(|res| match res {
            Res::Bucket => "the bucket".to_string(),
            Res::Key => "the KMS key".to_string(),
            Res::LogGroup => "the log group".to_string(),
            other => w.expr(&Expr::Attr(*other, Attr::Name)),
        })
        .collect();
    if names.is_empty() {
        return "  kept when the stack or configuration is deleted: nothing created here"
            .to_string();
    }
    let them = if names.len() == 1 { "it" } else { "them" };
    format!(
        "  kept when the stack or configuration is deleted: {} (CloudFormation retains {them}, \
         Terraform refuses to destroy {them})",
        and_list(&names)
    )
}
