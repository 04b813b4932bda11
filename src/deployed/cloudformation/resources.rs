//! What the trail uses, read from the resources the template creates for it: the bucket's
//! settings, the key, the delivery topic (`watched` reads the log group, its metric filters and
//! alarms; `recording` the selectors). Property shapes follow the CloudFormation resource reference
//! ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SNS::Topic", "AWS::Logs::LogGroup",
//! "AWS::Logs::MetricFilter", "AWS::CloudWatch::Alarm").
//!
//! Owns matching those resources to the trail and what of them is noted as not carried (policy
//! documents, which trailsmith writes itself). It must not evaluate intrinsics itself (`eval`).

use super::{boolean, Reader};
use crate::deployed::{Bucket, Deployed, Key, LifecycleRule, Topic, Trail, PUBLIC_ACCESS_BLOCK};
use serde_json::{Map, Value};

/// Policy resources: what they attach to, by property, and what trailsmith writes instead.
const POLICIES: [(&str, &str, &str); 5] = [
    ("AWS::S3::BucketPolicy", "Bucket", "the bucket policy"),
    ("AWS::SNS::TopicPolicy", "Topics", "the topic policy"),
    ("AWS::IAM::Policy", "Roles", "the role's policy"),
    ("AWS::IAM::ManagedPolicy", "Roles", "the role's policy"),
    ("AWS::KMS::Alias", "TargetKeyId", "the key's alias"),
];

pub(super) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(super::eval::text).collect())
        .unwrap_or_default()
}

fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key)
}

fn days(v: Option<&Value>) -> Option<u32> {
    super::eval::text(v?)?.parse().ok()
}

