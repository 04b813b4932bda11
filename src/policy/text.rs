//! Statements in plain words, one line each, for the notes that tell a user what a resource made
//! elsewhere (an existing bucket, key or topic) must allow: the very statements `policy` writes
//! for a resource trailsmith creates, so a note cannot drift from the output.
//!
//! Owns the placeholders for what only deploy time knows (`<partition>`, `<account>`,
//! `<region>`). It must not choose statements.

use super::{Principal, Statement};
use crate::expr::{Attr, Expr, Res};

/// What an attribute of a resource is called in a note, when the note knows it (the ARN of the
/// existing bucket, say); otherwise a placeholder naming the resource.
pub type Names<'a> = &'a dyn Fn(Res, Attr) -> Option<String>;

fn value(e: &Expr, names: Names, out: &mut String) {
    match e {
        Expr::Lit(s) => out.push_str(s),
        Expr::Partition => out.push_str("<partition>"),
        Expr::Account => out.push_str("<account>"),
        Expr::Region => out.push_str("<region>"),
        Expr::Attr(r, a) => match names(*r, *a) {
            Some(known) => out.push_str(&known),
            None => out.push_str(&format!("<{r:?} {a:?}>").to_lowercase()),
        },
        Expr::Input(i) => out.push_str(&format!("<{}>", i.name())),
        Expr::Param(p) => out.push_str(&format!("<{p}>")),
        Expr::Join(parts) => parts.iter().for_each(|p| value(p, names, out)),
    }
}

fn values(list: &[Expr], names: Names) -> String {
    list.iter()
        .map(|e| {
            let mut s = String::new();
            value(e, names, &mut s);
            s
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// `Sid: Allow PRINCIPAL ACTIONS on RESOURCES when TEST KEY = VALUE and ...`
pub fn statement(s: &Statement, names: Names) -> String {
    let effect = s.effect.as_str();
    let principal = match &s.principal {
        Principal::Service(e) => values(std::slice::from_ref(e), names),
        Principal::Aws(list) => values(list, names),
        Principal::Everyone => "everyone".to_string(),
        Principal::None => "the role".to_string(),
    };
    let mut text = format!("{}: {effect} {principal} {}", s.sid, s.actions.join(", "));
    if !s.resources.is_empty() {
        text.push_str(&format!(" on {}", values(&s.resources, names)));
    }
    let conditions: Vec<String> = s
        .conditions
        .iter()
        .map(|c| format!("{} {} = {}", c.test, c.key, values(&c.values, names)))
        .collect();
    if !conditions.is_empty() {
        text.push_str(&format!(" when {}", conditions.join(" and ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::{bucket_policy, Context};
    use super::*;

    #[test]
    fn the_existing_bucket_statements_read_with_its_name_and_placeholders() {
        let ctx = Context {
            trail_name: "org-audit".into(),
            organization_id: Some("o-a1b2c3d4e5".into()),
            prefix: None,
            writer_accounts: Vec::new(),
            trail_home: None,
            min_tls_version: None,
        };
        let names = |r, a| {
            (r == Res::Bucket && a == Attr::Arn)
                .then(|| "arn:<partition>:s3:::central-logs".to_string())
        };
        let lines: Vec<String> = bucket_policy(&ctx)
            .statements
            .iter()
            .map(|s| statement(s, &names))
            .collect();
        assert_eq!(
            lines[2],
            "AWSCloudTrailOrganizationWrite: Allow cloudtrail.amazonaws.com s3:PutObject on \
             arn:<partition>:s3:::central-logs/AWSLogs/o-a1b2c3d4e5/* when StringEquals \
             s3:x-amz-acl = bucket-owner-full-control and StringEquals aws:SourceArn = \
             arn:<partition>:cloudtrail:<region>:<account>:trail/org-audit"
        );
        let unnamed = statement(&bucket_policy(&ctx).statements[0], &|_, _| None);
        assert!(unnamed.contains(" on <bucket arn> when"), "{unnamed}");
    }
}
