//! The Athena table over the trail's log files, decided here for both targets: the Glue database
//! and table (columns, SerDe, partition projection over where CloudTrail writes), the workgroup
//! (enforced, encrypted results) and who reads.
//!
//! It must not know target syntax, and does not write the bucket or key policy statements
//! (`policy::athena` does; `model` adds them to the bucket and key it holds). It lives with the
//! bucket: in an organization layout, the log archive part.

use crate::derived::{
    athena_database, athena_first_day, athena_results_prefix, athena_table, athena_workgroup,
    REGIONS,
};
use crate::expr::{Expr, Text};
use crate::spec::Spec;

/// The columns of a CloudTrail record as "Create the table for CloudTrail logs in Athena using
/// partition projection" (Athena User Guide) defines them, in its order, as Glue types.
pub const COLUMNS: [(&str, &str); 29] = [
    ("eventversion", "string"),
    (
        "useridentity",
        "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>",
    ),
    ("eventtime", "string"),
    ("eventsource", "string"),
    ("eventname", "string"),
    ("awsregion", "string"),
    ("sourceipaddress", "string"),
    ("useragent", "string"),
    ("errorcode", "string"),
    ("errormessage", "string"),
    ("requestparameters", "string"),
    ("responseelements", "string"),
    ("additionaleventdata", "string"),
    ("requestid", "string"),
    ("eventid", "string"),
    ("readonly", "string"),
    (
        "resources",
        "array<struct<arn:string,accountid:string,type:string>>",
    ),
    ("eventtype", "string"),
    ("apiversion", "string"),
    ("recipientaccountid", "string"),
    ("serviceeventdetails", "string"),
    ("sharedeventid", "string"),
    ("vpcendpointid", "string"),
    ("vpcendpointaccountid", "string"),
    ("eventcategory", "string"),
    (
        "addendum",
        "struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>",
    ),
    ("sessioncredentialfromconsole", "string"),
    ("edgedevicedetails", "string"),
    (
        "tlsdetails",
        "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>",
    ),
];

/// The SerDe and formats of the same page: CloudTrail's input format reads the `Records` array of
/// each gzipped log file (and skips digest files), the Hive JSON SerDe reads each record.
pub const SERDE: &str = "org.apache.hive.hcatalog.data.JsonSerDe";
pub const INPUT_FORMAT: &str = "com.amazon.emr.cloudtrail.CloudTrailInputFormat";
pub const OUTPUT_FORMAT: &str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

/// The partition keys, in the order of the path CloudTrail writes: account, region, day.
pub const PARTITION_KEYS: [&str; 3] = ["account", "region", "log_date"];

/// How the table projects the accounts of the path.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountProjection {
    /// The listed accounts, one partition each.
    Listed(Vec<Expr>),
    /// Any account, which each query names (`WHERE account = '…'`): an organization trail's
    /// member accounts are not known to the spec ("Partition projection", injected type).
    Injected,
}

/// How query results are encrypted ("Encrypting Athena query results stored in Amazon S3").
#[derive(Debug, Clone, PartialEq)]
pub enum ResultsEncryption {
    /// SSE-KMS with the trail's key.
    Kms(Expr),
    SseS3,
}

