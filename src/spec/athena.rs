//! The `athena` section: an Amazon Athena table over the trail's log files, as the user means it.
//!
//! Owns the shape: the Glue database and table names, the workgroup, who reads, where query
//! results go and which days, regions and accounts the table projects. AWS rules on names and the
//! results location are `validate::athena`; defaults and resources are resolved by `model::athena`.

use schemars::JsonSchema;
use serde::Deserialize;

/// Query the trail's log files with Amazon Athena ("Querying AWS CloudTrail logs", Athena User
/// Guide): a Glue database and table with partition projection over the bucket's layout, a
/// workgroup whose results are encrypted and readable only by `readers`, and the grants they need
/// to read and decrypt the log files. Needs the bucket trailsmith creates.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Athena {
    /// Glue database name: lowercase letters, digits and `_`, at most 255 (default
    /// `cloudtrail_<trail name>` with `-` and `.` as `_`).
    #[serde(default)]
    pub database: Option<String>,
    /// Glue table name, as the database's (default `cloudtrail_logs`).
    #[serde(default)]
    pub table: Option<String>,
    /// Athena workgroup name: 1 to 128 letters, digits, `.`, `_`, `-` (default
    /// `<trail name>-athena`). Its settings are enforced on every query run in it.
    #[serde(default)]
    pub workgroup: Option<String>,
    /// IAM role or user ARNs that run queries: the bucket policy lets them read the log files
    /// and read and write the results, and the key policy lets them decrypt both; no one else may
    /// read the results. Their own IAM policies still need Athena and Glue permissions.
    #[schemars(length(min = 1))]
    pub readers: Vec<String>,
    /// Where query results go (default: `athena-results/` in the trail's bucket).
    #[serde(default)]
    pub results: Option<AthenaResults>,
    /// The first day the table projects (`YYYY-MM-DD`, UTC): partitions run from it to today.
    pub since: String,
    /// Regions the table projects (default: the home region for a single-region trail, every
    /// region of the home region's partition for a multi-region trail).
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// Accounts the table projects (default: the trail's account and `bucket.writer_accounts`;
    /// for an organization trail, any account, named in each query's `WHERE account = '…'`).
    #[serde(default)]
    #[schemars(inner(pattern(super::patterns::ACCOUNT_ID)))]
    pub accounts: Option<Vec<String>>,
}

/// Where Athena writes query results.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AthenaResults")]
pub struct AthenaResults {
    /// A bucket of your own for results (its policy is managed elsewhere); default: the trail's
    /// bucket, whose policy trailsmith writes.
    #[serde(default)]
    pub bucket: Option<String>,
    /// Key prefix of results, without leading or trailing `/` (default `athena-results`); never
    /// under the trail's `AWSLogs/`.
    #[serde(default)]
    pub prefix: Option<String>,
}
