//! Rules for `alarms.notify`: one destination for the alarms ("Using Amazon CloudWatch alarms",
//! actions on SNS topics), settings of a new alerts topic only where one is created, encryption
//! only with a key whose policy trailsmith writes, and subscription endpoints that fit their
//! protocol ("Subscribe" in the Amazon SNS API reference).
//!
//! Owns what the destination may say and the notes on what an existing topic or subscriber must
//! allow. It must not derive topic names itself: it asks `derived`, as `model` does.

use super::names;
use super::rules::{policy_context, required, rule};
use crate::derived;
use crate::diag::{Code, Diagnostic};
use crate::expr::{Attr, Res};
use crate::policy::{self, KeyUsers};
use crate::spec::{Notify, Protocol, Spec, SubscriptionSpec};

/// `any`: the section asks for at least one alarm or rule (else no topic is created); `alarms`:
/// for at least one CloudWatch alarm, which an existing topic must let publish.
pub fn check(spec: &Spec, n: &Notify, any: bool, alarms: bool, out: &mut Vec<Diagnostic>) {
    let base = "/alarms/notify";
    let targets: Vec<&str> = [
        ("delivery_topic", n.delivery_topic),
        ("topic_name", n.topic_name.is_some()),
        ("topic_arn", n.topic_arn.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, set)| set.then_some(field))
    .collect();
    if let [first, second, ..] = targets.as_slice() {
        out.push(
            Diagnostic::error(
                Code::NotifyTarget,
                format!("{base}/{second}"),
                format!("alarms go to one topic: `{first}` and `{second}` are both given"),
            )
            .hint("keep one: `delivery_topic: true`, `topic_name` (a new topic) or `topic_arn` (an existing one)"),
        );
    }
    if let Some(name) = &n.topic_name {
        rule(
            out,
            Code::TopicName,
            &format!("{base}/topic_name"),
            names::topic_name(name),
            Some("for example `org-audit-alarms`"),
        );
    }
    if let Some(arn) = &n.topic_arn {
        let checked = names::arn(arn, "sns", &[]);
        let valid = checked.is_ok();
        rule(
            out,
            Code::TopicArn,
            &format!("{base}/topic_arn"),
            checked,
            Some("for example arn:aws:sns:eu-west-1:111122223333:security-alerts"),
        );
        if valid && alarms {
            out.push(existing_topic_note(
                spec,
                &format!("{base}/topic_arn"),
                "topic",
                arn,
            ));
        }
    }
    if n.delivery_topic {
        match spec.sns.settings() {
            None => out.push(
                Diagnostic::error(
                    Code::DeliveryTopicOff,
                    format!("{base}/delivery_topic"),
                    "`delivery_topic: true` sends alarms to the trail's SNS topic, but `sns: false` turns that topic off",
                )
                .hint("remove `sns: false`, or remove `delivery_topic` to get a new alerts topic"),
            ),
            Some(s) if s.topic_arn.is_some() && alarms => out.push(existing_topic_note(
                spec,
                &format!("{base}/delivery_topic"),
                "delivery topic",
                s.topic_arn.as_deref().unwrap_or_default(),
            )),
            Some(_) => {}
        }
    }
    let existing = if n.delivery_topic {
        Some("delivery_topic")
    } else if n.topic_arn.is_some() {
        Some("topic_arn")
    } else {
        None
    };
    match existing {
        Some(target) => {
            for (field, set) in [
                ("email", !n.email.is_empty()),
                ("subscriptions", !n.subscriptions.is_empty()),
                ("encrypted", n.encrypted.is_some()),
            ] {
                if set {
                    out.push(
                        Diagnostic::error(
                            Code::NotifySetting,
                            format!("{base}/{field}"),
                            format!("`{field}` configures a new alerts topic; it cannot be combined with `{target}`"),
                        )
                        .hint(format!("remove `{field}`, or remove `{target}` to create an alerts topic")),
                    );
                }
            }
        }
        None => new_topic(spec, n, any, out),
    }
}

