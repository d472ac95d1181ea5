//! Edit distance for "did you mean" help lines (rule ids, field names, time zones).

/// Optimal string alignment distance by characters: insertions, deletions, substitutions and
/// swaps of two neighbouring characters each cost one. Case-sensitive; lower-case both sides
/// for a case-insensitive comparison.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rolling rows: the one before last (for swaps), the last, and the current.
    let mut before: Vec<usize> = Vec::new();
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let up = last.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let left = row.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            let diag = last.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != cb);
            let mut best = up.min(left).min(diag);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                if let Some(d) = before.get(j - 1) {
                    best = best.min(d + 1);
                }
            }
            row.push(best);
        }
        before = std::mem::replace(&mut last, row);
    }
    last.last().copied().unwrap_or(0)
}

/// The candidate closest to `word` when it is close enough to be a misspelling of it (at most
/// one edit in three characters, and at least one allowed); ties go to the first candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let allowed = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn closest_names() {
        assert_eq!(
            closest("cart", ["orders", "carts", "catalogue"]),
            Some("carts")
        );
        assert_eq!(closest("web", ["db", "api"]), None);
        assert_eq!(closest("web", ["web"]), None);
        assert_eq!(
            closest("front-end", ["frontend", "front-ends"]),
            Some("frontend")
        );
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("contianers", "containers"), 1);
        assert_eq!(edit_distance("replica", "replicas"), 1);
        assert_eq!(edit_distance("bare-pods", "bare-pod"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("Europe/Berlin", "Europe/Berlin"), 0);
        assert_eq!(edit_distance("RestartPolicy", "restartPolicy"), 1);
    }
}
