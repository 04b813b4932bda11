//! The Athena table in the graph: the Glue database and table and the workgroup, with what they
//! read and write.
//!
//! Owns only which of these nodes exist and their labels; the edges to the bucket and the key
//! come from the model's expressions. The readers' grants are drawn with the bucket and key
//! policies, as every other principal's are.

use super::{Graph, Kind, Line, Way};
use crate::explain::words::{res_id, Words};
use crate::expr::Res;
use crate::model::Model;

pub(super) fn add(model: &Model, w: &Words, g: &mut Graph) {
    let Some(a) = &model.athena else { return };
    let db = res_id(Res::AthenaDatabase);
    let table = res_id(Res::AthenaTable);
    let wg = res_id(Res::AthenaWorkgroup);
    g.node(
        db,
        format!("Glue database\n{}", a.database.verbatim()),
        Kind::Created,
    );
    g.node(
        table,
        format!("Glue table\n{}", a.table.verbatim()),
        Kind::Created,
    );
    g.node(
        wg,
        format!("Athena workgroup\n{}", a.workgroup.name.verbatim()),
        Kind::Created,
    );
    g.edge(table, db, "in", Line::Reference);
    g.refer(
        w,
        table,
        "reads log files in",
        Way::Forward,
        "S3 bucket",
        &a.location,
    );
    let out = &a.workgroup.output_location;
    g.refer(w, wg, "writes results to", Way::Forward, "S3 bucket", out);
    if let Some(key) = a.workgroup.encryption.key() {
        g.refer(w, wg, "encrypts with", Way::Forward, "KMS key", key);
    }
}
