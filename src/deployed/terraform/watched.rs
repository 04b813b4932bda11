//! The trail's CloudWatch Logs delivery as the plan or state holds it: the log group
//! ("aws_cloudwatch_log_group"), the delivery role (noted when the configuration creates it:
//! trailsmith creates its own), the metric filters on the group
//! ("aws_cloudwatch_log_metric_filter") and the alarms on their metrics
//! ("aws_cloudwatch_metric_alarm"). It must not walk the JSON itself (`doc`).

use super::Reader;
use crate::deployed::whole_number;
use crate::deployed::{Alarm, Deployed, LogGroup, MetricFilter, Trail};
use serde_json::Value;

impl Reader<'_> {
    pub(super) fn logs(&mut self, i: usize, t: &mut Trail, d: &mut Deployed) {
        let doc = self.doc;
        let r = &doc.resources[i];
        let created = doc.refers_to(i, "cloud_watch_logs_group_arn", "aws_cloudwatch_log_group");
        let arn = match r.text("cloud_watch_logs_group_arn") {
            Some(arn) => arn,
            None if r.is_unknown("cloud_watch_logs_group_arn") => {
                // CloudTrail reads the group's ARN back with `:*` ("Sending events to CloudWatch
                // Logs"), as the provider documentation writes it.
                match created.and_then(|g| doc.resources[g].text("name")) {
                    Some(name) => self.arn("logs", &format!("log-group:{name}:*")),
                    None => {
                        self.unresolved(i, "cloud_watch_logs_group_arn", "not carried");
                        return;
                    }
                }
            }
            None => return,
        };
        t.log_group_arn = Some(arn);
        let name = t.log_group_name().unwrap_or_default().to_string();
        let group = created.or_else(|| self.find("aws_cloudwatch_log_group", "name", &name));
        self.role(i, t);
        if let Some(g) = group {
            self.uses(g);
            let gr = &doc.resources[g];
            let retention = gr.number("retention_in_days").filter(|n| *n > 0.0);
            // 0 or unset: events never expire ("aws_cloudwatch_log_group": retention_in_days).
            let retention_days = retention.and_then(whole_number);
            let unknown = gr.is_unknown("retention_in_days");
            if unknown {
                self.unresolved(g, "retention_in_days", "trailsmith's default applies");
            }
            // A retention the plan does not settle is unknown, not "never": no log group is
            // recorded, so import keeps the default and drift does not compare the retention.
            if !unknown && retention_days.is_some() == retention.is_some() {
                d.log_group = Some(LogGroup {
                    name: name.clone(),
                    retention_days,
                    kms_key_id: self.key_named(g, "kms_key_id"),
                });
            }
        }
        self.watched(group, &name, d);
    }

    fn role(&mut self, i: usize, t: &mut Trail) {
        let doc = self.doc;
        let r = &doc.resources[i];
        if let Some(arn) = r.text("cloud_watch_logs_role_arn") {
            if let Some(k) = self.find("aws_iam_role", "arn", &arn) {
                self.uses(k);
            }
            t.role_arn = Some(arn);
            return;
        }
        if !r.is_unknown("cloud_watch_logs_role_arn") {
            return;
        }
        match doc.refers_to(i, "cloud_watch_logs_role_arn", "aws_iam_role") {
            Some(k) => {
                self.uses(k);
                let a = self.address(k);
                self.note(format!(
                    "{a}: the delivery role the configuration creates is not carried; trailsmith \
                     creates its own, with the permissions CloudTrail needs"
                ));
            }
            None => self.unresolved(
                i,
                "cloud_watch_logs_role_arn",
                "trailsmith creates its own role",
            ),
        }
    }

    /// The metric filters on the trail's log group, and the alarms on their metrics.
    fn watched(&mut self, group: Option<usize>, name: &str, d: &mut Deployed) {
        let doc = self.doc;
        let mut filters = Vec::new();
        for f in self.all("aws_cloudwatch_log_metric_filter") {
            let r = &doc.resources[f];
            let ours = r.text("log_group_name").as_deref() == Some(name)
                || group.is_some_and(|g| self.links(f, "log_group_name", g));
            let Some(pattern) = r.text("pattern").filter(|_| ours) else {
                continue;
            };
            self.uses(f);
            let m = r
                .block("metric_transformation")
                .cloned()
                .unwrap_or_default();
            let field = |k: &str| match m.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            filters.push(MetricFilter {
                name: r.text("name").unwrap_or_else(|| r.address.clone()),
                pattern,
                log_group: name.to_string(),
                metric: field("name"),
                namespace: field("namespace"),
                value: field("value"),
            });
        }
        let mut alarms = Vec::new();
        for k in self.all("aws_cloudwatch_metric_alarm") {
            let r = &doc.resources[k];
            let (metric, namespace) = (r.text("metric_name"), r.text("namespace"));
            let on_ours = filters.iter().any(|f| {
                Some(&f.metric) == metric.as_ref() && Some(&f.namespace) == namespace.as_ref()
            });
            if on_ours {
                self.uses(k);
                alarms.push(self.alarm(k));
            }
        }
        d.metric_filters = Some(filters);
        d.alarms = Some(alarms);
    }

    fn alarm(&mut self, k: usize) -> Alarm {
        let doc = self.doc;
        let r = &doc.resources[k];
        let mut actions: Vec<String> = r
            .values
            .get("alarm_actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        if r.is_unknown("alarm_actions") {
            for topic in doc.refers(k, "alarm_actions") {
                let t = &doc.resources[topic];
                match t.text("name").filter(|_| t.kind == "aws_sns_topic") {
                    Some(name) => {
                        self.uses(topic);
                        actions.push(self.arn("sns", &name));
                    }
                    None => self.unresolved(k, "alarm_actions", "left out"),
                }
            }
        }
        let text = |attr: &str| r.text(attr).unwrap_or_default();
        let whole = |attr: &str| r.number(attr).and_then(whole_number).unwrap_or(0);
        Alarm {
            name: r.text("alarm_name").unwrap_or_else(|| r.address.clone()),
            description: r.text("alarm_description"),
            metric: text("metric_name"),
            namespace: text("namespace"),
            statistic: text("statistic"),
            period: whole("period"),
            evaluation_periods: whole("evaluation_periods"),
            threshold: r.number("threshold").unwrap_or(0.0),
            comparison: text("comparison_operator"),
            actions,
            treat_missing_data: r.text("treat_missing_data"),
        }
    }
}
