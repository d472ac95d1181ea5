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

#[cfg(test)]
mod tests {
    use super::edit_distance;

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
