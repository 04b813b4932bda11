//! `drift`: what a spec compiles to, held against what is deployed, setting by setting.
//!
//! Owns what counts as a difference (what is recorded and where it goes, not how it is written:
//! selectors compare in their canonical form, see `deployed::canonical`) and which spec key each
//! difference is reported at. A fact the files do not give is never a difference; a value the
//! deployment makes (a key or role the output creates) is checked for presence only. It must not
//! read files or print (that is `cli`), nor decide what the spec means (that is `model`).

mod alarms;
mod bucket;

use crate::deployed::{canonical, Canon, Deployed, Env};
use crate::diag::{Code, Diagnostic};
use crate::expr::Expr;
use crate::model::Model;
use crate::source::Document;
use crate::spec::{Operator, Spec};
use std::collections::BTreeSet;

/// Differences found so far, each at the spec key that sets the value.
struct Found {
    out: Vec<Diagnostic>,
}

impl Found {
    fn differ(&mut self, code: Code, path: &str, message: String, hint: &str) {
        self.out
            .push(Diagnostic::error(code, path, message).hint(hint));
    }
}

/// The hint of most differences: the spec is the source of truth.
const REDEPLOY: &str = "deploy the output of `trailsmith synth` again, or change the spec if \
                        the deployed value is the one wanted";

/// Every difference between the spec's outputs and the deployed trail, not yet located.
pub fn compare(spec: &Spec, models: &[Model], d: &Deployed) -> Vec<Diagnostic> {
    let mut found = Found { out: Vec::new() };
    let env = env_of(models, d);
    if let Some(model) = models.iter().find(|m| m.trail.is_some()) {
        trail(&mut found, model, d, &env);
        alarms::compare(&mut found, spec, model, d, &env);
    }
    if let Some(model) = models.iter().find(|m| m.bucket.is_some()) {
        bucket::compare(&mut found, model, d, &env);
    }
    found.out
}

/// Gives each difference the line and column of the spec key it is reported at, or of the
/// nearest key the spec has when it leaves the setting to trailsmith's default.
pub fn locate(doc: &Document, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut() {
        d.whole_spec = !d.path.is_empty() && doc.nearest(&d.path).is_empty();
        d.pos = Some(doc.value_pos(&d.path));
    }
}

/// The settings no file gave, by the command that prints them: what `drift` could not compare.
pub fn not_given(d: &Deployed) -> Vec<&'static str> {
    let b = &d.bucket;
    [
        (d.logging.is_none(), "logging (get-trail-status)"),
        (
            d.selectors.is_none(),
            "event selectors (get-event-selectors)",
        ),
        (d.insights.is_none(), "Insights (get-insight-selectors)"),
        (
            b.versioning.is_none(),
            "bucket versioning (get-bucket-versioning)",
        ),
        (
            b.encryption.is_none(),
            "bucket encryption (get-bucket-encryption)",
        ),
        (
            b.public_access_block.is_none(),
            "public access block (get-public-access-block)",
        ),
        (
            b.logging.is_none(),
            "bucket access logging (get-bucket-logging)",
        ),
        (
            b.lifecycle.is_none(),
            "lifecycle (get-bucket-lifecycle-configuration)",
        ),
        (
            d.log_group.is_none() && d.trail.log_group_arn.is_some(),
            "log retention (describe-log-groups)",
        ),
        (
            d.metric_filters.is_none() && d.trail.log_group_arn.is_some(),
            "metric filters (describe-metric-filters)",
        ),
        (
            d.alarms.is_none() && d.trail.log_group_arn.is_some(),
            "alarms (describe-alarms)",
        ),
    ]
    .into_iter()
    .filter(|(missing, _)| *missing)
    .map(|(_, what)| what)
    .collect()
}

