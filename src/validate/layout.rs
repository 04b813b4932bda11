//! Rules of the organization layout (`accounts`): what the two parts must agree on before either
//! is deployed.
//!
//! Owns the codes `accounts-*` and `writer-account-is-management`. It must not decide where a
//! resource lives (that is `layout` and `model`).

use super::names;
use super::rules::rule;
use crate::diag::{Code, Diagnostic};
use crate::spec::{KeyAccount, Spec};

const ACCOUNT_HINT: &str =
    "write the 12 digits in quotes, e.g. \"111122223333\", so YAML keeps leading zeros";

/// Every layout finding for `spec`; none without `accounts`.
pub fn check(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(a) = &spec.accounts else {
        return;
    };
    for (field, id) in [
        ("log_archive", &a.log_archive),
        ("management", &a.management),
    ] {
        rule(
            out,
            Code::AccountId,
            &format!("/accounts/{field}"),
            names::account_id(id),
            Some(ACCOUNT_HINT),
        );
    }
    if a.log_archive == a.management {
        out.push(
            Diagnostic::error(
                Code::AccountsSame,
                "/accounts/management",
                "the log archive and management accounts are the same account, so there is nothing to lay out",
            )
            .hint("name two different accounts, or remove `accounts` to make every resource in one account"),
        );
    }
    // The trail's ARN (`arn:P:cloudtrail:REGION:MANAGEMENT:trail/NAME`) is what the bucket and key
    // policies of the log archive account name; without the region it cannot be written.
    if spec.trail.home_region.is_none() {
        out.push(
            Diagnostic::error(
                Code::AccountsHomeRegion,
                "/accounts",
                "an organization layout needs `trail.home_region`: the log archive account's policies name the trail by its ARN, which holds the region",
            )
            .at_key()
            .hint("add `home_region: eu-west-1` (the region the trail is created in) under `trail`"),
        );
    }
    if spec.bucket.existing {
        out.push(
            Diagnostic::error(
                Code::AccountsExistingBucket,
                "/bucket/existing",
                "with `accounts`, the log archive part creates the bucket and writes its policy; an existing bucket has neither here",
            )
            .hint("remove `existing: true`, or remove `accounts` and deliver to the existing bucket from one account"),
        );
    } else if spec.bucket.name.is_none() {
        let region = spec.trail.home_region.as_deref().unwrap_or("eu-west-1");
        let named = format!(
            "{}-logs-{}-{region}",
            spec.trail.name.to_lowercase().replace(['_', '.'], "-"),
            a.log_archive,
        );
        // Bucket names have at most 63 characters.
        let example = if named.len() <= 63 {
            named
        } else {
            format!("cloudtrail-logs-{}-{region}", a.log_archive)
        };
        out.push(
            Diagnostic::error(
                Code::AccountsBucketName,
                "/accounts",
                "an organization layout needs `bucket.name`: the management account's trail names the log archive account's bucket, so the name must be known before either is deployed",
            )
            .at_key()
            .hint(format!("add `name: {example}` under `bucket` (account and region keep it unique)")),
        );
    }
    for (i, w) in spec.bucket.writer_accounts.iter().enumerate() {
        if w == &a.management {
            out.push(
                Diagnostic::error(
                    Code::WriterAccountIsManagement,
                    format!("/bucket/writer_accounts/{i}"),
                    "the management account's trail already writes by its exact ARN; as a writer account, every other trail of that account could write and encrypt too",
                )
                .hint("remove this entry"),
            );
        }
    }
    owned_by_management(spec, out);
}

/// What the trail takes as it is must be in the management account: CreateTrail takes a log
/// group and delivery role of the trail's own account, and a key in the trail's region.
fn owned_by_management(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(a) = &spec.accounts else {
        return;
    };
    let field = |arn: &str, n: usize| arn.split(':').nth(n).map(str::to_string);
    if let Some(c) = spec.cloudwatch_logs.settings() {
        for (path, arn) in [
            ("/cloudwatch_logs/log_group_arn", &c.log_group_arn),
            ("/cloudwatch_logs/role_arn", &c.role_arn),
        ] {
            let Some(arn) = arn else { continue };
            let home = spec.trail.home_region.as_deref();
            if let Some(region) =
                field(arn, 3).filter(|r| !r.is_empty() && home.is_some_and(|h| h != r))
            {
                out.push(
                    Diagnostic::error(
                        Code::AccountsLogsAccount,
                        path,
                        format!("this is in region {region}; the trail of an organization layout is created in its home region {}, and CloudTrail delivers only to a log group of its own region", home.unwrap_or_default()),
                    )
                    .hint("use a log group of the home region, or leave it out to have one created there"),
                );
                continue;
            }
            if let Some(account) = field(arn, 4).filter(|x| x != &a.management) {
                out.push(
                    Diagnostic::error(
                        Code::AccountsLogsAccount,
                        path,
                        format!("this is in account {account}; the trail of an organization layout is the management account's ({}), and CloudTrail takes a log group and role only of the trail's own account", a.management),
                    )
                    .hint("use a log group and role of the management account, or leave them out to have them created there"),
                );
            }
        }
    }
    let kms = spec.kms.settings();
    if let Some(alias) = kms
        .as_ref()
        .filter(|k| k.key_arn.is_none())
        .and_then(|k| k.alias.as_ref())
    {
        let own = crate::layout::monitoring_alias(alias);
        if a.key == KeyAccount::LogArchive {
            if let Err(why) = names::kms_alias(&own) {
                out.push(
                    Diagnostic::error(
                        Code::KmsAlias,
                        "/kms/alias",
                        format!("the management part names its own key (for its log group and topics) `{own}`: {why}"),
                    )
                    .hint("shorten the alias"),
                );
            }
        }
    }
    let Some(arn) = kms.and_then(|k| k.key_arn) else {
        return;
    };
    // A malformed ARN has its own finding (`key-arn`); only a well-formed one is placed.
    let parts: Vec<&str> = arn.split(':').collect();
    let [_, _, "kms", region, account, resource] = parts.as_slice() else {
        return;
    };
    let owner = match a.key {
        KeyAccount::LogArchive => ("log archive", &a.log_archive),
        KeyAccount::Management => ("management", &a.management),
    };
    let problem = if resource.starts_with("alias/") {
        Some((
            "an alias ARN: the trail must name its key by key ARN (the provider reads back the key ARN, and an alias would show a change on every plan)".to_string(),
            "use the key's ARN, arn:aws:kms:REGION:ACCOUNT:key/ID",
        ))
    } else if spec
        .trail
        .home_region
        .as_deref()
        .is_some_and(|h| h != *region)
    {
        Some((
            format!(
                "this key is in region {region}; the trail, its bucket and their key must be in the trail's home region {}",
                spec.trail.home_region.as_deref().unwrap_or_default()
            ),
            "use a key of the home region",
        ))
    } else if *account != owner.1.as_str() {
        Some((
            format!(
                "this key is in account {account}, but `accounts.key` puts the key of the log files in the {} account ({})",
                owner.0, owner.1
            ),
            "set `accounts.key` to the account that holds this key, or use a key of that account",
        ))
    } else {
        None
    };
    if let Some((message, hint)) = problem {
        out.push(Diagnostic::error(Code::AccountsKeyArn, "/kms/key_arn", message).hint(hint));
    }
}
