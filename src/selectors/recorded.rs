//! What the planned selectors record: `Recorded` and `Selectors::recorded`.
//!
//! It must not read the spec's words: only the plan says what the trail will deliver.

use super::{Field, Op, Selectors};
use crate::expr::Expr;

/// What a trail records, read off its planned selectors rather than the spec's words: raw
/// advanced selectors can record management events under `management: none`, and rules,
/// warnings and `explain` must all judge what the trail will really deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recorded {
    pub management_reads: bool,
    pub management_writes: bool,
    pub data: bool,
    pub network_activity: bool,
}

impl Recorded {
    pub fn management(self) -> bool {
        self.management_reads || self.management_writes
    }

    pub fn anything(self) -> bool {
        self.management() || self.data || self.network_activity
    }
}

/// Which of reads and writes a `readOnly` field lets through: (reads, writes).
fn reads_and_writes(fields: &[Field]) -> (bool, bool) {
    let (mut reads, mut writes) = (true, true);
    for f in fields.iter().filter(|f| f.field == "readOnly") {
        for (op, values) in &f.conditions {
            let has = |v: &str| values.contains(&Expr::lit(v));
            match op {
                Op::Equals => {
                    reads &= has("true");
                    writes &= has("false");
                }
                Op::NotEquals => {
                    reads &= !has("true");
                    writes &= !has("false");
                }
                // Prefix and suffix tests of "true"/"false" are not worth guessing at: assume both.
                _ => {}
            }
        }
    }
    (reads, writes)
}

impl Selectors {
    pub fn recorded(&self) -> Recorded {
        let mut r = Recorded::default();
        match self {
            Selectors::Basic(list) => {
                for s in list {
                    if s.include_management_events {
                        r.management_reads |= s.read_write != "WriteOnly";
                        r.management_writes |= s.read_write != "ReadOnly";
                    }
                    r.data |= !s.data_resources.is_empty();
                }
            }
            Selectors::Advanced(list) => {
                for a in list {
                    let categories: Vec<&Expr> = a
                        .fields
                        .iter()
                        .filter(|f| f.field == "eventCategory")
                        .flat_map(|f| &f.conditions)
                        .filter(|(op, _)| *op == Op::Equals)
                        .flat_map(|(_, values)| values)
                        .collect();
                    let is = |c: &str| categories.contains(&&Expr::lit(c));
                    if is("Management") {
                        let (reads, writes) = reads_and_writes(&a.fields);
                        r.management_reads |= reads;
                        r.management_writes |= writes;
                    }
                    r.data |= is("Data");
                    r.network_activity |= is("NetworkActivity");
                }
            }
        }
        r
    }
}
