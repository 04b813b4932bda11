//! An organization layout in words: which part makes what, the order the parts are deployed in
//! and why, what one hands the other, what the management account needs first, and what the
//! policies of one account let the trail of the other do.
//!
//! Reads the parts' models as `model::lower_all` returns them (in deploy order) and the policy
//! statements they hold; the AWS facts it states (CreateTrail checks the bucket policy, an
//! organization trail needs trusted access, CloudFormation cannot create one from a delegated
//! administrator account) are the reasons the layout is what it is, not choices. It must not
//! decide where a resource lives (that is `layout` and `model`).

use super::prose::and_list;
use super::words::{service_name, Words};
use crate::derived::pascal;
use crate::expr::{Expr, Input, Res};
use crate::model::Model;
use crate::policy::{Effect, Principal, Statement};

/// Whether the output of `model` creates `res`.
pub(super) fn creates(model: &Model, res: Res) -> bool {
    match res {
        Res::Bucket
        | Res::BucketPolicy
        | Res::BucketPublicAccessBlock
        | Res::BucketOwnership
        | Res::BucketEncryption
        | Res::BucketLifecycle => model.bucket.is_some(),
        Res::BucketVersioning => model.bucket.as_ref().is_some_and(|b| b.versioning),
        Res::BucketLogging => model
            .bucket
            .as_ref()
            .is_some_and(|b| b.access_logging.is_some()),
        Res::BucketObjectLock => model
            .bucket
            .as_ref()
            .is_some_and(|b| b.object_lock.is_some()),
        Res::Key | Res::KeyAlias => model.key.is_some(),
        Res::Topic | Res::TopicPolicy => model.topic.is_some(),
        Res::AlertsTopic | Res::AlertsTopicPolicy => model.alerts_topic.is_some(),
        Res::LogGroup => model.log_group.is_some(),
        Res::LogsRole | Res::LogsRolePolicy => model.logs_role.is_some(),
        Res::Trail => model.trail.is_some(),
        Res::AthenaDatabase | Res::AthenaTable | Res::AthenaWorkgroup => model.athena.is_some(),
    }
}

/// The part of a layout that creates `res`.
pub(super) fn maker(all: &[Model], res: Res) -> Option<&Model> {
    all.iter().find(|m| creates(m, res))
}

/// The part whose output `model` takes as `input`.
pub(super) fn supplier<'a>(model: &Model, all: &'a [Model], input: Input) -> Option<&'a Model> {
    let spec = model.inputs.iter().find(|i| i.input == input)?;
    all.iter().find(|m| m.part == Some(spec.from.0))
}

/// "log archive", "management".
fn title(model: &Model) -> &'static str {
    model.part.map_or("whole", |p| p.title())
}

/// "log archive part (account 111111111111)".
pub(super) fn part_words(model: &Model) -> String {
    let title = title(model);
    match &model.account {
        Some(a) => format!("{title} part (account {})", a.verbatim()),
        None => format!("{title} part"),
    }
}

/// "log archive account 111111111111": a part by the account it is deployed to.
pub(super) fn account_words(model: &Model) -> String {
    let account = model.account.as_ref().map_or("", |a| a.verbatim());
    format!("{} account {account}", title(model))
}

/// The heading of part `i` of `n`, underlined so the parts stand out from their sections.
pub fn heading(model: &Model, i: usize, n: usize) -> Vec<String> {
    let first = if i == 0 { " (deploy first)" } else { "" };
    let head = format!("Part {} of {n}: {}{first}", i + 1, account_words(model));
    let rule = "=".repeat(head.len());
    vec![head, rule]
}

/// The "Organization layout" section: order, hand-off, prerequisites, grants across accounts.
pub fn section(models: &[Model]) -> Vec<String> {
    let mut lines = vec![format!(
        "Organization layout: {} parts, each deployed in its own account, in this order",
        models.len()
    )];
    for (i, m) in models.iter().enumerate() {
        let slug = m.part.map_or("", |p| p.slug());
        lines.push(format!(
            "  {}. {} part, in account {} (synth --part {slug})",
            i + 1,
            title(m),
            m.account.as_ref().map_or("", |a| a.verbatim()),
        ));
    }
    let trail = maker(models, Res::Trail);
    if let (Some(t), Some(b)) = (trail, maker(models, Res::Bucket)) {
        lines.push(format!(
            "  why this order: CreateTrail checks the bucket policy, so the {} part's trail cannot \
             be created before the {} part has written that policy",
            title(t),
            title(b)
        ));
    }
    for m in models {
        for i in &m.inputs {
            let (part, output) = i.from;
            let name = i.input.name();
            lines.push(format!(
                "  hand-off: pass output {output} of the {} part ({} in CloudFormation) to the {} \
                 part, as the CloudFormation parameter {} or Terraform's -var {name}=VALUE",
                part.title(),
                pascal(output),
                title(m),
                pascal(name),
            ));
        }
    }
    if let Some(t) = trail.filter(|t| t.trail.as_ref().is_some_and(|t| t.organization)) {
        let account = t.account.as_ref().map_or("", |a| a.verbatim());
        lines.push(format!(
            "  before deploying the {} part, in the management account {account}: all features \
             enabled in AWS Organizations, and trusted access for CloudTrail (aws organizations \
             enable-aws-service-access --service-principal cloudtrail.amazonaws.com)",
            title(t),
        ));
        lines.push(format!(
            "  with CloudFormation, deploy the {} part in the management account itself: \
             CloudFormation cannot create an organization trail from a delegated administrator \
             account",
            title(t),
        ));
    }
    grants(models, &mut lines);
    lines
}

