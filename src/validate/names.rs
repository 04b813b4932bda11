//! AWS naming and format rules as pure functions: each returns the broken rule in plain words.
//!
//! Owns the character sets and lengths of "aws-cloudtrail-facts" §3 (from the CloudTrail, S3, KMS,
//! SNS, IAM and CloudWatch Logs API references). It must not know where a name sits in the spec.

type Check = Result<(), String>;

fn length(value: &str, what: &str, min: usize, max: usize) -> Check {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(format!(
            "{what} must be {min} to {max} characters long, this one has {n}"
        ));
    }
    Ok(())
}

fn charset(value: &str, what: &str, allowed: &str, ok: impl Fn(char) -> bool) -> Check {
    match value.chars().find(|c| !ok(*c)) {
        // A newline or NUL printed as itself would break the message; show it escaped.
        Some(c) => Err(format!(
            "{what} may only contain {allowed}; `{}` is not allowed",
            c.escape_debug()
        )),
        None => Ok(()),
    }
}

fn looks_like_ipv4(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// "CreateTrail" API reference, Name parameter.
pub fn trail_name(name: &str) -> Check {
    length(name, "a trail name", 3, 128)?;
    charset(
        name,
        "a trail name",
        "ASCII letters, digits, `.`, `_` and `-`",
        |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'),
    )?;
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Err("a trail name must start and end with a letter or digit".into());
    }
    let punct = |c: char| matches!(c, '.' | '_' | '-');
    let chars: Vec<char> = name.chars().collect();
    if let Some(w) = chars.windows(2).find(|w| punct(w[0]) && punct(w[1])) {
        return Err(format!(
            "a trail name cannot have two punctuation characters in a row (`{}{}`)",
            w[0], w[1]
        ));
    }
    if looks_like_ipv4(name) {
        return Err("a trail name cannot be formatted as an IP address".into());
    }
    Ok(())
}

/// "General purpose bucket naming rules" (Amazon S3 User Guide).
pub fn bucket_name(name: &str) -> Check {
    length(name, "a bucket name", 3, 63)?;
    charset(
        name,
        "a bucket name",
        "lowercase letters, digits, `.` and `-`",
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-'),
    )?;
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Err("a bucket name must start and end with a lowercase letter or digit".into());
    }
    if name.contains("..") {
        return Err("a bucket name cannot contain two adjacent periods".into());
    }
    if looks_like_ipv4(name) {
        return Err("a bucket name cannot be formatted as an IP address".into());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Err(format!(
                "a bucket name cannot start with `{prefix}` (reserved by S3)"
            ));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Err(format!(
                "a bucket name cannot end with `{suffix}` (reserved by S3)"
            ));
        }
    }
    Ok(())
}

/// "CreateAlias" API reference, AliasName parameter.
pub fn kms_alias(alias: &str) -> Check {
    length(alias, "a KMS alias", 1, 256)?;
    if !alias.starts_with("alias/") || alias.len() == "alias/".len() {
        return Err("a KMS alias must start with `alias/` followed by a name".into());
    }
    if alias.starts_with("alias/aws/") {
        return Err("the `alias/aws/` prefix is reserved for AWS managed keys".into());
    }
    charset(
        alias,
        "a KMS alias",
        "letters, digits, `:`, `/`, `_` and `-`",
        |c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '_' | '-'),
    )
}

/// "CreateTopic" API reference, Name parameter (standard topics).
pub fn topic_name(name: &str) -> Check {
    length(name, "an SNS topic name", 1, 256)?;
    charset(
        name,
        "an SNS topic name",
        "letters, digits, `_` and `-`",
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'),
    )
}

/// "CreateLogGroup" API reference, logGroupName parameter.
pub fn log_group_name(name: &str) -> Check {
    length(name, "a log group name", 1, 512)?;
    charset(
        name,
        "a log group name",
        "letters, digits, `.`, `-`, `_`, `/` and `#`",
        |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#'),
    )
}

/// "PutRetentionPolicy" API reference, retentionInDays parameter; the schema lists them too.
pub use crate::spec::patterns::RETENTION_DAYS;

