//! The "Query with Athena" section: the table, what it projects, the workgroup, who reads, what
//! their own IAM policies still need, and a first query over one day's partition.
//!
//! Reads `model::athena`; it must not restate a default the model has not applied, nor describe
//! the policy statements one by one (that is `policies`).

use super::prose::count;
use super::resources::encryption;
use super::words::Words;
use crate::model::athena::AccountProjection;
use crate::model::Model;

pub(super) fn section(model: &Model, w: &Words) -> Vec<String> {
    let Some(a) = &model.athena else {
        return Vec::new();
    };
    let accounts = match &a.accounts {
        AccountProjection::Listed(list) => {
            let names: Vec<String> = list.iter().map(|e| w.expr(e)).collect();
            format!("account ({})", names.join(", "))
        }
        AccountProjection::Injected => {
            "account (any: each query names it, `WHERE account = '…'`)".to_string()
        }
    };
    let regions = match a.regions.as_slice() {
        [one] => format!("region ({})", one.verbatim()),
        many => format!("region ({})", count(many.len(), "region", "regions")),
    };
    let wg = &a.workgroup;
    let key = wg.encryption.key();
    let readers: Vec<String> = a.readers.iter().map(|r| w.expr(r)).collect();
    let results_kept = if wg.expected_bucket_owner.is_some() {
        "the bucket policy lets them read the log files and read and write results, and denies \
         results to anyone else"
    } else {
        "the bucket policy lets them read the log files; the results bucket's own policy decides \
         who reads results"
    };
    let key_grant = match (&model.key, key) {
        (Some(_), Some(_)) => "; the key policy lets them decrypt log files and results through S3",
        (None, Some(_)) => "; the existing key's policy must let them decrypt through S3",
        _ => "",
    };
    let mut lines = vec![
        "Query with Athena".to_string(),
        format!(
            "  table {}.{} over {}, partitions projected by {accounts}, {regions} and day (from {} \
             to today): no crawler, no partition to add",
            a.database.verbatim(),
            a.table.verbatim(),
            w.expr(&a.location),
            a.first_day,
        ),
        format!(
            "  workgroup {}: its settings enforced on every query; results to {}, {}",
            wg.name.verbatim(),
            w.expr(&wg.output_location),
            encryption(key, w, "encrypted with SSE-S3"),
        ),
        format!(
            "  readers {}: {results_kept}{key_grant}",
            readers.join(", ")
        ),
        "  their own IAM policies still need athena:StartQueryExecution and athena:GetQueryResults \
         on the workgroup, and glue:GetDatabase, glue:GetTable and glue:GetPartitions on the \
         table"
            .to_string(),
        "  a first query, over one day's partition:".to_string(),
    ];
    let sample = a.sample_query("111122223333");
    lines.extend(sample.lines().map(|l| format!("    {l}")));
    lines
}
