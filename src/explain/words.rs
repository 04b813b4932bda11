//! Deploy-time values, principals and conditions in the words `explain` prints.
//!
//! Owns the one rendering of `Expr` that the text and the graph share: `${partition}`,
//! `${region}` and `${account}` for where the output is deployed, `${<resource>.<attr>}` for an
//! attribute only known once the resource exists (the resource named as the graph's node id), and
//! names the model already knows written out. A part of an organization layout knows its account
//! and region (the part checks both when it is deployed), so they are written out too. It must not
//! decide anything: a phrase for a condition key it does not know falls back to the key, operator
//! and values as written.

use crate::expr::{Attr, Expr, Res};
use crate::model::Model;
use crate::policy::{Condition, Principal};

/// Whoever names what the spec leaves unnamed (a bucket, the delivery role).
pub const TARGET_NAMES: &str = "named by CloudFormation or Terraform";

/// The node id of a resource in the graph, and its name in `${...}` placeholders. The settings
/// Terraform makes resources of their own are drawn as what they configure.
pub fn res_id(res: Res) -> &'static str {
    match res {
        Res::Bucket
        | Res::BucketPublicAccessBlock
        | Res::BucketOwnership
        | Res::BucketEncryption
        | Res::BucketVersioning
        | Res::BucketLifecycle
        | Res::BucketLogging
        | Res::BucketObjectLock => "bucket",
        Res::BucketPolicy => "bucket_policy",
        Res::Key => "key",
        Res::KeyAlias => "key_alias",
        Res::Topic => "topic",
        Res::TopicPolicy => "topic_policy",
        Res::AlertsTopic => "alerts_topic",
        Res::AlertsTopicPolicy => "alerts_topic_policy",
        Res::LogGroup => "log_group",
        Res::LogsRole | Res::LogsRolePolicy => "logs_role",
        Res::Trail => "trail",
        Res::AthenaDatabase => "athena_database",
        Res::AthenaTable => "athena_table",
        Res::AthenaWorkgroup => "athena_workgroup",
    }
}

/// Renders expressions with what the model knows ahead of deployment.
pub struct Words {
    trail_arn: Expr,
    /// The account and region a layout's part is deployed to, written for `${account}` and
    /// `${region}`.
    account: Option<String>,
    region: Option<String>,
    known: Vec<(Res, Attr, Expr)>,
    /// The ARN of each resource the output creates, rendered, with its name in sentences.
    mine: Vec<(String, &'static str)>,
}

impl Words {
    pub fn new(model: &Model) -> Words {
        let trail_arn = model.trail_arn.clone();
        let here = |service: &str, rest: String| {
            Expr::arn(
                service,
                Some(Expr::Region),
                Some(Expr::Account),
                Expr::lit(rest),
            )
        };
        let mut known = vec![
            (Res::Trail, Attr::Name, Expr::text(&model.name)),
            (Res::Trail, Attr::Arn, trail_arn.clone()),
        ];
        if let Some(name) = model.bucket.as_ref().and_then(|b| b.name.as_ref()) {
            known.push((Res::Bucket, Attr::Name, Expr::text(name)));
            let arn = Expr::arn("s3", None, None, Expr::text(name));
            known.push((Res::Bucket, Attr::Arn, arn));
        }
        let topics = [
            (Res::Topic, model.topic.as_ref().map(|t| &t.name)),
            (
                Res::AlertsTopic,
                model.alerts_topic.as_ref().map(|t| &t.name),
            ),
        ];
        for (res, name) in topics {
            if let Some(name) = name {
                known.push((res, Attr::Name, Expr::text(name)));
                known.push((res, Attr::Arn, here("sns", name.verbatim().to_string())));
            }
        }
        if let Some(g) = &model.log_group {
            known.push((Res::LogGroup, Attr::Name, Expr::text(&g.name)));
            let arn = here("logs", format!("log-group:{}", g.name.verbatim()));
            known.push((Res::LogGroup, Attr::Arn, arn));
        }
        let account = model.account.as_ref().map(|a| a.verbatim().to_string());
        let region = model
            .home_region
            .as_ref()
            .filter(|_| account.is_some())
            .map(|r| r.verbatim().to_string());
        let mut w = Words {
            trail_arn,
            account,
            region,
            known,
            mine: Vec::new(),
        };
        let created = [
            (Res::Bucket, model.bucket.is_some(), "the bucket"),
            (Res::Key, model.key.is_some(), "the key"),
            (Res::Topic, model.topic.is_some(), "the delivery topic"),
            (
                Res::AlertsTopic,
                model.alerts_topic.is_some(),
                "the alerts topic",
            ),
            (Res::LogGroup, model.log_group.is_some(), "the log group"),
            (
                Res::LogsRole,
                model.logs_role.is_some(),
                "the delivery role",
            ),
        ];
        for (res, exists, words) in created {
            if exists {
                let arn = w.expr(&Expr::Attr(res, Attr::Arn));
                w.mine.push((arn, words));
            }
        }
        w
    }