/// The deployment as the spec names it: the region and names the spec gives win over the
/// deployed ones, so that a renamed bucket or topic is one difference, not a cascade; what the
/// output leaves to AWS (a generated bucket name) is the deployed value.
///
/// A name with a parameter (`${environment}`) keeps the deployed value: the deployment does not
/// say what the deployer passed, so such a name is not compared.
fn env_of(models: &[Model], d: &Deployed) -> Env {
    let mut env = Env::of(d);
    let deployed = Env::of(d);
    let named = |t: &crate::expr::Text, slot: &mut Option<String>| {
        if let Some(v) = deployed.text(t) {
            *slot = Some(v);
        }
    };
    for m in models {
        if let Some(region) = &m.home_region {
            env.region = region.verbatim().to_string();
        }
        if let Some(name) = m.bucket.as_ref().and_then(|b| b.name.as_ref()) {
            named(name, &mut env.bucket);
        }
        if let Some(t) = &m.topic {
            named(&t.name, &mut env.topic);
        }
        if let Some(g) = &m.log_group {
            named(&g.name, &mut env.log_group);
        }
        if let Some(a) = &m.alerts_topic {
            named(&a.name, &mut env.alerts_topic);
        }
    }
    env
}

/// What an expression is at the deployment: `Known`, or made by the deployment (a key or role the
/// output creates, a value another part passes in), which only has to exist.
enum Wanted {
    Known(String),
    Made,
}

