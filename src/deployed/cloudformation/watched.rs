//! The trail's CloudWatch Logs delivery as the template creates it: the log group, the delivery
//! role (noted, never carried: trailsmith creates its own), the metric filters on the group and
//! the alarms on their metrics ("AWS::Logs::LogGroup", "AWS::Logs::MetricFilter",
//! "AWS::CloudWatch::Alarm"). It must not evaluate intrinsics itself (`eval`).

use super::Reader;
use crate::deployed::{Alarm, Deployed, LogGroup, MetricFilter, Trail};
use serde_json::{Map, Value};

impl Reader<'_> {
    pub(super) fn logs(
        &mut self,
        id: &str,
        props: &Map<String, Value>,
        t: &mut Trail,
        d: &mut Deployed,
    ) {
        let Some(v) = props.get("CloudWatchLogsLogGroupArn") else {
            return;
        };
        let created = self.created(v).filter(|(_, k)| k == "AWS::Logs::LogGroup");
        let (region, account) = self.t.arn_place();
        let arn = match &created {
            Some((gid, _)) => {
                let default = format!("CloudTrail/{}", t.name);
                let name = self.name_or(gid, "LogGroupName", &default, "trailsmith's default");
                Some(format!(
                    "arn:{}:logs:{region}:{account}:log-group:{name}:*",
                    self.t.partition
                ))
            }
            None => self.string(id, props, "CloudWatchLogsLogGroupArn", "not carried"),
        };
        let Some(arn) = arn else { return };
        t.log_group_arn = Some(arn);
        let name = t.log_group_name().unwrap_or_default().to_string();
        let gid = created
            .map(|(g, _)| g)
            .or_else(|| self.find("AWS::Logs::LogGroup", "LogGroupName", &name));
        if let Some(role) = props.get("CloudWatchLogsRoleArn") {
            match self.created(role).filter(|(_, k)| k == "AWS::IAM::Role") {
                Some((rid, _)) => {
                    self.uses(&rid);
                    self.note(format!(
                        "{rid}: the delivery role the template creates is not carried; trailsmith \
                         creates its own, with the permissions CloudTrail needs"
                    ));
                }
                None => {
                    t.role_arn = self.string(
                        id,
                        props,
                        "CloudWatchLogsRoleArn",
                        "trailsmith creates its own role",
                    )
                }
            }
        }
        if let Some(gid) = &gid {
            self.uses(gid);
            let gp = self.props(gid);
            let noted = self.notes.len();
            let retention_days =
                self.number(gid, &gp, "RetentionInDays", "trailsmith's default applies");
            // Left out, the property means events never expire ("AWS::Logs::LogGroup"); a value
            // the template does not settle (noted) is unknown, not "never", so no log group is
            // recorded: import keeps the default and drift does not compare the retention.
            if self.notes.len() == noted {
                d.log_group = Some(LogGroup {
                    name: name.clone(),
                    retention_days,
                    kms_key_id: self.string(gid, &gp, "KmsKeyId", "not carried"),
                });
            }
        }
        self.watched(gid.as_deref(), &name, d);
    }

    /// The metric filters on the trail's log group, and the alarms on their metrics.
    fn watched(&mut self, group_id: Option<&str>, group: &str, d: &mut Deployed) {
        let ids: Vec<String> = self.t.resources.keys().cloned().collect();
        let t = self.t;
        let kind = |id: &str| t.resource(id).map(|(k, _)| k).unwrap_or_default();
        let mut filters = Vec::new();
        for fid in ids.iter().filter(|i| kind(i) == "AWS::Logs::MetricFilter") {
            let p = self.props(fid);
            let on = p.get("LogGroupName");
            let ours = on.is_some_and(|v| {
                self.created(v)
                    .is_some_and(|(g, _)| Some(g.as_str()) == group_id)
                    || self.t.string(v).ok().flatten().as_deref() == Some(group)
            });
            if !ours || !self.exists(fid) {
                continue;
            }
            self.uses(fid);
            let m = p
                .get("MetricTransformations")
                .and_then(|m| self.t.eval(m).ok().flatten())
                .and_then(|m| m.get(0).cloned())
                .unwrap_or_default();
            let field = |k: &str| m.get(k).and_then(super::eval::text).unwrap_or_default();
            filters.push(MetricFilter {
                name: self
                    .string(fid, &p, "FilterName", "written as the logical id")
                    .unwrap_or_else(|| fid.clone()),
                pattern: self
                    .string(fid, &p, "FilterPattern", "the filter is left out")
                    .unwrap_or_default(),
                log_group: group.to_string(),
                metric: field("MetricName"),
                namespace: field("MetricNamespace"),
                value: field("MetricValue"),
            });
        }
        filters.retain(|f| !f.pattern.is_empty());
        let mut alarms = Vec::new();
        for aid in ids.iter().filter(|i| kind(i) == "AWS::CloudWatch::Alarm") {
            let p = self.props(aid);
            let metric = self
                .t
                .string(p.get("MetricName").unwrap_or(&Value::Null))
                .ok()
                .flatten();
            let namespace = self
                .t
                .string(p.get("Namespace").unwrap_or(&Value::Null))
                .ok()
                .flatten();
            let on_ours = filters.iter().any(|f| {
                Some(&f.metric) == metric.as_ref() && Some(&f.namespace) == namespace.as_ref()
            });
            if !on_ours || !self.exists(aid) {
                continue;
            }
            self.uses(aid);
            alarms.push(self.alarm(aid, &p));
        }
        d.metric_filters = Some(filters);
        d.alarms = Some(alarms);
    }

    fn alarm(&mut self, id: &str, p: &Map<String, Value>) -> Alarm {
        let mut actions = Vec::new();
        for a in p
            .get("AlarmActions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some((tid, _)) = self.created(&a).filter(|(_, k)| k == "AWS::SNS::Topic") {
                let name = self.name_or(&tid, "TopicName", &tid, "the logical id");
                self.uses(&tid);
                actions.push(self.arn_of_topic(&name));
                continue;
            }
            match self.t.string(&a) {
                Ok(Some(s)) => actions.push(s),
                Ok(None) => {}
                Err(u) => self.note(format!(
                    "{id}.AlarmActions: {} cannot be resolved from the template ({}); left out",
                    u.expr, u.why
                )),
            }
        }
        let text = |r: &mut Self, k: &str| r.string(id, p, k, "trailsmith's default applies");
        Alarm {
            name: text(self, "AlarmName").unwrap_or_else(|| id.to_string()),
            description: text(self, "AlarmDescription"),
            metric: text(self, "MetricName").unwrap_or_default(),
            namespace: text(self, "Namespace").unwrap_or_default(),
            statistic: text(self, "Statistic").unwrap_or_default(),
            period: self
                .number(id, p, "Period", "trailsmith's default applies")
                .unwrap_or(0),
            evaluation_periods: self
                .number(id, p, "EvaluationPeriods", "trailsmith's default applies")
                .unwrap_or(0),
            threshold: text(self, "Threshold")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0),
            comparison: text(self, "ComparisonOperator").unwrap_or_default(),
            actions,
            treat_missing_data: text(self, "TreatMissingData"),
        }
    }
}