impl Reader<'_> {
    pub(super) fn props(&self, id: &str) -> Map<String, Value> {
        self.t
            .resource(id)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }

    /// The name a resource the template creates has, or `fallback` (noted) when CloudFormation
    /// names it at deploy time.
    pub(super) fn name_or(&mut self, id: &str, key: &str, fallback: &str, said: &str) -> String {
        let props = self.props(id);
        let instead = format!("written as {said} {fallback}");
        if !props.contains_key(key) {
            self.note(format!(
                "{id}.{key}: not set (CloudFormation names it at deploy time); {instead}"
            ));
        }
        self.string(id, &props, key, &instead)
            .unwrap_or_else(|| fallback.to_string())
    }

    /// A resource the trail uses: marked, its resource attributes noted, and the policies that
    /// attach to it noted as not carried.
    pub(super) fn uses(&mut self, id: &str) {
        if !self.used.insert(id.to_string()) {
            return;
        }
        self.attributes(id);
        let attached: Vec<(String, &str)> = self
            .t
            .resources
            .iter()
            .filter_map(|(pid, r)| {
                let kind = r.get("Type")?.as_str()?;
                let (_, key, what) = POLICIES.iter().find(|(k, ..)| *k == kind)?;
                let target = r.get("Properties")?.get(*key)?;
                let targets = match target {
                    Value::Array(a) => a.iter().collect(),
                    one => vec![one],
                };
                targets
                    .iter()
                    .any(|t| self.created(t).is_some_and(|(rid, _)| rid == id))
                    .then(|| (pid.clone(), *what))
            })
            .collect();
        for (pid, what) in attached {
            if self.used.insert(pid.clone()) {
                self.note(format!(
                    "{pid}: {what} of {id} is not carried; trailsmith writes its own"
                ));
            }
        }
    }

    pub(super) fn bucket(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        t: &mut Trail,
        d: &mut Deployed,
    ) {
        let Some(v) = props.get("S3BucketName") else {
            self.note(format!(
                "{id}.S3BucketName: not set; trailsmith names the bucket"
            ));
            return;
        };
        let created = self
            .created(v)
            .filter(|(_, kind)| kind == "AWS::S3::Bucket")
            .map(|(bid, _)| bid);
        let instead = "trailsmith names the bucket";
        // A bucket without BucketName is named at deploy time; `import` says so.
        let name = match &created {
            Some(bid) => {
                let bp = self.props(bid);
                self.string(bid, &bp, "BucketName", instead)
            }
            None => self.string(id, props, "S3BucketName", instead),
        };
        let created = created.or_else(|| {
            let n = name.as_deref()?;
            self.find("AWS::S3::Bucket", "BucketName", n)
        });
        t.bucket = name.unwrap_or_default();
        if let Some(bid) = created {
            self.uses(&bid);
            d.bucket = self.bucket_facts(&bid);
        }
    }

    /// The created resource of a type whose name property evaluates to `name`.
    pub(super) fn find(&self, kind: &str, key: &str, name: &str) -> Option<String> {
        self.t.resources.keys().find_map(|rid| {
            let (k, p) = self.t.resource(rid)?;
            let n = self.t.string(p.get(key)?).ok().flatten()?;
            (k == kind && n == name).then(|| rid.clone())
        })
    }

    fn bucket_facts(&mut self, id: &str) -> Bucket {
        let props = self.props(id);
        let mut b = Bucket::default();
        let keep = "not carried";
        if let Some(v) = self.value(id, &props, "VersioningConfiguration", keep) {
            b.versioning = Some(get(&v, "Status").and_then(Value::as_str) == Some("Enabled"));
        }
        if let Some(v) = self.value(id, &props, "BucketEncryption", keep) {
            let by_default = get(&v, "ServerSideEncryptionConfiguration")
                .and_then(Value::as_array)
                .and_then(|r| r.first())
                .and_then(|r| r.get("ServerSideEncryptionByDefault"));
            b.encryption = by_default.map(|r| {
                (
                    r.get("SSEAlgorithm")
                        .and_then(super::eval::text)
                        .unwrap_or_default(),
                    r.get("KMSMasterKeyID").and_then(super::eval::text),
                )
            });
            // A key the template creates has no id to quote.
            if let Some((_, None)) = &b.encryption {
                if let Some(raw) = props
                    .get("BucketEncryption")
                    .and_then(|e| e.pointer("/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID"))
                {
                    if let Some((kid, _)) = self.created(raw) {
                        b.encryption = b.encryption.map(|(a, _)| (a, Some(format!("the key {kid} of the template"))));
                    }
                }
            }
        }
        if let Some(v) = self.value(id, &props, "PublicAccessBlockConfiguration", keep) {
            b.public_access_block =
                Some(PUBLIC_ACCESS_BLOCK.map(|k| get(&v, k).and_then(boolean).unwrap_or(false)));
        }
        if let Some(v) = self.value(id, &props, "LifecycleConfiguration", keep) {
            let rules = get(&v, "Rules")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            b.lifecycle = Some(rules.iter().map(lifecycle_rule).collect());
        }
        if let Some(v) = self.value(id, &props, "LoggingConfiguration", keep) {
            let target = get(&v, "DestinationBucketName").and_then(super::eval::text);
            let prefix = get(&v, "LogFilePrefix")
                .and_then(super::eval::text)
                .unwrap_or_default();
            match target {
                Some(t) => b.logging = Some(Some((t, prefix))),
                None => self.note(format!(
                    "{id}.LoggingConfiguration: the target bucket is named at deploy time; \
                     access logging not carried"
                )),
            }
        }
        const READ: [&str; 6] = [
            "BucketName",
            "VersioningConfiguration",
            "BucketEncryption",
            "PublicAccessBlockConfiguration",
            "LifecycleConfiguration",
            "LoggingConfiguration",
        ];
        for key in props.keys().filter(|k| !READ.contains(&k.as_str())) {
            self.note(format!(
                "{id}.{key}: not carried; trailsmith's hardening of the bucket applies"
            ));
        }
        b
    }

    pub(super) fn key(&mut self, id: &str) -> Key {
        self.uses(id);
        let props = self.props(id);
        let mut key = Key {
            manager: "CUSTOMER".into(),
            ..Key::default()
        };
        key.multi_region = self.flag(id, &props, "MultiRegion").unwrap_or(false);
        key.description = self
            .string(id, &props, "Description", "not carried")
            .unwrap_or_default();
        if props.contains_key("KeyPolicy") {
            self.note(format!(
                "{id}.KeyPolicy: not carried; trailsmith writes the key policy CloudTrail needs"
            ));
        }
        if self.flag(id, &props, "EnableKeyRotation") != Some(true) {
            self.note(format!(
                "{id}.EnableKeyRotation: not on in the template; trailsmith's key rotates yearly"
            ));
        }
        key
    }

    pub(super) fn delivery_topic(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        t: &mut Trail,
        d: &mut Deployed,
    ) {
        let Some(v) = props.get("SnsTopicName") else {
            return;
        };
        let created = self.created(v).filter(|(_, k)| k == "AWS::SNS::Topic");
        let arn = match &created {
            Some((tid, _)) => {
                let default = format!("{}-delivery", t.name);
                let name = self.name_or(tid, "TopicName", &default, "trailsmith's default");
                Some(self.arn_of_topic(&name))
            }
            None => self
                .string(id, props, "SnsTopicName", "not carried")
                .map(|s| {
                    if s.starts_with("arn:") {
                        s
                    } else {
                        self.arn_of_topic(&s)
                    }
                }),
        };
        let Some(arn) = arn else { return };
        let name = arn.rsplit(':').next().unwrap_or_default().to_string();
        let tid = created
            .map(|(tid, _)| tid)
            .or_else(|| self.find("AWS::SNS::Topic", "TopicName", &name));
        if let Some(tid) = tid {
            self.uses(&tid);
            let tp = self.props(&tid);
            let kms_key_id = tp.get("KmsMasterKeyId").map(|k| match self.created(k) {
                Some((kid, _)) => format!("the key {kid} of the template"),
                None => self
                    .t
                    .string(k)
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| super::compact(k)),
            });
            d.topic = Some(Topic {
                arn: arn.clone(),
                kms_key_id,
            });
            for key in tp
                .keys()
                .filter(|k| !["TopicName", "KmsMasterKeyId"].contains(&k.as_str()))
            {
                self.note(format!(
                    "{tid}.{key}: not carried; the spec's `sns` names the topic only (its \
                     subscriptions and other settings are managed elsewhere)"
                ));
            }
        }
        t.sns_topic_arn = Some(arn);
    }

    pub(super) fn arn_of_topic(&self, name: &str) -> String {
        let (region, account) = self.t.arn_place();
        format!("arn:{}:sns:{region}:{account}:{name}", self.t.partition)
    }

    /// A note listing the resources nothing of the trail uses.
    pub(super) fn passed_over(&mut self) {
        let others: Vec<String> = self
            .t
            .resources
            .keys()
            .filter(|id| !self.used.contains(*id))
            .map(|id| {
                let kind = self.t.resource(id).map(|(k, _)| k).unwrap_or_default();
                format!("{id} ({kind})")
            })
            .collect();
        if !others.is_empty() {
            self.note(format!(
                "resources the trail does not use, passed over: {}",
                others.join(", ")
            ));
        }
    }
}

