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
pub struct Text(String);

impl Text {
    pub fn new(text: impl Into<String>) -> Text {
        Text(text.into())
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
        Text(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(text.to_string())
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
}

/// An attribute of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Lit(String),
    Partition,
    Account,
    Region,
    Attr(Res, Attr),
    Input(Input),
    Join(Vec<Expr>),
}

impl Expr {
    pub fn lit(text: impl Into<String>) -> Expr {
        Expr::Lit(text.into())
    }

    /// A literal of text the user wrote.
    pub fn text(text: &Text) -> Expr {
        Expr::Lit(text.0.clone())
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
