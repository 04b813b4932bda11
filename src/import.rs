//! A deployed trail's facts written as a spec: what the spec language can say, said; what it
//! cannot, or what the sources did not give, said in a comment and a note.
//!
//! Owns the mapping from `Deployed` to the spec's words, and the choices it makes: resources the
//! spec can name (bucket, topics, log group) are carried by name, so trailsmith manages them from
//! then on; the key and the delivery role are kept as they are by ARN (their policies are not
//! read, so trailsmith does not take them over; a role's path and name stay in its ARN). It must not read files (`cli` does) nor check the result (the caller validates it).

mod alarms;
mod events;
mod yaml;

use crate::deployed::{Deployed, Env, Read, PUBLIC_ACCESS_BLOCK};
use serde_json::{json, Map, Value};
use yaml::Comments;

/// A spec for a deployed trail, and what it could not carry.
pub struct Imported {
    pub text: String,
    /// One line each, `path: what`, also written as comments in `text`.
    pub notes: Vec<String>,
}

/// What the import needs beyond the files.
#[derive(Default)]
pub struct Options {
    /// The organization's id, which no file of a trail names.
    pub organization_id: Option<String>,
    /// The schema path written in the modeline.
    pub schema: String,
}

struct Writer {
    comments: Comments,
    notes: Vec<String>,
}

impl Writer {
    /// A comment above `pointer`'s key, and the same as a note.
    fn note(&mut self, pointer: &str, text: String) {
        self.notes.push(format!("{}: {text}", dotted(pointer)));
        self.comments.entry(pointer.into()).or_default().push(text);
    }

    /// A comment only: a default the spec writes, worth saying but not a loss.
    fn comment(&mut self, pointer: &str, text: String) {
        self.comments.entry(pointer.into()).or_default().push(text);
    }
}