    /// The trail's ARN as written in every statement scoped to it.
    pub fn trail_arn(&self) -> String {
        self.expr(&self.trail_arn)
    }

    /// The account that owns the trail, whose log files are under `AWSLogs/<account>/`.
    pub fn trail_account(&self) -> String {
        let arn = self.trail_arn();
        arn_parts(&arn).map_or(arn.clone(), |p| p[4].to_string())
    }

    /// An expression with placeholders for what only deployment knows.
    pub fn expr(&self, e: &Expr) -> String {
        let mut out = String::new();
        self.write(e, &mut out);
        out
    }

    fn write(&self, e: &Expr, out: &mut String) {
        match e {
            Expr::Lit(s) => out.push_str(s),
            Expr::Partition => out.push_str("${partition}"),
            Expr::Region => out.push_str(self.region.as_deref().unwrap_or("${region}")),
            Expr::Account => out.push_str(self.account.as_deref().unwrap_or("${account}")),
            Expr::Attr(res, attr) => {
                match self.known.iter().find(|(r, a, _)| r == res && a == attr) {
                    Some((_, _, value)) => self.write(value, out),
                    None => {
                        let attr = match attr {
                            Attr::Name => "name",
                            Attr::Arn => "arn",
                            Attr::Id => "id",
                        };
                        out.push_str(&format!("${{{}.{attr}}}", res_id(*res)));
                    }
                }
            }
            Expr::Input(i) => out.push_str(&format!("${{var.{}}}", i.name())),
            // As the spec writes it: the reader finds it under `parameters`.
            Expr::Param(p) => out.push_str(&format!("${{{p}}}")),
            Expr::Join(parts) => parts.iter().for_each(|p| self.write(p, out)),
        }
    }

    /// A value a reviewer reads as a phrase: "this trail", "any trail of this account", or as
    /// written.
    pub fn value(&self, e: &Expr) -> String {
        if *e == self.trail_arn {
            return "this trail".to_string();
        }
        let text = self.expr(e);
        match self.mine.iter().find(|(arn, _)| *arn == text) {
            Some((_, words)) => words.to_string(),
            None => arn_words(&text).unwrap_or(text),
        }
    }

    /// What a statement acts on: a resource of the output by its name in words, a path in one
    /// as "PATH in the bucket", anything else as written. Policies name a resource that uses the
    /// key by an ARN built from its name rather than by reference (that would be a cycle), so
    /// the comparison is on the rendered text.
    pub fn resource(&self, e: &Expr) -> String {
        match self.within(e) {
            Some((path, words)) if path.is_empty() => words.to_string(),
            Some((path, words)) if path == "*" => format!("everything in {words}"),
            Some((path, words)) => format!("{path} in {words}"),
            None => self.expr(e),
        }
    }

    /// The path in a resource of the output that `e` names ("" for the resource itself), with the
    /// resource's name in sentences.
    pub fn within(&self, e: &Expr) -> Option<(String, &'static str)> {
        let text = self.expr(e);
        self.mine.iter().find_map(|(arn, words)| {
            let rest = text.strip_prefix(arn.as_str())?;
            match rest.strip_prefix(['/', ':']) {
                _ if rest.is_empty() => Some((String::new(), *words)),
                Some(path) => Some((path.to_string(), *words)),
                None => None,
            }
        })
    }