/// What an existing topic that receives the alarms must allow, from `policy` itself: the topic
/// statement trailsmith writes for an alerts topic it creates, and the key statements it adds to
/// a key that encrypts one.
fn existing_topic_note(spec: &Spec, path: &str, what: &str, arn: &str) -> Diagnostic {
    let known = |r, a| (r == Res::AlertsTopic && a == Attr::Arn).then(|| arn.to_string());
    let (sids, words) = required(&policy::alerts_topic_policy(), &known);
    let ctx = policy_context(spec);
    let plain = policy::key_policy(&ctx, &KeyUsers::default());
    let users = KeyUsers {
        alarm_topic: Some(arn.to_string()),
        ..KeyUsers::default()
    };
    let mut added = policy::key_policy(&ctx, &users);
    added.statements.retain(|s| !plain.statements.contains(s));
    let (key_sids, key_words) = required(&added, &known);
    Diagnostic::note(
        Code::ExistingAlertsTopicPolicy,
        path,
        format!("the existing {what}'s policy must let CloudWatch publish the alarms: {sids}; a key encrypting it needs {key_sids}, as trailsmith writes them for a topic and key it creates"),
    )
    .hint(format!("{words}; {key_words} (\"Key management\" in the Amazon SNS Developer Guide)"))
}

fn new_topic(spec: &Spec, n: &Notify, any: bool, out: &mut Vec<Diagnostic>) {
    let base = "/alarms/notify";
    let name = derived::alerts_topic_name(&spec.trail.name, n);
    let delivery = spec
        .sns
        .settings()
        .filter(|s| s.topic_arn.is_none())
        .map(|s| derived::delivery_topic_name(&spec.trail.name, &s));
    if delivery.as_deref() == Some(name.as_str()) {
        // Point at the name the user wrote: theirs for alarms, else the delivery topic's.
        let path = match n.topic_name {
            Some(_) => format!("{base}/topic_name"),
            None => "/sns/topic_name".to_string(),
        };
        out.push(
            Diagnostic::error(
                Code::AlertsTopicNameTaken,
                path,
                format!("the trail's delivery topic is already named `{name}`"),
            )
            .hint(
                "use `delivery_topic: true` to send alarms there, or choose another `topic_name`",
            ),
        );
    }
    let new_key = spec.kms.settings().is_some_and(|k| k.key_arn.is_none());
    if n.encrypted == Some(true) && !new_key {
        let why = if spec.kms.settings().is_none() {
            "`kms: false` creates no key to encrypt it with"
        } else {
            "an existing key's policy is managed elsewhere and may not let CloudWatch use it"
        };
        out.push(
            Diagnostic::error(
                Code::AlertsTopicEncryption,
                format!("{base}/encrypted"),
                format!(
                    "the alerts topic can only be encrypted with a key trailsmith creates: {why}"
                ),
            )
            .hint("remove `encrypted: true`, or let trailsmith create the trail's key"),
        );
    }
    if any && n.email.is_empty() && n.subscriptions.is_empty() {
        out.push(
            Diagnostic::warning(
                Code::AlertsWithoutSubscribers,
                base,
                format!(
                    "the new alerts topic `{name}` has no subscription, so alarms reach no one"
                ),
            )
            .hint("add `email: [secops@example.com]` or `subscriptions:` under `alarms.notify`"),
        );
    }
    let alerts = NewTopic {
        what: "alerts topic",
        name: &name,
        output: "alerts_topic_arn",
    };
    subscriptions(base, &n.email, &n.subscriptions, &alerts, out);
}

/// A new topic that subscriptions are given for.
pub(super) struct NewTopic<'a> {
    /// `alerts topic`, `delivery topic`.
    pub what: &'a str,
    pub name: &'a str,
    /// The output that holds its ARN.
    pub output: &'a str,
}

/// A new topic's `email` and `subscriptions` (the alerts topic's under `base` `/alarms/notify`,
/// the delivery topic's under `/sns`): endpoints that fit their protocol, no repeats, and a note
/// for each subscriber whose own policy must let the topic deliver, the queue's from `policy`.
pub(super) fn subscriptions(
    base: &str,
    email: &[String],
    others: &[SubscriptionSpec],
    topic: &NewTopic,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<(Protocol, &str, String)> = Vec::new();
    let entries = email
        .iter()
        .enumerate()
        .map(|(i, e)| (Protocol::Email, e.as_str(), format!("{base}/email/{i}")))
        .chain(others.iter().enumerate().map(|(i, s)| {
            (
                s.protocol,
                s.endpoint.as_str(),
                format!("{base}/subscriptions/{i}/endpoint"),
            )
        }));
    for (protocol, endpoint, path) in entries {
        let valid = endpoint_rule(protocol, endpoint).is_ok();
        rule(
            out,
            Code::SubscriptionEndpoint,
            &path,
            endpoint_rule(protocol, endpoint),
            Some(endpoint_hint(protocol)),
        );
        if let Some((_, _, first)) = seen
            .iter()
            .find(|(p, e, _)| *p == protocol && *e == endpoint)
        {
            out.push(
                Diagnostic::error(
                    Code::Duplicate,
                    path.clone(),
                    format!("this subscription repeats {first}"),
                )
                .hint("remove this entry"),
            );
        }
        match protocol {
            Protocol::Sqs if valid => out.push(queue_note(endpoint, topic, &path)),
            Protocol::Lambda => out.push(
                Diagnostic::note(
                    Code::SubscriberPermission,
                    path.clone(),
                    format!("the function's resource policy must let sns.amazonaws.com invoke it (lambda:InvokeFunction) for the {}", topic.what),
                )
                .hint(format!("scope it with aws:SourceArn set to the {} ARN (output `{}`)", topic.what, topic.output)),
            ),
            _ => {}
        }
        seen.push((protocol, endpoint, path));
    }
}