/// A lifecycle rule in CloudFormation's shape ("AWS::S3::Bucket Rule").
fn lifecycle_rule(r: &Value) -> LifecycleRule {
    const KNOWN: [&str; 9] = [
        "Id",
        "Status",
        "Prefix",
        "Transitions",
        "Transition",
        "ExpirationInDays",
        "NoncurrentVersionExpirationInDays",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    ];
    let other = r
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| !KNOWN.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let transitions = r
        .get("Transitions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .chain(r.get("Transition").cloned())
        .filter_map(|t| {
            Some((
                days(t.get("TransitionInDays"))?,
                t.get("StorageClass")?.as_str()?.to_string(),
            ))
        })
        .collect();
    LifecycleRule {
        id: r.get("Id").and_then(super::eval::text),
        enabled: r.get("Status").and_then(Value::as_str) == Some("Enabled"),
        prefix: r
            .get("Prefix")
            .and_then(super::eval::text)
            .unwrap_or_default(),
        transitions,
        expiration_days: days(r.get("ExpirationInDays")),
        noncurrent_expiration_days: days(r.get("NoncurrentVersionExpirationInDays"))
            .or_else(|| days(r.pointer("/NoncurrentVersionExpiration/NoncurrentDays"))),
        abort_incomplete_days: days(
            r.pointer("/AbortIncompleteMultipartUpload/DaysAfterInitiation"),
        ),
        other,
    }
}