/// A retention of `never` always passes: deleting a log group's retention policy is how CloudWatch
/// Logs keeps events forever ("DeleteRetentionPolicy" API reference).
pub fn retention_days(retention: crate::spec::RetentionSpec) -> Check {
    let crate::spec::RetentionSpec::Days(days) = retention else {
        return Ok(());
    };
    if RETENTION_DAYS.contains(&days) {
        return Ok(());
    }
    let nearest = RETENTION_DAYS
        .iter()
        .min_by_key(|d| d.abs_diff(days))
        .copied()
        .unwrap_or(365);
    Err(format!(
        "CloudWatch Logs does not accept a retention of {days} days (nearest allowed: {nearest})"
    ))
}

/// "Organization" object in the AWS Organizations API reference: `o-` and 10 to 32 characters.
pub fn organization_id(id: &str) -> Check {
    let rest = id.strip_prefix("o-").unwrap_or("");
    let ok = (10..=32).contains(&rest.len())
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not an organization id (`o-` then 10 to 32 lowercase letters or digits)"
        ))
    }
}

pub fn account_id(id: &str) -> Check {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not an AWS account id (12 digits, quoted in YAML)"
        ))
    }
}

/// Region codes such as `eu-west-1`, `us-gov-west-1`, `cn-north-1`.
pub fn region(region: &str) -> Check {
    let parts: Vec<&str> = region.split('-').collect();
    let ok = parts.len() >= 3
        && parts.len() <= 4
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{region}` is not an AWS region code such as `eu-west-1`"
        ))
    }
}

/// An ARN of `service` whose resource part starts with one of `kinds` (any non-empty resource
/// when `kinds` is empty, as SNS topics have no resource type); IAM ARNs have no region.
pub fn arn(value: &str, service: &str, kinds: &[&str]) -> Check {
    let what = format!(
        "`{value}` is not a {service} ARN (arn:PARTITION:{service}:…:{})",
        kinds.join("|")
    );
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || !parts[1].starts_with("aws") || parts[2] != service
    {
        return Err(what);
    }
    let region_ok = if service == "iam" {
        parts[3].is_empty()
    } else {
        region(parts[3]).is_ok()
    };
    if !region_ok || account_id(parts[4]).is_err() {
        return Err(what);
    }
    let resource = parts[5];
    let kind_ok = (kinds.is_empty() && !resource.is_empty())
        || kinds.iter().any(|k| {
            resource == *k
                || resource
                    .strip_prefix(k)
                    .is_some_and(|r| r.starts_with(['/', ':']) && r.len() > 1)
        });
    if !kind_ok {
        return Err(what);
    }
    resource_name(service, resource).map_err(|why| format!("`{value}`: {why}"))
}

/// IAM names and path segments: letters, digits and `+=,.@_-` ("IAM identifiers", CreateRole).
fn iam_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | ',' | '.' | '@' | '_' | '-')
}

/// "CreateRole" API reference, RoleName: 1 to 64 characters of `[\w+=,.@-]`.
pub fn role_name(name: &str) -> Check {
    length(name, "a role name", 1, 64)?;
    charset(
        name,
        "a role name",
        "ASCII letters, digits and `+=,.@_-`",
        iam_char,
    )
}

/// "CreateRole" API reference, Path: `/` alone, or `/` then printable ASCII (U+0021 to U+007E)
/// then `/`, at most 512 characters. `&{` is refused as it is in a role ARN's path: the
/// provider's aws_iam_policy_document turns it into the `${...}` of an IAM policy variable.
pub fn iam_path(path: &str) -> Check {
    length(path, "an IAM path", 1, 512)?;
    charset(
        path,
        "an IAM path",
        "printable ASCII characters other than spaces",
        |c| ('!'..='~').contains(&c),
    )?;
    if !path.starts_with('/') || !path.ends_with('/') {
        return Err(format!(
            "an IAM path must start and end with `/`, such as `/` or `/service-role/`; `{path}` does not"
        ));
    }
    if path.contains("&{") {
        return Err(
            "an IAM path with `&{` would read as a policy variable in Terraform's policy documents"
                .into(),
        );
    }
    Ok(())
}

/// "CreateRole" API reference, PermissionsBoundary (20 to 2048 characters), and "CreatePolicy",
/// PolicyName (1 to 128 characters of `[\w+=,.@-]`) and Path: the ARN of a managed policy, of an
/// account or of AWS (`arn:aws:iam::aws:policy/...`).
pub fn managed_policy_arn(value: &str) -> Check {
    let what = format!(
        "`{value}` is not the ARN of an IAM managed policy (arn:PARTITION:iam::ACCOUNT:policy/NAME, or `aws` for the account of an AWS managed policy)"
    );
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return Err(what);
    };
    let account_ok = account == "aws" || account_id(account).is_ok();
    if arn != "arn"
        || !partition.starts_with("aws")
        || service != "iam"
        || !region.is_empty()
        || !account_ok
    {
        return Err(what);
    }
    let Some(path_and_name) = resource.strip_prefix("policy/") else {
        return Err(what);
    };
    let (path, name) = path_and_name
        .rsplit_once('/')
        .map_or(("", path_and_name), |(p, n)| (p, n));
    length(name, "a managed policy name", 1, 128)
        .and_then(|()| {
            charset(
                name,
                "a managed policy name",
                "ASCII letters, digits and `+=,.@_-`",
                iam_char,
            )
        })
        .and_then(|()| match path {
            "" => Ok(()),
            p => iam_path(&format!("/{p}/")),
        })
        .map_err(|why| format!("`{value}`: {why}"))?;
    length(value, "a permissions boundary ARN", 20, 2048)
}

/// The name inside an ARN's resource part, by the rules of the API that creates it: an ARN with a
/// name AWS would refuse names nothing, and its text lands in policies and in the output.
fn resource_name(service: &str, resource: &str) -> Check {
    match service {
        // A FIFO name's `.fifo` counts towards its length.
        "sns" => {
            length(resource, "an SNS topic name", 1, 256)?;
            topic_name(resource.strip_suffix(".fifo").unwrap_or(resource))
        }
        "sqs" => {
            length(resource, "an SQS queue name", 1, 80)?;
            let name = resource.strip_suffix(".fifo").unwrap_or(resource);
            charset(
                name,
                "an SQS queue name",
                "letters, digits, `_` and `-`",
                |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'),
            )
        }
        "logs" => {
            let rest = resource.strip_prefix("log-group:").unwrap_or_default();
            log_group_name(rest.strip_suffix(":*").unwrap_or(rest))
        }
        "iam" if resource == "root" => Ok(()),
        // A path may hold any printable ASCII character (U+0021 to U+007E), a name only those of
        // `iam_char`. `&{` is refused in the path: the provider's aws_iam_policy_document turns
        // it into the `${...}` of an IAM policy variable.
        "iam" => {
            let (_, path_and_name) = resource.split_once('/').unwrap_or_default();
            let (path, name) = path_and_name
                .rsplit_once('/')
                .unwrap_or(("", path_and_name));
            length(name, "an IAM name", 1, 64)?;
            charset(
                name,
                "an IAM name",
                "letters, digits and `+=,.@_-`",
                iam_char,
            )?;
            charset(path, "an IAM path", "printable ASCII characters", |c| {
                ('!'..='~').contains(&c)
            })?;
            if path.contains("&{") {
                return Err("an IAM path with `&{` would read as a policy variable in Terraform's policy documents".into());
            }
            Ok(())
        }
        "kms" => match resource.split_once('/') {
            Some(("alias", _)) => kms_alias(resource),
            Some((_, id)) => {
                let hex = id.strip_prefix("mrk-").unwrap_or(id);
                let ok = if id.starts_with("mrk-") {
                    hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
                } else {
                    id.len() == 36
                        && id.bytes().enumerate().all(|(i, b)| match i {
                            8 | 13 | 18 | 23 => b == b'-',
                            _ => b.is_ascii_hexdigit(),
                        })
                };
                if ok {
                    Ok(())
                } else {
                    Err("a key id is a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, or mrk- and 32 hex digits for a multi-Region key".into())
                }
            }
            None => Ok(()),
        },
        "lambda" => {
            let rest = resource.strip_prefix("function:").unwrap_or_default();
            let name = rest.split(':').next().unwrap_or_default();
            length(name, "a Lambda function name", 1, 64)?;
            charset(
                name,
                "a Lambda function name",
                "letters, digits, `_` and `-`",
                |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'),
            )
        }
        _ => Ok(()),
    }
}

/// "MetricTransformation" in the CloudWatch Logs API reference: metricName and metricNamespace
/// are at most 255 characters of `[^:*$]`; "Namespaces" (CloudWatch User Guide) reserves `AWS/`.
pub fn metric_name(name: &str) -> Check {
    length(name, "a metric name", 1, 255)?;
    charset(
        name,
        "a metric name",
        "ASCII characters other than `:`, `*` and `$`",
        metric_char,
    )
}

pub fn metric_namespace(namespace: &str) -> Check {
    length(namespace, "a metric namespace", 1, 255)?;
    charset(
        namespace,
        "a metric namespace",
        "ASCII characters other than `:`, `*` and `$`",
        metric_char,
    )?;
    if namespace.starts_with("AWS/") {
        return Err("namespaces starting with `AWS/` are reserved for AWS services".into());
    }
    Ok(())
}

fn metric_char(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_control() && !matches!(c, ':' | '*' | '$')
}

/// "PutMetricFilter" API reference: a filter pattern is at most 1024 characters. Its braces and
/// parentheses must pair up ("Filter pattern syntax for metric filters"); quoted text is skipped.
pub fn filter_pattern(pattern: &str) -> Check {
    let n = pattern.chars().count();
    if n > 1024 {
        return Err(format!(
            "a filter pattern can be at most 1024 characters long, this one has {n}"
        ));
    }
    let mut open: Vec<char> = Vec::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in pattern.chars() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '{' | '(' => open.push(c),
            '}' | ')' => {
                let want = if c == '}' { '{' } else { '(' };
                if open.pop() != Some(want) {
                    return Err(format!(
                        "the filter pattern has a `{c}` that closes nothing"
                    ));
                }
            }
            _ => {}
        }
    }
    if quoted {
        return Err("the filter pattern has a `\"` that is never closed".into());
    }
    match open.last() {
        Some(c) => Err(format!(
            "the filter pattern has a `{c}` that is never closed"
        )),
        None => Ok(()),
    }
}

/// S3's safe key characters ("Creating object key names": letters, digits and `!-_.*'()/`); the
/// others need special handling somewhere (URLs, shells, templates) or are to be avoided.
pub fn s3_safe_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!-_.*'()/".contains(c)
}

/// The key prefix S3 writes a bucket's server access logs under (`TargetPrefix`), by "Creating
/// object key names": S3's safe characters and those that need special handling in URLs are
/// taken; the characters to avoid (`\ { } ^ % ` [ ] " < > ~ # |`, and anything outside printable
/// ASCII) are refused. S3 appends the log object's own name to it (up to about 160 bytes with
/// date-partitioned keys) and a key holds at most 1,024 bytes.
pub fn access_log_prefix(prefix: &str) -> Check {
    if prefix.len() > 860 {
        return Err(format!(
            "the access log prefix can be at most 860 bytes long, leaving room in S3's 1,024-byte keys for the log object's name; this one has {}",
            prefix.len()
        ));
    }
    let taken = |c: char| s3_safe_key_char(c) || "&$@=;:+ ,?".contains(c);
    match prefix.chars().find(|c| !taken(*c)) {
        Some(c) => Err(format!(
            "the access log prefix may only use S3's safe key characters and `&$@=;:+ ,?`; `{c}` is one S3 asks to avoid"
        )),
        None => Ok(()),
    }
}

const TAG_CHARS: &str = "letters, digits, spaces and `_ . : / = + - @`";

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// "Tag" object rules shared by the services we tag (IAM, S3, KMS, SNS, Logs, CloudTrail).
pub fn tag_key(key: &str) -> Check {
    length(key, "a tag key", 1, 128)?;
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err("tag keys starting with `aws:` are reserved for AWS".into());
    }
    charset(key, "a tag key", TAG_CHARS, tag_char)
}

pub fn tag_value(value: &str) -> Check {
    if value.chars().count() > 256 {
        return Err("a tag value can be at most 256 characters long".into());
    }
    charset(value, "a tag value", TAG_CHARS, tag_char)
}

#[cfg(test)]
mod tests;