/// What a subscribed queue's owner must allow, from `policy` itself: the queue policy statement,
/// and the statement a customer managed key encrypting the queue needs.
fn queue_note(queue: &str, topic: &NewTopic, path: &str) -> Diagnostic {
    let none = |_, _| None;
    let (sids, words) = required(&policy::queue_policy(queue, topic.name), &none);
    let (key_sids, key_words) = required(&policy::queue_key_policy(topic.name), &none);
    Diagnostic::note(
        Code::SubscriberPermission,
        path,
        format!("the queue's policy must let the {} send it messages: {sids}; a customer managed key encrypting the queue needs {key_sids}", topic.what),
    )
    .hint(format!("{words}; {key_words} (\"Subscribing an Amazon SQS queue to an Amazon SNS topic\" in the Amazon SNS Developer Guide, \"Configure KMS permissions for AWS services\" in the Amazon SQS Developer Guide)"))
}

/// What SNS accepts as an endpoint of each protocol ("Subscribe" in the Amazon SNS API reference).
fn endpoint_rule(protocol: Protocol, endpoint: &str) -> Result<(), String> {
    let ok = match protocol {
        Protocol::Email | Protocol::EmailJson => {
            endpoint.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !endpoint.contains(char::is_whitespace)
                    && !domain.contains('@')
            })
        }
        Protocol::Https => url_rest(endpoint, "https://"),
        Protocol::Http => url_rest(endpoint, "http://"),
        Protocol::Sqs => names::arn(endpoint, "sqs", &[]).is_ok(),
        Protocol::Lambda => names::arn(endpoint, "lambda", &["function"]).is_ok(),
        Protocol::Sms => endpoint.strip_prefix('+').is_some_and(|digits| {
            (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        }),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{endpoint}` is not a valid `{}` endpoint",
            protocol.as_str()
        ))
    }
}

fn url_rest(endpoint: &str, scheme: &str) -> bool {
    endpoint
        .strip_prefix(scheme)
        .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
}

fn endpoint_hint(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Email | Protocol::EmailJson => "an email address such as secops@example.com",
        Protocol::Https => "a URL starting with https://",
        Protocol::Http => "a URL starting with http://",
        Protocol::Sqs => "a queue ARN such as arn:aws:sqs:eu-west-1:111122223333:alerts",
        Protocol::Lambda => {
            "a function ARN such as arn:aws:lambda:eu-west-1:111122223333:function:notify"
        }
        Protocol::Sms => "a phone number in E.164 form, such as +14155550100",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_fit_their_protocol() {
        for (p, good) in [
            (Protocol::Email, "secops@example.com"),
            (Protocol::EmailJson, "a.b+c@mail.example.org"),
            (Protocol::Https, "https://hooks.example.com/alarms"),
            (Protocol::Http, "http://10.0.0.1/x"),
            (Protocol::Sqs, "arn:aws:sqs:eu-west-1:111122223333:alerts"),
            (
                Protocol::Lambda,
                "arn:aws:lambda:eu-west-1:111122223333:function:notify",
            ),
            (Protocol::Sms, "+14155550100"),
        ] {
            assert!(endpoint_rule(p, good).is_ok(), "{good}");
        }
        for (p, bad) in [
            (Protocol::Email, "secops"),
            (Protocol::Email, "secops@localhost"),
            (Protocol::Email, "sec ops@example.com"),
            (Protocol::Https, "http://hooks.example.com"),
            (Protocol::Http, "https://hooks.example.com"),
            (Protocol::Https, "https://"),
            (Protocol::Sqs, "arn:aws:sns:eu-west-1:111122223333:alerts"),
            (
                Protocol::Lambda,
                "arn:aws:lambda:eu-west-1:111122223333:layer:x",
            ),
            (Protocol::Sms, "4155550100"),
            (Protocol::Sms, "+1-415-555"),
        ] {
            assert!(endpoint_rule(p, bad).is_err(), "{bad}");
        }
    }
}
