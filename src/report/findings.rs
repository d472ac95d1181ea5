//! One list that parallel workers add their findings to, a part at a time.
//!
//! Each worker's part used to be kept as its own vector and the parts joined once the objects
//! were freed: the joined copy was a second array of every finding (13 MB at 100k documents),
//! affordable only after the objects were gone. Added to one list as they are made, the parts'
//! buffers go back to their worker at once, and there is nothing left to join.

use std::sync::{Mutex, PoisonError};

use super::Diagnostic;

/// The findings of a run, in one list; [`Findings::into_ordered`] puts them in the order of
/// their parts, whatever order the workers finished in.
#[derive(Debug, Default)]
pub struct Findings {
    inner: Mutex<Gathered>,
}

#[derive(Debug, Default)]
struct Gathered {
    all: Vec<Diagnostic>,
    /// `(part, start, len)` of each part added, in the order they were added.
    parts: Vec<(usize, usize, usize)>,
}

impl Findings {
    /// Room for about `expected` findings. A large list is mapped by the allocator straight from
    /// the system: the room not yet written costs no memory, and growing it copies nothing.
    pub fn with_capacity(expected: usize) -> Findings {
        Findings {
            inner: Mutex::new(Gathered {
                all: Vec::with_capacity(expected),
                parts: Vec::new(),
            }),
        }
    }

    /// Moves the findings of part number `part` into the list, and frees their buffer.
    pub fn add(&self, part: usize, mut found: Vec<Diagnostic>) {
        // A worker that panicked held the lock mid-append at worst; the panic is the run's
        // outcome, not this list.
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let start = inner.all.len();
        inner.parts.push((part, start, found.len()));
        inner.all.append(&mut found);
    }

    /// Every finding, part by part in ascending part number, each part in the order it was
    /// added: the same list the parts joined in order would make.
    pub fn into_ordered(self) -> Vec<Diagnostic> {
        let Gathered { mut all, mut parts } = self
            .inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        parts.sort_unstable_by_key(|&(part, _, _)| part);
        let mut order = Vec::with_capacity(all.len());
        for (_, start, len) in parts {
            order.extend(start..start + len);
        }
        super::permute(&mut all, order);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::report::Severity;

    fn finding(message: &str) -> Diagnostic {
        Diagnostic::new("r", Severity::Info, Location::default(), message)
    }

    fn messages(list: &[Diagnostic]) -> Vec<&str> {
        list.iter().map(|d| d.message.as_str()).collect()
    }

    #[test]
    fn parts_added_out_of_order_come_out_in_part_order() {
        let findings = Findings::with_capacity(2);
        findings.add(2, vec![finding("c1"), finding("c2")]);
        findings.add(0, vec![finding("a1")]);
        findings.add(3, Vec::new());
        findings.add(1, vec![finding("b1"), finding("b2"), finding("b3")]);
        assert_eq!(
            messages(&findings.into_ordered()),
            ["a1", "b1", "b2", "b3", "c1", "c2"]
        );
    }

    #[test]
    fn parts_added_from_many_threads_come_out_in_part_order() {
        use rayon::prelude::*;
        let findings = Findings::default();
        (0..500usize).into_par_iter().for_each(|part| {
            let found = (0..part % 4).map(|i| finding(&format!("{part}.{i}")));
            findings.add(part, found.collect());
        });
        let expected: Vec<String> = (0..500usize)
            .flat_map(|part| (0..part % 4).map(move |i| format!("{part}.{i}")))
            .collect();
        assert_eq!(messages(&findings.into_ordered()), expected);
    }
}