fn dotted(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

/// The last segment of an ARN (`arn:aws:sns:r:a:NAME` gives `NAME`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

fn trail(d: &Deployed, options: &Options, w: &mut Writer) -> Result<Value, String> {
    let t = &d.trail;
    let mut out = Map::new();
    out.insert("name".into(), json!(t.name));
    if let Some(region) = &t.home_region {
        out.insert("home_region".into(), json!(region));
    }
    out.insert("multi_region".into(), json!(t.multi_region));
    out.insert(
        "global_service_events".into(),
        json!(t.global_service_events),
    );
    out.insert("log_file_validation".into(), json!(t.log_file_validation));
    match d.logging {
        Some(logging) => {
            out.insert("logging".into(), json!(logging));
        }
        None => {
            out.insert("logging".into(), json!(true));
            w.note(
                "/trail/logging",
                "not given (aws cloudtrail get-trail-status); written as true".into(),
            );
        }
    }
    if t.organization {
        let id = options.organization_id.clone().ok_or_else(|| {
            format!(
                "{} is an organization trail, and no file of a trail names the organization; \
                 pass --organization-id o-... (aws organizations describe-organization)",
                t.name
            )
        })?;
        out.insert("organization".into(), json!({ "id": id }));
    }
    Ok(Value::Object(out))
}

fn bucket(d: &Deployed, w: &mut Writer) -> Value {
    let t = &d.trail;
    let b = &d.bucket;
    let mut out = Map::new();
    if t.bucket.is_empty() {
        w.note(
            "/bucket",
            "the source does not say the bucket's name (made at deploy time); trailsmith names it"
                .into(),
        );
    } else {
        out.insert("name".into(), json!(t.bucket));
    }
    if let Some(prefix) = &t.prefix {
        out.insert("prefix".into(), json!(prefix));
    }
    match b.versioning {
        Some(v) => {
            out.insert("versioning".into(), json!(v));
        }
        None => w.comment(
            if t.bucket.is_empty() {
                "/bucket"
            } else {
                "/bucket/name"
            },
            "versioning, lifecycle, access logging: what is not written was not given \
             (aws s3api get-bucket-versioning, get-bucket-lifecycle-configuration, \
             get-bucket-logging); trailsmith's defaults apply"
                .into(),
        ),
    }
    if let Some(rules) = &b.lifecycle {
        let log_prefix = t.prefix.clone().unwrap_or_default();
        let mut lifecycle = Map::new();
        for (i, r) in rules.iter().enumerate() {
            let covers_logs = r.enabled && log_prefix.starts_with(&r.prefix);
            let glacier: Vec<u32> = r
                .transitions
                .iter()
                .filter(|(_, class)| class == "GLACIER")
                .map(|(days, _)| *days)
                .collect();
            let mut carried = false;
            if covers_logs {
                if let [days] = glacier.as_slice() {
                    lifecycle.insert("archive_after_days".into(), json!(days));
                    carried = true;
                }
                if let Some(days) = r.expiration_days {
                    lifecycle.insert("expire_after_days".into(), json!(days));
                    carried = true;
                }
            }
            let label = r.id.clone().unwrap_or_else(|| format!("rule {}", i + 1));
            let uncarried: Vec<String> = r
                .transitions
                .iter()
                .filter(|(_, class)| !(covers_logs && class == "GLACIER" && glacier.len() == 1))
                .map(|(days, class)| format!("transition to {class} after {days} days"))
                .chain(r.other.iter().map(|f| format!("field {f}")))
                .chain(
                    r.noncurrent_expiration_days
                        .filter(|d| *d != crate::model::NONCURRENT_VERSION_DAYS)
                        .map(|d| {
                            format!(
                                "noncurrent versions expiring after {d} days (trailsmith: {})",
                                crate::model::NONCURRENT_VERSION_DAYS
                            )
                        }),
                )
                .chain(
                    r.abort_incomplete_days
                        .filter(|d| *d != crate::model::ABORT_INCOMPLETE_UPLOAD_DAYS)
                        .map(|d| {
                            format!(
                                "incomplete uploads aborted after {d} days (trailsmith: {})",
                                crate::model::ABORT_INCOMPLETE_UPLOAD_DAYS
                            )
                        }),
                )
                .chain((!r.enabled).then(|| "Status Disabled".to_string()))
                .chain(
                    (!covers_logs && r.prefix != log_prefix)
                        .then(|| format!("prefix {:?}", r.prefix)),
                )
                .collect();
            if !uncarried.is_empty()
                || (!carried
                    && r.abort_incomplete_days.is_none()
                    && r.noncurrent_expiration_days.is_none())
            {
                w.note(
                    "/bucket/lifecycle",
                    format!(
                        "lifecycle rule {label}: {} not carried (the spec archives to Glacier \
                         Flexible Retrieval and expires log files)",
                        if uncarried.is_empty() {
                            "nothing".to_string()
                        } else {
                            uncarried.join(", ")
                        }
                    ),
                );
            }
        }
        if !lifecycle.is_empty() {
            out.insert("lifecycle".into(), Value::Object(lifecycle));
        }
    }
    if let Some(Some((target, prefix))) = &b.logging {
        let mut logging = Map::new();
        logging.insert("target_bucket".into(), json!(target));
        if !prefix.is_empty() {
            logging.insert("prefix".into(), json!(prefix));
        }
        out.insert("access_logging".into(), Value::Object(logging));
    }
    if let Some(pab) = b.public_access_block {
        let open: Vec<&str> = PUBLIC_ACCESS_BLOCK
            .iter()
            .zip(pab)
            .filter(|(_, on)| !on)
            .map(|(k, _)| *k)
            .collect();
        if !open.is_empty() {
            w.note(
                "/bucket",
                format!(
                    "the deployed public access block leaves {} off; trailsmith turns all four on",
                    open.join(", ")
                ),
            );
        }
    }
    if let Some((algorithm, key)) = &b.encryption {
        let expected = if t.kms_key_id.is_some() {
            "aws:kms"
        } else {
            "AES256"
        };
        if algorithm != expected {
            w.note(
                "/bucket",
                format!(
                    "the bucket's default encryption is {algorithm}{}; trailsmith writes {expected}",
                    key.as_deref().map(|k| format!(" with {k}")).unwrap_or_default()
                ),
            );
        }
    }
    w.comment(
        "/bucket",
        format!(
            "{}trailsmith writes this bucket's policy and hardening; writer accounts are not \
             read (the bucket policy is not among the sources)",
            if t.bucket.is_empty() {
                ""
            } else {
                "carried by name: "
            }
        ),
    );
    Value::Object(out)
}

fn kms(d: &Deployed, w: &mut Writer) -> Value {
    let Some(key) = &d.trail.kms_key_id else {
        if d.key_made_by_source() {
            w.comment(
                "/kms",
                "the source creates the trail's key: trailsmith creates one, with the key policy \
                 CloudTrail needs"
                    .into(),
            );
            return json!({});
        }
        return json!(false);
    };
    if let Some(k) = &d.key {
        if k.manager == "AWS" {
            w.note(
                "/kms",
                format!(
                    "{} is an AWS managed key, which CloudTrail cannot use; check the trail",
                    k.arn
                ),
            );
        }
        if k.multi_region {
            w.note(
                "/kms",
                format!("{} is a multi-Region key; kept as it is", k.arn),
            );
        }
    }
    w.comment(
        "/kms",
        "the deployed key, kept as it is (its policy is not managed here); `kms: {}` would make \
         trailsmith create and manage a new key instead"
            .into(),
    );
    json!({ "key_arn": key })
}

fn sns(d: &Deployed, env: &Env, w: &mut Writer) -> Value {
    let Some(arn) = &d.trail.sns_topic_arn else {
        return json!(false);
    };
    let in_this_account = arn.split(':').nth(4) == Some(env.account.as_str());
    if let Some(topic) = &d.topic {
        if topic.kms_key_id.is_some() && d.trail.kms_key_id.is_none() {
            w.note(
                "/sns",
                format!(
                    "the topic is encrypted with {}; trailsmith encrypts it only with a key it creates",
                    topic.kms_key_id.as_deref().unwrap_or_default()
                ),
            );
        }
    }
    if in_this_account {
        json!({ "topic_name": arn_name(arn) })
    } else {
        json!({ "topic_arn": arn })
    }
}

fn cloudwatch_logs(d: &Deployed, w: &mut Writer) -> Value {
    let Some(name) = d.trail.log_group_name() else {
        return json!(false);
    };
    let mut out = Map::new();
    out.insert("log_group".into(), json!(name));
    match &d.log_group {
        Some(g) => {
            // No retention policy: the group keeps events forever, which the spec says `never`.
            let retention = g.retention_days.map_or(json!("never"), |days| json!(days));
            out.insert("retention_days".into(), retention);
        }
        None => w.comment(
            "/cloudwatch_logs/log_group",
            "retention not given (aws logs describe-log-groups); 365 days applies".into(),
        ),
    }
    // No role ARN: the source creates the role, and so does trailsmith.
    if let Some(role) = &d.trail.role_arn {
        out.insert("role_arn".into(), json!(role));
        w.comment(
            "/cloudwatch_logs/role_arn",
            "the deployed delivery role, kept as it is (its trust and policy are not read, so not taken over)"
                .into(),
        );
    }
    Value::Object(out)
}

/// The spec for what is deployed, as YAML text with a schema modeline.
pub fn import(read: &Read, options: &Options) -> Result<Imported, String> {
    let (d, notes_read) = (&read.deployed, &read.notes);
    let env = Env::of(d);
    let mut w = Writer {
        comments: Comments::new(),
        notes: notes_read.clone(),
    };
    let mut doc = Map::new();
    doc.insert("version".into(), json!(1));
    doc.insert("trail".into(), trail(d, options, &mut w)?);
    doc.insert("bucket".into(), bucket(d, &mut w));
    doc.insert("kms".into(), kms(d, &mut w));
    doc.insert("sns".into(), sns(d, &env, &mut w));
    doc.insert("cloudwatch_logs".into(), cloudwatch_logs(d, &mut w));
    let events = events::import(d.selectors.as_ref(), d.insights.as_deref(), &env);
    for n in events.notes {
        w.note("/events", n);
    }
    doc.insert("events".into(), events.events);
    if d.trail.log_group_arn.is_some() {
        let watched = alarms::import(d, &env);
        for (path, n) in watched.notes {
            w.note(&path, n);
        }
        if let Some(a) = watched.alarms {
            doc.insert("alarms".into(), a);
        }
    }
    let header = vec![
        format!("yaml-language-server: $schema={}", options.schema),
        format!("Imported by `trailsmith import` from {}.", read.source),
        "Comments mark what was defaulted or could not be carried; tags are not read.".into(),
    ];
    Ok(Imported {
        text: yaml::write(&header, &doc, &w.comments),
        notes: w.notes,
    })
}
