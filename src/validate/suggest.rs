//! "Did you mean": the closest of a few known words to one the user wrote.
//!
//! Owns the distance and the threshold; callers give the candidates. `-` and `_` count as the same
//! character and case is ignored, since `multi-region` for `multi_region` or `ReadOnly` for
//! `read_only` are the slips users make. `near_miss` is the stricter question `known` asks of
//! values AWS lists (regions, resource types): one edit from a listed value, and not that value.

/// The candidate nearest to `word`, if it is near enough to be what was meant: at most one edit
/// for short words, one per three characters for longer ones. Ties go to the earlier candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = fold(word);
    let limit = (word.len() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        // The distance is at least the difference in length: skip the full computation, which
        // a 60 kB value against each candidate would make slow.
        if candidate.chars().count().abs_diff(word.len()) > limit {
            continue;
        }
        let distance = edit_distance(&word, &fold(candidate));
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` for a hint, or nothing.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The listed value `word` is one edit away from (an insertion, a deletion, a substitution, or a
/// swap of two neighbouring characters; case and `-`/`_` count as above), when `word` is not
/// itself listed: `AWS::Lamda::Function` for `AWS::Lambda::Function`, `eu-wset-1` for
/// `eu-west-1`. The nearest wins, ties go to the earlier candidate.
pub fn near_miss<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if candidates.contains(&word) {
        return None;
    }
    let folded = fold(word);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(folded.len()) > 1 {
            continue;
        }
        let distance = edit_distance(&folded, &fold(candidate));
        if distance <= 1 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn fold(word: &str) -> Vec<char> {
    word.chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each count one.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [&str; 4] = ["name", "multi_region", "log_file_validation", "logging"];

    #[test]
    fn finds_the_slips_users_make() {
        assert_eq!(closest("nmae", FIELDS), Some("name"));
        assert_eq!(closest("multi-region", FIELDS), Some("multi_region"));
        assert_eq!(closest("Multi_Regoin", FIELDS), Some("multi_region"));
        assert_eq!(
            closest("log_file_validaton", FIELDS),
            Some("log_file_validation")
        );
        assert_eq!(
            closest("ReadOnly", ["all", "read_only", "write_only"]),
            Some("read_only")
        );
    }

    #[test]
    fn says_nothing_when_nothing_is_close() {
        assert_eq!(closest("bucket", FIELDS), None);
        assert_eq!(closest("x", ["ab"]), None);
        assert_eq!(closest("", FIELDS), None);
        assert_eq!(closest("name", []), None);
    }

    #[test]
    fn the_nearest_wins_and_ties_keep_candidate_order() {
        assert_eq!(closest("logs", ["logging", "logs_"]), Some("logs_"));
        assert_eq!(closest("ab", ["ac", "ad"]), Some("ac"));
    }

    const TYPES: [&str; 3] = [
        "AWS::Lambda::Function",
        "AWS::S3::Object",
        "AWS::DynamoDB::Table",
    ];

    #[test]
    fn a_near_miss_is_one_edit_from_a_listed_value() {
        let miss = |w: &str| near_miss(w, &TYPES);
        // A deletion, an insertion, a substitution and a swap of neighbours.
        assert_eq!(miss("AWS::Lamda::Function"), Some("AWS::Lambda::Function"));
        assert_eq!(miss("AWS::S3::Objects"), Some("AWS::S3::Object"));
        assert_eq!(miss("AWS::S4::Object"), Some("AWS::S3::Object"));
        assert_eq!(miss("AWS::Lmabda::Function"), Some("AWS::Lambda::Function"));
        // Case alone is a slip too: CloudTrail compares types exactly.
        assert_eq!(miss("AWS::DynamoDb::Table"), Some("AWS::DynamoDB::Table"));
        let regions = ["eu-west-1", "eu-west-2", "us-east-1"];
        assert_eq!(near_miss("eu-wset-1", &regions), Some("eu-west-1"));
    }

    #[test]
    fn a_listed_value_or_one_two_edits_away_is_no_near_miss() {
        assert_eq!(near_miss("AWS::Lambda::Function", &TYPES), None);
        // Two edits (a swap and a deletion): a new value, left to the unknown-value warning.
        assert_eq!(near_miss("AWS::Lmabda::Functon", &TYPES), None);
        assert_eq!(near_miss("AWS::Lamb::Function", &TYPES), None);
        assert_eq!(near_miss("AWS::Bedrock::Agent", &TYPES), None);
        // The nearest wins: distance 0 after folding beats a one-edit neighbour.
        assert_eq!(
            near_miss("EU-WEST-2", &["eu-west-1", "eu-west-2"]),
            Some("eu-west-2")
        );
    }

    #[test]
    fn distance_counts_swaps_as_one() {
        let d = |a: &str, b: &str| edit_distance(&fold(a), &fold(b));
        assert_eq!(d("abcd", "abdc"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "abc"), 3);
    }
}