fn wanted(env: &Env, e: &Expr) -> Wanted {
    match env.resolve(e) {
        Some(v) => Wanted::Known(v),
        None => Wanted::Made,
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn trail(found: &mut Found, model: &Model, d: &Deployed, env: &Env) {
    let Some(t) = &model.trail else {
        return;
    };
    let dt = &d.trail;
    if let Some(logging) = d.logging {
        if logging != t.logging {
            found.differ(
                Code::DriftLogging,
                "/trail/logging",
                format!(
                    "the trail is {}logging; the spec says logging: {}",
                    if logging { "" } else { "not " },
                    t.logging
                ),
                &format!(
                    "`aws cloudtrail {} --name {}` or deploy the output again; who changed it is \
                     in the trail's own events (eventName {})",
                    if t.logging {
                        "start-logging"
                    } else {
                        "stop-logging"
                    },
                    dt.name,
                    if t.logging {
                        "StopLogging"
                    } else {
                        "StartLogging"
                    }
                ),
            );
        }
    }
    if let (Some(want), Some(have)) = (&model.home_region, &dt.home_region) {
        if want.verbatim() != have {
            found.differ(
                Code::DriftHomeRegion,
                "/trail/home_region",
                format!(
                    "the trail's home region is {have}; the spec's is {}",
                    want.verbatim()
                ),
                "a trail cannot move: the files describe another trail of the same name, or the \
                 spec names the wrong region",
            );
        }
    }
    let flags = [
        (
            Code::DriftLogFileValidation,
            "/trail/log_file_validation",
            "log file validation",
            dt.log_file_validation,
            t.log_file_validation,
        ),
        (
            Code::DriftMultiRegion,
            "/trail/multi_region",
            "recording in every region",
            dt.multi_region,
            t.multi_region,
        ),
        (
            Code::DriftGlobalServiceEvents,
            "/trail/global_service_events",
            "global service events",
            dt.global_service_events,
            t.global_service_events,
        ),
        (
            Code::DriftOrganization,
            "/trail/organization",
            "recording for the whole organization",
            dt.organization,
            t.organization,
        ),
    ];
    for (code, path, what, deployed, spec) in flags {
        if deployed != spec {
            found.differ(
                code,
                path,
                format!(
                    "{what} is {} on the deployed trail; the spec turns it {}",
                    on_off(deployed),
                    on_off(spec)
                ),
                REDEPLOY,
            );
        }
    }
    if let Wanted::Known(bucket) = wanted(env, &t.bucket_name) {
        if bucket != dt.bucket {
            found.differ(
                Code::DriftBucket,
                "/bucket/name",
                format!(
                    "the trail delivers to bucket {}; the spec's is {bucket}",
                    dt.bucket
                ),
                REDEPLOY,
            );
        }
    }
    let prefix = t.prefix.as_ref().map(|p| p.verbatim()).unwrap_or_default();
    let deployed_prefix = dt.prefix.as_deref().unwrap_or_default();
    if prefix != deployed_prefix {
        found.differ(
            Code::DriftBucket,
            "/bucket/prefix",
            format!(
                "the trail writes under the prefix {deployed_prefix:?}; the spec's is {prefix:?}"
            ),
            REDEPLOY,
        );
    }
    key(found, t.kms_key.as_ref(), d, env);
    topic(found, t.sns_topic.as_ref(), d, env);
    logs(found, model, t.cloudwatch_logs.as_ref(), d, env);
    selectors(found, t, d, env);
    insights(found, &t.insights, d);
}

fn key(found: &mut Found, spec: Option<&Expr>, d: &Deployed, env: &Env) {
    let deployed = d.trail.kms_key_id.as_deref();
    if d.key_made_by_source() {
        // A key whose ARN the deployment will choose: only its presence can be compared.
        if spec.is_none() {
            found.differ(
                Code::DriftKey,
                "/kms",
                "the trail's log files are encrypted with a key the source creates; the spec \
                 asks for no key (kms: false)"
                    .into(),
                REDEPLOY,
            );
        }
        return;
    }
    let message = match (spec.map(|e| wanted(env, e)), deployed) {
        (None, None) | (Some(Wanted::Made), Some(_)) => return,
        (None, Some(arn)) => format!(
            "the trail's log files are encrypted with {arn}; the spec asks for no key (kms: false)"
        ),
        (Some(_), None) => {
            "the trail's log files are not encrypted with a KMS key; the spec's are".to_string()
        }
        (Some(Wanted::Known(want)), Some(arn)) => {
            // An alias ARN names the key the trail resolved it to when it was set; only two key
            // ARNs can be told apart.
            if want == arn || !want.contains(":key/") {
                return;
            }
            format!("the trail's log files are encrypted with {arn}; the spec's key is {want}")
        }
    };
    found.differ(Code::DriftKey, "/kms", message, REDEPLOY);
}

fn topic(found: &mut Found, spec: Option<&Expr>, d: &Deployed, env: &Env) {
    let deployed = d.trail.sns_topic_arn.as_deref();
    let message = match (spec.map(|e| wanted(env, e)), deployed) {
        (None, None) | (Some(Wanted::Made), Some(_)) => return,
        (None, Some(arn)) => format!("the trail notifies {arn} of each log file; the spec has no delivery topic (sns: false)"),
        (Some(_), None) => "the trail has no delivery topic; the spec's trail notifies one".to_string(),
        (Some(Wanted::Known(want)), Some(arn)) => {
            // The model names a topic by name or ARN; CloudTrail reads back the ARN.
            let same = if want.starts_with("arn:") {
                want == arn
            } else {
                arn.rsplit(':').next() == Some(want.as_str())
            };
            if same {
                return;
            }
            format!("the trail notifies {arn}; the spec's delivery topic is {want}")
        }
    };
    found.differ(Code::DriftTopic, "/sns", message, REDEPLOY);
}

fn logs(found: &mut Found, model: &Model, spec: Option<&(Expr, Expr)>, d: &Deployed, env: &Env) {
    let dt = &d.trail;
    let Some((group, role)) = spec else {
        if let Some(arn) = &dt.log_group_arn {
            found.differ(
                Code::DriftCloudwatchLogs,
                "/cloudwatch_logs",
                format!("the trail delivers to {arn}; the spec sends nothing to CloudWatch Logs"),
                REDEPLOY,
            );
        }
        return;
    };
    match (&dt.log_group_arn, wanted(env, group)) {
        (None, _) => found.differ(
            Code::DriftCloudwatchLogs,
            "/cloudwatch_logs",
            "the trail delivers to no CloudWatch Logs group; the spec's does".into(),
            REDEPLOY,
        ),
        (Some(arn), Wanted::Known(want)) if *arn != want => found.differ(
            Code::DriftCloudwatchLogs,
            "/cloudwatch_logs/log_group",
            format!("the trail delivers to {arn}; the spec's log group is {want}"),
            REDEPLOY,
        ),
        _ => {}
    }
    if let (Some(arn), Wanted::Known(want)) = (&dt.role_arn, wanted(env, role)) {
        if *arn != want {
            found.differ(
                Code::DriftCloudwatchLogs,
                "/cloudwatch_logs/role_arn",
                format!("the trail delivers with role {arn}; the spec's role is {want}"),
                REDEPLOY,
            );
        }
    }
    if let (Some(group), Some(deployed)) = (&model.log_group, &d.log_group) {
        // `None` on both sides is a log group without a retention policy: events never expire.
        let want = group.retention.days();
        if deployed.retention_days != want {
            let kept =
                |days: Option<u32>| days.map_or("forever".to_string(), |n| format!("{n} days"));
            found.differ(
                Code::DriftLogRetention,
                "/cloudwatch_logs/retention_days",
                format!(
                    "the log group {} keeps events {}; the spec keeps them {}",
                    deployed.name,
                    kept(deployed.retention_days),
                    kept(want)
                ),
                REDEPLOY,
            );
        }
    }
}

fn words(op: Operator) -> &'static str {
    match op {
        Operator::Equals => "=",
        Operator::NotEquals => "!=",
        Operator::StartsWith => "starts with",
        Operator::NotStartsWith => "does not start with",
        Operator::EndsWith => "ends with",
        Operator::NotEndsWith => "does not end with",
    }
}

/// A canonical selector in words: `eventCategory = Data, resources.ARN starts with ...`.
fn describe(c: &Canon) -> String {
    let mut parts = Vec::new();
    for (field, ops) in c {
        for (op, values) in ops {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            parts.push(format!("{field} {} {}", words(*op), values.join(" | ")));
        }
    }
    format!("[{}]", parts.join(", "))
}

fn selectors(found: &mut Found, t: &crate::model::Trail, d: &Deployed, env: &Env) {
    let Some(deployed) = &d.selectors else {
        return;
    };
    let Some(planned) = env.selectors(&t.selectors) else {
        return;
    };
    let want = canonical(&planned, &env.partition);
    let have = canonical(deployed, &env.partition);
    if want == have {
        return;
    }
    let missing: BTreeSet<&Canon> = want.difference(&have).collect();
    let extra: BTreeSet<&Canon> = have.difference(&want).collect();
    let mut said = Vec::new();
    if !missing.is_empty() {
        said.push(format!(
            "the spec records {} that the trail does not",
            missing
                .iter()
                .map(|c| describe(c))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if !extra.is_empty() {
        said.push(format!(
            "the trail records {} that the spec does not",
            extra
                .iter()
                .map(|c| describe(c))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    found.differ(
        Code::DriftEventSelectors,
        "/events",
        format!(
            "the trail's event selectors record other events: {}",
            said.join("; and ")
        ),
        "compared as the advanced selectors CloudTrail converts basic ones to, whatever their \
         order or names; deploy the output again, or change the spec if the trail is right",
    );
}

fn insights(found: &mut Found, spec: &[&'static str], d: &Deployed) {
    let Some(deployed) = &d.insights else {
        return;
    };
    let want: BTreeSet<&str> = spec.iter().copied().collect();
    let have: BTreeSet<&str> = deployed.iter().map(String::as_str).collect();
    if want != have {
        let list = |s: &BTreeSet<&str>| {
            if s.is_empty() {
                "none".to_string()
            } else {
                s.iter().copied().collect::<Vec<_>>().join(", ")
            }
        };
        found.differ(
            Code::DriftInsights,
            "/events/insights",
            format!(
                "the trail's Insights are {}; the spec's are {}",
                list(&have),
                list(&want)
            ),
            REDEPLOY,
        );
    }
}
