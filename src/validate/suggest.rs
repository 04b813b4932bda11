//! "Did you mean": the closest of a few known words to one the user wrote.
//!
//! Owns the distance and the threshold; callers give the candidates. `-` and `_` count as the same
//! character and case is ignored, since `multi-region` for `multi_region` or `ReadOnly` for
//! `read_only` are the slips users make.

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

    #[test]
    fn distance_counts_swaps_as_one() {
        let d = |a: &str, b: &str| edit_distance(&fold(a), &fold(b));
        assert_eq!(d("abcd", "abdc"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "abc"), 3);
    }
}
