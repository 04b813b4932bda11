//! What `Ref` and `Fn::GetAtt` return for each resource type trailsmith reads, per the "Return
//! values" of each type in the CloudFormation resource reference, and parameters by `Default`.
//! It must not evaluate other functions (that is `eval`).

use super::{text, Eval, Template, Unresolved, ACCOUNT, REGION};
use serde_json::Value;

impl Template {
    /// What `Ref` of a name returns.
    pub(super) fn reference(&self, v: &Value, target: &str, depth: usize) -> Eval {
        let deploy_time = |what: &str| {
            Err(Unresolved::new(
                v,
                format!("{what} is known only at deploy time"),
            ))
        };
        Ok(Some(Value::String(match target {
            "AWS::Partition" => self.partition.clone(),
            "AWS::URLSuffix" if self.partition == "aws-cn" => "amazonaws.com.cn".into(),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            "AWS::Region" => self.region.clone().unwrap_or_else(|| REGION.into()),
            "AWS::AccountId" => self.account.clone().unwrap_or_else(|| ACCOUNT.into()),
            "AWS::NoValue" => return Ok(None),
            "AWS::StackName" | "AWS::StackId" | "AWS::NotificationARNs" => {
                return deploy_time(target)
            }
            _ => {
                if let Some(p) = self.parameters.get(target) {
                    return self.parameter(v, target, p);
                }
                let Some((kind, props)) = self.resource(target) else {
                    return Err(Unresolved::new(
                        v,
                        format!("{target} names nothing in the template"),
                    ));
                };
                let name = |key: &str, what: &str| -> Result<String, Unresolved> {
                    match props.get(key) {
                        Some(n) => self
                            .string_at(n, depth)?
                            .ok_or_else(|| Unresolved::new(n, "no value")),
                        None => Err(Unresolved::new(
                            v,
                            format!("{what} is named at deploy time (no {key})"),
                        )),
                    }
                };
                match kind {
                    "AWS::S3::Bucket" => name("BucketName", "the bucket")?,
                    "AWS::Logs::LogGroup" => name("LogGroupName", "the log group")?,
                    "AWS::IAM::Role" => name("RoleName", "the role")?,
                    "AWS::KMS::Alias" => name("AliasName", "the alias")?,
                    "AWS::SNS::Topic" => self.topic_arn(&name("TopicName", "the topic")?),
                    "AWS::KMS::Key" => return deploy_time("the id of a key the template creates"),
                    other => {
                        return Err(Unresolved::new(v, format!("Ref of an {other} is not read")))
                    }
                }
            }
        })))
    }

    /// A parameter's default, as `Ref` returns it: a list for list types.
    pub(super) fn parameter(&self, v: &Value, name: &str, p: &Value) -> Eval {
        let Some(default) = p.get("Default") else {
            return Err(Unresolved::new(
                v,
                format!("parameter {name} has no Default; its value is given at deploy time"),
            ));
        };
        self.defaulted.borrow_mut().insert(name.to_string());
        let kind = p.get("Type").and_then(Value::as_str).unwrap_or("String");
        let is_list = kind == "CommaDelimitedList" || kind.starts_with("List<");
        Ok(Some(match (is_list, text(default)) {
            (true, Some(s)) => Value::Array(s.split(',').map(|x| x.trim().into()).collect()),
            _ => default.clone(),
        }))
    }

    /// What `Fn::GetAtt` of a resource's attribute returns.
    pub(super) fn attribute(
        &self,
        v: &Value,
        id: &str,
        attribute: &str,
        depth: usize,
    ) -> Result<String, Unresolved> {
        let Some((kind, props)) = self.resource(id) else {
            return Err(Unresolved::new(
                v,
                format!("{id} names no resource of the template"),
            ));
        };
        let p = &self.partition;
        let name = |key: &str, what: &str| -> Result<String, Unresolved> {
            match props.get(key) {
                Some(n) => self
                    .string_at(n, depth)?
                    .ok_or_else(|| Unresolved::new(n, "no value")),
                None => Err(Unresolved::new(
                    v,
                    format!("{what} is named at deploy time (no {key})"),
                )),
            }
        };
        match (kind, attribute) {
            ("AWS::S3::Bucket", "Arn") => Ok(format!(
                "arn:{p}:s3:::{}",
                name("BucketName", "the bucket")?
            )),
            ("AWS::Logs::LogGroup", "Arn") => Ok(format!(
                "arn:{p}:logs:{REGION}:{ACCOUNT}:log-group:{}:*",
                name("LogGroupName", "the log group")?
            )),
            ("AWS::SNS::Topic", "TopicArn") => Ok(self.topic_arn(&name("TopicName", "the topic")?)),
            ("AWS::SNS::Topic", "TopicName") => name("TopicName", "the topic"),
            ("AWS::IAM::Role", "Arn") => {
                let path = props
                    .get("Path")
                    .map(|x| self.string_at(x, depth))
                    .transpose()?
                    .flatten();
                Ok(format!(
                    "arn:{p}:iam::{ACCOUNT}:role{}{}",
                    path.unwrap_or_else(|| "/".into()),
                    name("RoleName", "the role")?
                ))
            }
            ("AWS::KMS::Key", _) => Err(Unresolved::new(
                v,
                "the key the template creates has its ARN only once deployed",
            )),
            _ => Err(Unresolved::new(
                v,
                format!("{kind}.{attribute} is not read"),
            )),
        }
    }

    /// A topic's ARN from its name, with the stand-ins where the region and account are unknown.
    pub fn topic_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:sns:{}:{}:{name}",
            self.partition,
            self.region.as_deref().unwrap_or(REGION),
            self.account.as_deref().unwrap_or(ACCOUNT)
        )
    }

    /// The region and account an ARN built here has when the template does not pin them.
    pub fn arn_place(&self) -> (String, String) {
        (
            self.region.clone().unwrap_or_default(),
            self.account.clone().unwrap_or_default(),
        )
    }
}
