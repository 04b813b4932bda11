//! Values that are only known at deploy time, as expressions both targets can translate, and the
//! text a user wrote, which no target may read as code.
//!
//! Owns the expression tree (literals, partition, account, region, resource attributes, joins) and
//! `Text`. It must not know how a target writes them: `Fn::Sub` and `${aws_x.y.arn}` live in
//! `emit`, and so does the escaping each target needs.

/// Text from a spec or a blueprint parameter, or built from one: data in every target, never code.
///
/// Terraform reads `${` and `%{` in any string of a `.tf.json` as a template, so a selector name
/// of `${file("/etc/passwd")}` would run at plan time. `Text` has no `Serialize`, `Display` or
/// `Deref`: an emitter cannot put it into JSON by accident, only through its own renderer, and the
/// Terraform emitter's renderer escapes. Literals of expressions (`Expr::Lit`) are rendered the
/// same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(String, Option<Expr>);

impl Text {
    pub fn new(text: impl Into<String>) -> Text {
        Text(text.into(), None)
    }

    /// A name or ARN that may hold deploy-time values (`${account}`, `${region}`, `${partition}`,
    /// `${PARAMETER}`): `validate` admitted only those references in the fields that make one.
    /// Without a reference it is plain text.
    pub fn deploy_time(text: impl Into<String>) -> Text {
        let text = text.into();
        let expr = Expr::deploy_time(&text);
        match expr {
            Expr::Lit(_) => Text(text, None),
            e => Text(text, Some(e)),
        }
    }

    /// The expression a name with deploy-time values stands for; `None` for plain text.
    pub fn deployed(&self) -> Option<&Expr> {
        self.1.as_ref()
    }

    /// The characters as written, for what reads text as data: CloudFormation outside `Fn::Sub`,
    /// `explain`, literals of expressions. The Terraform emitter calls it only to escape
    /// the characters (`tests/architecture.rs`).
    pub fn verbatim(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::new(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::new(text)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A resource the output creates. Each target gives it a stable name of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Res {
    Bucket,
    BucketPolicy,
    /// Settings of the bucket that Terraform (provider v4+) makes as resources of their own and
    /// CloudFormation writes as properties of the bucket.
    BucketPublicAccessBlock,
    BucketOwnership,
    BucketEncryption,
    BucketVersioning,
    BucketLifecycle,
    BucketLogging,
    BucketObjectLock,
    Key,
    KeyAlias,
    Topic,
    TopicPolicy,
    /// The new topic that receives CloudWatch alarms, and its policy.
    AlertsTopic,
    AlertsTopicPolicy,
    LogGroup,
    /// The delivery role together with its permissions policy.
    LogsRole,
    /// The delivery role's permissions, where a target makes them a resource of their own
    /// (Terraform); CloudFormation writes them into the role.
    LogsRolePolicy,
    Trail,
    /// The Glue database and table of the Athena section, and its workgroup.
    AthenaDatabase,
    AthenaTable,
    AthenaWorkgroup,
}

/// An attribute of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attr {
    /// The resource's name (bucket, topic, log group, role).
    Name,
    /// The resource's ARN exactly as AWS prints it (a log group ARN without `:*`).
    Arn,
    /// The id that other resources of its service name it by: a key's id, a role's name.
    Id,
}

/// A value the output takes from whoever deploys it: a CloudFormation parameter, a Terraform
/// variable. Only what one part of an organization layout learns from another after deploying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// The ARN of the log files' key, an output of the log archive part.
    KmsKeyArn,
}

impl Input {
    /// snake_case; CloudFormation writes it in PascalCase.
    pub fn name(self) -> &'static str {
        match self {
            Input::KmsKeyArn => "kms_key_arn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expr {
    Lit(String),
    Partition,
    Account,
    Region,
    Attr(Res, Attr),
    Input(Input),
    /// A parameter the spec declares (`parameters:`), by its snake_case name.
    Param(String),
    Join(Vec<Expr>),
}

/// The references a deploy-time value may hold, besides the spec's own parameters.
pub const BUILTINS: [&str; 3] = ["account", "region", "partition"];

/// The `${...}` references of a name, in order, with the byte range of each (`${` to `}`), or
/// the byte offset of a `${` that is never closed.
pub fn references(text: &str) -> Result<Vec<(std::ops::Range<usize>, &str)>, usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("${").map(|i| i + from) {
        let Some(len) = text[at + 2..].find('}') else {
            return Err(at);
        };
        let end = at + 2 + len + 1;
        out.push((at..end, &text[at + 2..end - 1]));
        from = end;
    }
    Ok(out)
}

impl Expr {
    pub fn lit(text: impl Into<String>) -> Expr {
        Expr::Lit(text.into())
    }