impl ResultsEncryption {
    pub fn aws_name(&self) -> &'static str {
        match self {
            ResultsEncryption::Kms(_) => "SSE_KMS",
            ResultsEncryption::SseS3 => "SSE_S3",
        }
    }

    pub fn key(&self) -> Option<&Expr> {
        match self {
            ResultsEncryption::Kms(k) => Some(k),
            ResultsEncryption::SseS3 => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Athena {
    pub database: Text,
    pub database_description: Text,
    pub table: Text,
    pub table_description: Text,
    /// `s3://BUCKET/[PREFIX/]AWSLogs/[ORG-ID/]`: every log file of the table is below it.
    pub location: Expr,
    pub accounts: AccountProjection,
    pub regions: Vec<Text>,
    /// `YYYY/MM/DD`, the first day projected; the last is always today (`NOW`).
    pub first_day: String,
    /// `s3://BUCKET/[PREFIX/]AWSLogs/[ORG-ID/]${account}/CloudTrail/${region}/${log_date}`.
    pub location_template: Expr,
    pub workgroup: Workgroup,
    pub readers: Vec<Expr>,
}

#[derive(Debug, Clone)]
pub struct Workgroup {
    pub name: Text,
    pub description: Text,
    /// `s3://BUCKET/PREFIX/`.
    pub output_location: Expr,
    pub encryption: ResultsEncryption,
    /// The account that must own the results bucket, when it is the trail's (checked by Athena
    /// on every write: results never land in a bucket someone else took over).
    pub expected_bucket_owner: Option<Expr>,
}

/// What the table needs of the rest of the output.
pub struct Inputs<'a> {
    pub trail_account: Expr,
    /// The trail bucket's name (a reference where this output creates it).
    pub bucket_name: Expr,
    pub results_key: Option<Expr>,
    pub spec: &'a Spec,
}

/// The Athena section lowered, or `None` without one.
pub fn lower(i: &Inputs) -> Option<Athena> {
    let spec = i.spec;
    let a = spec.athena.as_ref()?;
    let name = &spec.trail.name;
    let prefix = spec
        .bucket
        .prefix
        .as_ref()
        .map(|p| format!("{p}/"))
        .unwrap_or_default();
    let org = spec
        .trail
        .organization
        .as_ref()
        .map(|o| format!("{}/", o.id))
        .unwrap_or_default();
    let s3 = |bucket: &Expr, rest: String| {
        Expr::join([Expr::lit("s3://"), bucket.clone(), Expr::lit(rest)])
    };
    let location = s3(&i.bucket_name, format!("/{prefix}AWSLogs/{org}"));
    let location_template = Expr::join([
        location.clone(),
        Expr::lit("${account}/CloudTrail/${region}/${log_date}"),
    ]);
    let accounts = match (&a.accounts, &spec.trail.organization) {
        (Some(list), _) => AccountProjection::Listed(list.iter().map(Expr::lit).collect()),
        (None, Some(_)) => AccountProjection::Injected,
        (None, None) => AccountProjection::Listed(
            std::iter::once(i.trail_account.clone())
                .chain(spec.bucket.writer_accounts.iter().map(Expr::lit))
                .collect(),
        ),
    };
    let regions = match (&a.regions, spec.trail.multi_region, &spec.trail.home_region) {
        (Some(list), _, _) => list.iter().cloned().map(Text::new).collect(),
        (None, false, Some(home)) => vec![Text::new(home.clone())],
        (None, false, None) => vec![Text::deploy_time("${region}")],
        (None, true, home) => partition_regions(home.as_deref()),
    };
    let (results_bucket, owner) = match a.results.as_ref().and_then(|r| r.bucket.as_ref()) {
        Some(b) => (Expr::deploy_time(b), None),
        None => (i.bucket_name.clone(), Some(Expr::Account)),
    };
    let workgroup_name = athena_workgroup(spec, a);
    Some(Athena {
        database: Text::new(athena_database(spec, a)),
        database_description: Text::new(format!("CloudTrail trail {name}, queried with Athena")),
        table: Text::new(athena_table(a)),
        table_description: Text::new(format!(
            "Log files of CloudTrail trail {name}, partitioned by account, region and day"
        )),
        location,
        accounts,
        regions,
        first_day: athena_first_day(a),
        location_template,
        workgroup: Workgroup {
            name: Text::new(workgroup_name),
            description: Text::new(format!(
                "Queries of CloudTrail trail {name}: results encrypted, readable by its readers only"
            )),
            output_location: s3(&results_bucket, format!("/{}/", athena_results_prefix(a))),
            encryption: match &i.results_key {
                Some(k) => ResultsEncryption::Kms(k.clone()),
                None => ResultsEncryption::SseS3,
            },
            expected_bucket_owner: owner,
        },
        readers: a.readers.iter().map(|r| Expr::deploy_time(r)).collect(),
    })
}

/// Every Region of the home region's partition: a multi-region trail writes a folder for each
/// Region it records, and a Region without one is an empty partition, which costs nothing.
fn partition_regions(home: Option<&str>) -> Vec<Text> {
    let partition = |r: &str| {
        if r.starts_with("cn-") {
            1
        } else if r.starts_with("us-gov-") {
            2
        } else {
            0
        }
    };
    let ours = home.map(partition).unwrap_or(0);
    REGIONS
        .iter()
        .filter(|r| partition(r) == ours)
        .map(|r| Text::new(*r))
        .collect()
}

impl Athena {
    /// The table properties, in the order a reader checks them: projection on, each partition
    /// key's projection, then where each partition's files are.
    pub fn parameters(&self) -> Vec<(&'static str, Expr)> {
        let mut p = vec![
            ("EXTERNAL", Expr::lit("TRUE")),
            ("classification", Expr::lit("cloudtrail")),
            ("projection.enabled", Expr::lit("true")),
        ];
        match &self.accounts {
            AccountProjection::Listed(list) => {
                p.push(("projection.account.type", Expr::lit("enum")));
                p.push(("projection.account.values", comma_list(list)));
            }
            AccountProjection::Injected => {
                p.push(("projection.account.type", Expr::lit("injected")));
            }
        }
        p.push(("projection.region.type", Expr::lit("enum")));
        let regions: Vec<Expr> = self.regions.iter().map(Expr::text).collect();
        p.push(("projection.region.values", comma_list(&regions)));
        p.push(("projection.log_date.type", Expr::lit("date")));
        p.push(("projection.log_date.format", Expr::lit("yyyy/MM/dd")));
        p.push((
            "projection.log_date.range",
            Expr::lit(format!("{},NOW", self.first_day)),
        ));
        p.push(("projection.log_date.interval", Expr::lit("1")));
        p.push(("projection.log_date.interval.unit", Expr::lit("DAYS")));
        p.push(("storage.location.template", self.location_template.clone()));
        p
    }

    /// A query a reader runs first: who did what from where, over one day's partition (the
    /// projection's first day), for one account when the table cannot list them.
    pub fn sample_query(&self, account: &str) -> String {
        let account_filter = match self.accounts {
            AccountProjection::Injected => format!("\n  AND account = '{account}'"),
            AccountProjection::Listed(_) => String::new(),
        };
        format!(
            "SELECT eventtime, eventsource, eventname, useridentity.arn, sourceipaddress, errorcode\n\
             FROM {}.{}\n\
             WHERE log_date = '{}'{account_filter}\n  AND eventname LIKE 'Delete%'\n\
             ORDER BY eventtime\nLIMIT 100",
            self.database.verbatim(),
            self.table.verbatim(),
            self.first_day,
        )
    }
}

fn comma_list(list: &[Expr]) -> Expr {
    let mut parts = Vec::new();
    for (n, e) in list.iter().enumerate() {
        if n > 0 {
            parts.push(Expr::lit(","));
        }
        parts.push(e.clone());
    }
    Expr::join(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn athena(spec: &str) -> Athena {
        let (spec, selectors) = crate::validate::valid(spec);
        let model = crate::model::lower(&spec, selectors);
        model.athena.unwrap_or_else(|| panic!("no athena"))
    }

    const READERS: &str =
        "athena: {readers: ['arn:aws:iam::111122223333:role/R'], since: '2024-01-01'";

    #[test]
    fn an_organization_trail_projects_its_path_and_any_account() {
        let a = athena(&format!(
            "version: 1\ntrail: {{name: org-audit, organization: {{id: o-a1b2c3d4e5}}}}\nbucket: {{prefix: org}}\n{READERS}}}\n"
        ));
        assert_eq!(a.accounts, AccountProjection::Injected);
        assert_eq!(
            a.location_template,
            Expr::join([
                Expr::lit("s3://"),
                Expr::Attr(crate::expr::Res::Bucket, crate::expr::Attr::Name),
                Expr::lit("/org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${log_date}")
            ])
        );
        let params = a.parameters();
        assert!(params.contains(&("projection.account.type", Expr::lit("injected"))));
        assert!(!params
            .iter()
            .any(|(k, _)| *k == "projection.account.values"));
        assert!(a
            .sample_query("111122223333")
            .contains("AND account = '111122223333'"));
    }

    #[test]
    fn regions_follow_the_trail_and_the_partition() {
        let one = athena(&format!(
            "version: 1\ntrail: {{name: abc, home_region: eu-west-1, multi_region: false, global_service_events: false}}\n{READERS}}}\n"
        ));
        assert_eq!(one.regions, vec![Text::new("eu-west-1")]);
        let cn = athena(&format!(
            "version: 1\ntrail: {{name: abc, home_region: cn-north-1}}\n{READERS}}}\n"
        ));
        assert_eq!(
            cn.regions,
            vec![Text::new("cn-north-1"), Text::new("cn-northwest-1")]
        );
        let listed = athena(&format!(
            "version: 1\ntrail: {{name: abc}}\n{READERS}, regions: [us-east-1], accounts: ['222233334444']}}\n"
        ));
        assert_eq!(listed.regions, vec![Text::new("us-east-1")]);
        assert_eq!(
            listed.accounts,
            AccountProjection::Listed(vec![Expr::lit("222233334444")])
        );
    }
}