    fn values(&self, values: &[Expr]) -> String {
        let words: Vec<String> = values.iter().map(|v| self.value(v)).collect();
        words.join(" or ")
    }

    /// Who a statement is about. `holder` names the principal of an identity policy (the role it
    /// is attached to).
    pub fn principal(&self, p: &Principal, holder: &str) -> String {
        match p {
            Principal::Service(host) => service_name(&self.expr(host)),
            Principal::Aws(list) => {
                let names: Vec<String> = list
                    .iter()
                    .map(|a| {
                        let text = self.expr(a);
                        root_words(&text).unwrap_or(text)
                    })
                    .collect();
                names.join(", ")
            }
            Principal::Everyone => "anyone".to_string(),
            Principal::None => holder.to_string(),
        }
    }

    /// A condition as a phrase; keys it has no phrase for are written out.
    pub fn condition(&self, c: &Condition) -> String {
        let v = self.values(&c.values);
        let is = |text: &str| c.values.len() == 1 && c.values[0] == Expr::lit(text);
        match (c.key, c.test) {
            ("aws:SourceArn", _) => format!("as {v}"),
            ("aws:SourceAccount", _) => format!("for account {v}"),
            ("aws:SecureTransport", "Bool") if is("false") => "over plain HTTP".to_string(),
            ("aws:SecureTransport", "Bool") if is("true") => "over TLS only".to_string(),
            ("s3:TlsVersion", "NumericLessThan") => format!("over a TLS version older than {v}"),
            ("s3:x-amz-acl", "StringEquals") => format!("with the ACL {v}"),
            ("kms:EncryptionContext:aws:cloudtrail:arn", "Null") if is("false") => {
                "for CloudTrail log files only".to_string()
            }
            ("kms:EncryptionContext:aws:cloudtrail:arn", _) => format!("for log files of {v}"),
            ("kms:EncryptionContext:aws:logs:arn", _) => format!("for {v} only"),
            ("kms:EncryptionContext:aws:sns:topicArn", _) => format!("for {v} only"),
            (key, test) => format!("if {key} {test} {v}"),
        }
    }
}

/// `cloudtrail.amazonaws.com` to `CloudTrail`; a service without a name here is shown as is.
pub fn service_name(host: &str) -> String {
    let name = match host.split('.').next().unwrap_or_default() {
        "cloudtrail" => "CloudTrail",
        "cloudwatch" => "CloudWatch",
        "logs" => "CloudWatch Logs",
        "sns" => "SNS",
        "s3" => "S3",
        "kms" => "KMS",
        "events" => "EventBridge",
        _ => return host.to_string(),
    };
    name.to_string()
}

/// `arn:P:cloudtrail:*:A:trail/*` to "any trail of this account": a wildcard ARN says a set of
/// resources, which reads better as words. Anything else gives `None`.
fn arn_words(arn: &str) -> Option<String> {
    let [_, _, _service, region, account, resource] = arn_parts(arn)?;
    let kind = resource
        .strip_suffix("/*")
        .or_else(|| resource.strip_suffix(":*"))?;
    if kind.is_empty() || kind.contains(['*', '/', ':', '$']) {
        return None;
    }
    let place = match region {
        "${region}" => " in this region".to_string(),
        "" | "*" => String::new(),
        r => format!(" in {r}"),
    };
    Some(format!("any {kind} of {}{place}", owner(account)))
}

/// `arn:P:iam::A:root` to "this account (root)".
fn root_words(arn: &str) -> Option<String> {
    match arn_parts(arn)? {
        [_, _, "iam", "", account, "root"] => Some(format!("{} (root)", owner(account))),
        _ => None,
    }
}

fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    let mut parts = arn.splitn(6, ':');
    let mut out = [""; 6];
    for slot in &mut out {
        *slot = parts.next()?;
    }
    (out[0] == "arn").then_some(out)
}

fn owner(account: &str) -> String {
    match account {
        "${account}" => "this account".to_string(),
        "*" | "" => "any account".to_string(),
        a => format!("account {a}"),
    }
}