    /// A literal of text the user wrote, or the expression of a name with deploy-time values.
    pub fn text(text: &Text) -> Expr {
        match &text.1 {
            Some(e) => e.clone(),
            None => Expr::Lit(text.0.clone()),
        }
    }

    /// A name or ARN of the spec with its deploy-time references (`${account}` and the like)
    /// turned into expressions. Only for the fields `validate` checks references in: it admits
    /// no other `${` there, and any left would be taken as a parameter's name.
    pub fn deploy_time(text: &str) -> Expr {
        let Ok(refs) = references(text) else {
            return Expr::lit(text);
        };
        let mut parts = Vec::new();
        let mut last = 0;
        for (range, name) in refs {
            parts.push(Expr::lit(&text[last..range.start]));
            parts.push(match name {
                "account" => Expr::Account,
                "region" => Expr::Region,
                "partition" => Expr::Partition,
                other => Expr::Param(other.to_string()),
            });
            last = range.end;
        }
        parts.push(Expr::lit(&text[last..]));
        Expr::join(parts)
    }

    /// Concatenation, flattened, with adjacent literals merged and empty ones dropped.
    pub fn join(parts: impl IntoIterator<Item = Expr>) -> Expr {
        let mut out: Vec<Expr> = Vec::new();
        for part in parts {
            let pieces = match part {
                Expr::Join(inner) => inner,
                other => vec![other],
            };
            for piece in pieces {
                match (out.last_mut(), piece) {
                    (_, Expr::Lit(s)) if s.is_empty() => {}
                    (Some(Expr::Lit(prev)), Expr::Lit(s)) => prev.push_str(&s),
                    (_, piece) => out.push(piece),
                }
            }
        }
        match out.len() {
            0 => Expr::lit(""),
            1 => out.remove(0),
            _ => Expr::Join(out),
        }
    }

    /// The parts of a join, or the expression itself as the only part.
    pub fn parts(&self) -> &[Expr] {
        match self {
            Expr::Join(parts) => parts,
            other => std::slice::from_ref(other),
        }
    }

    /// `arn:PARTITION:service:region:account:rest` with partition, region and account from the
    /// deployment.
    pub fn arn(service: &str, region: Option<Expr>, account: Option<Expr>, rest: Expr) -> Expr {
        Expr::join([
            Expr::lit("arn:"),
            Expr::Partition,
            Expr::lit(format!(":{service}:")),
            region.unwrap_or(Expr::lit("")),
            Expr::lit(":"),
            account.unwrap_or(Expr::lit("")),
            Expr::lit(":"),
            rest,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_flattens_and_merges_literals() {
        let e = Expr::join([
            Expr::lit("a"),
            Expr::join([Expr::lit("b"), Expr::Account]),
            Expr::lit(""),
            Expr::lit("c"),
            Expr::lit("d"),
        ]);
        assert_eq!(
            e,
            Expr::Join(vec![Expr::lit("ab"), Expr::Account, Expr::lit("cd")])
        );
        assert_eq!(
            Expr::join([Expr::lit("x"), Expr::lit("y")]),
            Expr::lit("xy")
        );
        assert_eq!(Expr::join([Expr::Region]), Expr::Region);
    }

    #[test]
    fn deploy_time_values_become_expressions() {
        assert_eq!(
            Expr::deploy_time("logs-${account}-${region}"),
            Expr::Join(vec![
                Expr::lit("logs-"),
                Expr::Account,
                Expr::lit("-"),
                Expr::Region
            ])
        );
        assert_eq!(
            Expr::deploy_time("arn:${partition}:kms:x:1:key/${key_id}"),
            Expr::Join(vec![
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(":kms:x:1:key/"),
                Expr::Param("key_id".into())
            ])
        );
        assert_eq!(Expr::deploy_time("plain"), Expr::lit("plain"));
        assert_eq!(Text::deploy_time("plain"), Text::new("plain"));
        assert!(Text::deploy_time("${bucket}").deployed().is_some());
        assert_eq!(references("a${b"), Err(1));
        assert_eq!(references("${a}x${b}").map(|r| r.len()), Ok(2));
    }

    #[test]
    fn arn_builds_all_parts() {
        let e = Expr::arn("s3", None, None, Expr::lit("bucket"));
        assert_eq!(
            e,
            Expr::Join(vec![
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(":s3:::bucket")
            ])
        );
    }
}