/// What the policies of each account let the trail (and readers) do.
fn grants(models: &[Model], lines: &mut Vec<String>) {
    let Some(any) = models.first() else {
        return;
    };
    lines.push(format!(
        "  \"this trail\" is {}",
        Words::new(any).trail_arn()
    ));
    lines.push("  across the accounts:".to_string());
    let bucket = maker(models, Res::Bucket);
    if let Some((m, b)) = bucket.and_then(|m| m.bucket.as_ref().map(|b| (m, b))) {
        let w = Words::new(m);
        let writes = by_source(&w, &b.policy.statements, "s3:PutObject", |s| {
            let paths: Vec<String> = s
                .resources
                .iter()
                .map(|r| w.within(r).map_or_else(|| w.expr(r), |(path, _)| path))
                .collect();
            and_list(&paths)
        });
        if !writes.is_empty() {
            lines.push(format!(
                "    bucket policy ({}): CloudTrail may write log files to the bucket only {}",
                account_words(m),
                writes.join(" or ")
            ));
        }
    }
    let Some(key) = log_files_key(models) else {
        let trail = maker(models, Res::Trail).and_then(|m| m.trail.as_ref());
        if let Some(key @ Expr::Lit(_)) = trail.and_then(|t| t.kms_key.as_ref()) {
            lines.push(format!(
                "    key policy of {} (exists already, managed elsewhere): must let CloudTrail \
                 encrypt log files as this trail (validate's note existing-key-policy lists the \
                 statements)",
                Words::new(any).expr(key)
            ));
        }
        return;
    };
    let Some(k) = &key.key else {
        return;
    };
    let w = Words::new(key);
    let encrypts = by_source(&w, &k.policy.statements, "kms:GenerateDataKey*", |_| {
        String::new()
    });
    let readers: Vec<String> = k
        .policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow && s.actions.contains(&"kms:Decrypt"))
        .flat_map(|s| match &s.principal {
            Principal::Aws(list) => list.iter().map(|a| w.expr(a)).collect(),
            _ => Vec::new(),
        })
        .collect();
    let decrypt = if readers.is_empty() {
        "no reader is named to decrypt them".to_string()
    } else {
        format!("{} may decrypt them", and_list(&readers))
    };
    lines.push(format!(
        "    key policy ({}): CloudTrail may encrypt log files only {}; {decrypt}",
        account_words(key),
        encrypts.join(" or ")
    ));
    let key_account = key.account.as_ref().map(|a| a.verbatim());
    let elsewhere = |account: Option<&str>| -> Vec<String> {
        readers
            .iter()
            .filter(|r| arn_account(r).is_some_and(|a| Some(a) != account))
            .cloned()
            .collect()
    };
    let others = elsewhere(key_account);
    if !others.is_empty() {
        lines.push(format!(
            "    a reader in another account than the key's also needs kms:Decrypt on the key in \
             an IAM policy of its own account: {}",
            and_list(&others)
        ));
    }
    // Reading a log file also takes s3:GetObject, which no statement of the bucket policy grants;
    // across accounts an IAM policy alone cannot give it.
    let Some(m) = bucket else {
        return;
    };
    let reads = m.bucket.iter().flat_map(|b| &b.policy.statements).any(|s| {
        s.effect == Effect::Allow
            && s.actions
                .iter()
                .any(|a| matches!(*a, "s3:GetObject" | "s3:Get*" | "s3:*"))
    });
    let bucket_account = m.account.as_ref().map(|a| a.verbatim());
    let outside = elsewhere(bucket_account);
    if !reads && !outside.is_empty() {
        lines.push(format!(
            "    the bucket policy grants no one s3:GetObject, so a reader outside account {} \
             cannot read the log files from its own account: {}",
            bucket_account.unwrap_or_default(),
            and_list(&outside)
        ));
    }
}

/// The part whose key encrypts the log files: the trail's own part, or the part whose output the
/// trail takes as its key; none for a key that exists already.
fn log_files_key(models: &[Model]) -> Option<&Model> {
    let part = maker(models, Res::Trail)?;
    match part.trail.as_ref()?.kms_key.as_ref()? {
        Expr::Attr(Res::Key, _) => Some(part),
        Expr::Input(input) => supplier(part, models, *input).filter(|m| m.key.is_some()),
        _ => None,
    }
}

/// Whom CloudTrail may act as to take `action` ("as this trail"), each with what `detail` says of
/// its statements (in parentheses), statements of the same source together.
fn by_source(
    w: &Words,
    statements: &[Statement],
    action: &str,
    detail: impl Fn(&Statement) -> String,
) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for s in statements {
        let cloudtrail = match &s.principal {
            Principal::Service(host) => service_name(&w.expr(host)) == "CloudTrail",
            _ => false,
        };
        let source = s.conditions.iter().find(|c| c.key == "aws:SourceArn");
        let (true, Effect::Allow, Some(source)) = (cloudtrail, s.effect, source) else {
            continue;
        };
        if !s.actions.contains(&action) {
            continue;
        }
        let who = w.condition(source);
        let text = detail(s);
        match groups.iter_mut().find(|(w, _)| *w == who) {
            Some((_, details)) => details.push(text),
            None => groups.push((who, vec![text])),
        }
    }
    groups
        .into_iter()
        .map(|(who, details)| {
            let details: Vec<String> = details.into_iter().filter(|d| !d.is_empty()).collect();
            if details.is_empty() {
                who
            } else {
                format!("{who} ({})", and_list(&details))
            }
        })
        .collect()
}

/// The account in an ARN (`arn:aws:iam::333333333333:role/x` gives 333333333333).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}
