//! What the readers of the Athena table may do to the log bucket and with the trail's key: read
//! the log files, read and write query results, decrypt both; and that no one else reads the
//! results.
//!
//! Part of `policy`, which owns every statement; `model` adds these to the bucket and key policies
//! it holds. It must not know target syntax nor the model.

use super::{allow, cond, Context, Effect, Policy, Principal, Statement};
use crate::expr::{Attr, Expr, Res};

/// The readers and where their results go, as the policies need them.
pub struct Readers<'a> {
    pub readers: &'a [Expr],
    /// The results prefix in the trail bucket, or `None` when results go to another bucket.
    pub results_prefix: Option<&'a str>,
}

/// "Querying AWS CloudTrail logs" and "Access to Amazon S3" (Athena User Guide): a query lists the
/// bucket and reads the log files under `[PREFIX/]AWSLogs/`; results are written and read under
/// their prefix. The deny keeps the results, which hold what the log files say, from anyone the
/// spec does not name, whatever their IAM policies allow ("Policy evaluation logic": an explicit
/// deny wins).
pub fn bucket_statements(ctx: &Context, r: &Readers) -> Vec<Statement> {
    let bucket = Expr::Attr(Res::Bucket, Attr::Arn);
    let readers = || Principal::Aws(r.readers.to_vec());
    let prefix = ctx
        .prefix
        .as_deref()
        .map(|p| format!("{p}/"))
        .unwrap_or_default();
    let mut out = vec![
        allow(
            "AthenaReadersListBucket",
            readers(),
            &["s3:GetBucketLocation", "s3:ListBucket"],
            vec![bucket.clone()],
        ),
        allow(
            "AthenaReadersReadLogFiles",
            readers(),
            &["s3:GetObject"],
            vec![Expr::join([
                bucket.clone(),
                Expr::lit(format!("/{prefix}AWSLogs/*")),
            ])],
        ),
    ];
    if let Some(results) = r.results_prefix {
        let objects = Expr::join([bucket, Expr::lit(format!("/{results}/*"))]);
        out.push(allow(
            "AthenaReadersResults",
            readers(),
            &[
                "s3:AbortMultipartUpload",
                "s3:GetObject",
                "s3:ListMultipartUploadParts",
                "s3:PutObject",
            ],
            vec![objects.clone()],
        ));
        out.push(Statement {
            sid: "DenyResultsToOthers",
            effect: Effect::Deny,
            principal: Principal::Everyone,
            actions: vec!["s3:GetObject", "s3:PutObject"],
            resources: vec![objects],
            conditions: vec![cond("ArnNotLike", "aws:PrincipalArn", r.readers.to_vec())],
        });
    }
    out
}

/// "Configure AWS KMS key policies for CloudTrail" (granting decrypt permissions) and "Encrypting
/// Athena query results stored in Amazon S3": the readers decrypt log files (CloudTrail's
/// encryption context) and encrypt and decrypt results (S3's), only through S3 in the bucket's
/// region.
pub fn key_statements(ctx: &Context, readers: &[Expr]) -> Vec<Statement> {
    let region = match &ctx.trail_home {
        Some((_, region)) => Expr::lit(region),
        None => Expr::Region,
    };
    let via_s3 = || {
        cond(
            "StringEquals",
            "kms:ViaService",
            vec![Expr::join([
                Expr::lit("s3."),
                region.clone(),
                Expr::lit(".amazonaws.com"),
            ])],
        )
    };
    let readers = || Principal::Aws(readers.to_vec());
    vec![
        allow(
            "AthenaReadersDecryptLogFiles",
            readers(),
            &["kms:Decrypt"],
            vec![Expr::lit("*")],
        )
        .when(via_s3())
        .when(cond(
            "Null",
            "kms:EncryptionContext:aws:cloudtrail:arn",
            vec![Expr::lit("false")],
        )),
        allow(
            "AthenaReadersResultsKey",
            readers(),
            &["kms:Decrypt", "kms:GenerateDataKey"],
            vec![Expr::lit("*")],
        )
        .when(via_s3())
        .when(cond(
            "Null",
            "kms:EncryptionContext:aws:s3:arn",
            vec![Expr::lit("false")],
        )),
    ]
}

/// Adds `statements` to `policy` before its denies, where a reader looks for grants.
pub fn extend(policy: &mut Policy, statements: Vec<Statement>) {
    let at = policy
        .statements
        .iter()
        .position(|s| s.effect == Effect::Deny)
        .unwrap_or(policy.statements.len());
    policy.statements.splice(at..at, statements);
}
