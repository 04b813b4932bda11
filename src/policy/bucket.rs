//! The bucket policy: what CloudTrail may do to the log bucket, and the transport every request
//! must use.
//!
//! Part of `policy`, which owns every statement; kept apart so that each file stays short. It must
//! not know target syntax.

use super::{allow, cloudtrail, cond, Context, Effect, Policy, Principal, Statement};
use crate::expr::{Attr, Expr, Res};

/// "Amazon S3 bucket policy for CloudTrail" and "Creating a trail for an organization"; the
/// TLS-only deny is CIS 2.1.1. The management account path stays for organization trails, or
/// creation fails with InsufficientS3BucketPolicyException.
pub fn bucket_policy(ctx: &Context) -> Policy {
    let bucket = Expr::Attr(Res::Bucket, Attr::Arn);
    let full_control = cond(
        "StringEquals",
        "s3:x-amz-acl",
        vec![Expr::lit("bucket-owner-full-control")],
    );
    let mut statements = vec![
        allow(
            "AWSCloudTrailAclCheck",
            cloudtrail(),
            &["s3:GetBucketAcl"],
            vec![bucket.clone()],
        )
        .when(ctx.source_is_trail()),
        allow(
            "AWSCloudTrailWrite",
            cloudtrail(),
            &["s3:PutObject"],
            vec![ctx.log_path(ctx.trail_account())],
        )
        .when(full_control.clone())
        .when(ctx.source_is_trail()),
    ];
    if let Some(org) = &ctx.organization_id {
        statements.push(
            allow(
                "AWSCloudTrailOrganizationWrite",
                cloudtrail(),
                &["s3:PutObject"],
                vec![ctx.log_path(Expr::lit(org))],
            )
            .when(full_control.clone())
            .when(ctx.source_is_trail()),
        );
    }
    if !ctx.writer_accounts.is_empty() {
        let paths = ctx
            .writer_accounts
            .iter()
            .map(|a| ctx.log_path(Expr::lit(a)))
            .collect();
        statements.push(
            allow(
                "AWSCloudTrailAclCheckWriterAccounts",
                cloudtrail(),
                &["s3:GetBucketAcl"],
                vec![bucket.clone()],
            )
            .when(cond("ArnLike", "aws:SourceArn", ctx.writer_trails())),
        );
        statements.push(
            allow(
                "AWSCloudTrailWriteWriterAccounts",
                cloudtrail(),
                &["s3:PutObject"],
                paths,
            )
            .when(full_control)
            .when(cond("ArnLike", "aws:SourceArn", ctx.writer_trails())),
        );
    }
    let everything = || {
        vec![
            bucket.clone(),
            Expr::join([bucket.clone(), Expr::lit("/*")]),
        ]
    };
    statements.push(Statement {
        sid: "DenyInsecureTransport",
        effect: Effect::Deny,
        principal: Principal::Everyone,
        actions: vec!["s3:*"],
        resources: everything(),
        conditions: vec![cond(
            "Bool",
            "aws:SecureTransport",
            vec![Expr::lit("false")],
        )],
    });
    if let Some(version) = ctx.min_tls_version {
        // "Enforcing a minimum version of TLS" (Amazon S3 User Guide, bucket policy examples):
        // a numeric comparison of `s3:TlsVersion`. The value is written as a string, as IAM
        // reads numeric condition values and as Terraform's policy document writes every value.
        statements.push(Statement {
            sid: "DenyOutdatedTls",
            effect: Effect::Deny,
            principal: Principal::Everyone,
            actions: vec!["s3:*"],
            resources: everything(),
            conditions: vec![cond(
                "NumericLessThan",
                "s3:TlsVersion",
                vec![Expr::lit(version)],
            )],
        });
    }
    Policy { statements }
}
