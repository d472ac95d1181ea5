//! Label selectors, matched exactly as Kubernetes matches them. The one implementation every
//! rule uses.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::view::LabelSelector;

/// A label set (labels, a Service's selector, `matchLabels`): its pairs sorted by key, packed
/// into one text and one list of offsets. Every object keeps a few of these until the report is
/// done; a pair of `String`s per label took two allocations and 48 bytes of headers each, where
/// most keys (`app.kubernetes.io/name`) are shorter than their bookkeeping.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// Every key and value, in order: key 0, value 0, key 1…
    text: Box<str>,
    /// Where each piece of `text` ends: `ends[2i]` for key `i`, `ends[2i + 1]` for its value.
    ends: Box<[u32]>,
}

impl Labels {
    /// The empty set.
    pub fn new() -> Labels {
        Labels::default()
    }

    /// Piece `i` of the text (a key at even `i`, a value at odd).
    fn piece(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    fn key_at(&self, i: usize) -> &str {
        self.piece(2 * i)
    }

    fn value_at(&self, i: usize) -> &str {
        self.piece(2 * i + 1)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key_at(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.value_at(mid)),
            }
        }
        None
    }

    /// True when `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pairs, by key.
    pub fn iter(&self) -> Pairs<'_> {
        Pairs {
            labels: self,
            next: 0,
        }
    }

    /// The keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.key_at(i))
    }

    /// The values, in key order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.value_at(i))
    }

    /// Sets `key` to `value` (rare: the set is rebuilt).
    pub fn insert(&mut self, key: String, value: String) {
        let pairs: Vec<(String, String)> = self
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain(std::iter::once((key, value)))
            .collect();
        *self = pairs.into_iter().collect();
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    /// True for the empty set.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The set of pairs as written: sorted by key in place, the last of repeated keys kept (as
    /// in a map).
    fn from_written<K: AsRef<str>, V: AsRef<str>>(mut pairs: Vec<(K, V)>) -> Labels {
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        pairs.dedup_by(|later, earlier| later.0.as_ref() == earlier.0.as_ref());
        Labels::pack(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
    }

    /// Packs pairs already sorted by key, without repeated keys.
    fn pack<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Labels {
        let (count, len) = pairs
            .clone()
            .fold((0, 0), |(n, len), (k, v)| (n + 1, len + k.len() + v.len()));
        // Offsets are u32: a label set over 4 GiB is not a manifest anyone can apply.
        if len > u32::MAX as usize {
            return Labels::default();
        }
        let mut text = String::with_capacity(len);
        let mut ends = Vec::with_capacity(2 * count);
        for (k, v) in pairs {
            text.push_str(k);
            ends.push(text.len() as u32);
            text.push_str(v);
            ends.push(text.len() as u32);
        }
        Labels {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

/// The pairs of a [`Labels`], by key.
#[derive(Debug, Clone)]
pub struct Pairs<'a> {
    labels: &'a Labels,
    next: usize,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.labels.len() {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some((self.labels.key_at(i), self.labels.value_at(i)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.labels.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = (&'a str, &'a str);
    type IntoIter = Pairs<'a>;

    fn into_iter(self) -> Pairs<'a> {
        self.iter()
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Labels {
    /// As for owned pairs.
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Labels {
        Labels::from_written(pairs.into_iter().collect())
    }
}

impl std::fmt::Debug for Labels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, String)> for Labels {
    /// Sorted by key; of repeated keys the last wins, as in a map.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Labels {
        Labels::from_written(pairs.into_iter().collect())
    }
}

impl<'de> serde::Deserialize<'de> for Labels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(LabelsVisitor)
    }
}

/// Reads a label map borrowing its texts where the input allows: a map of owned strings cost
/// more than the rest of a view read from the tree.
struct LabelsVisitor;

impl<'de> serde::de::Visitor<'de> for LabelsVisitor {
    type Value = Labels;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a map of strings")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Labels, A::Error> {
        // Sized from the input when it says: a growing list was three allocations a label set.
        let mut pairs: Vec<(Text<'de>, Text<'de>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
        while let Some(pair) = map.next_entry()? {
            pairs.push(pair);
        }
        // Sorted, the last of repeated keys kept: as the map the typed decode fills.
        Ok(Labels::from_written(pairs))
    }
}

/// A string, borrowed from the input when it can be.
struct Text<'de>(std::borrow::Cow<'de, str>);

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(map: BTreeMap<String, String>) -> Labels {
        Labels::pack(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// A set-based requirement operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// One `matchExpressions` term, borrowed from the selector it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement<'a> {
    pub key: &'a str,
    pub operator: Operator,
    pub values: &'a [String],
}

impl Requirement<'_> {
    /// Kubernetes' semantics: `NotIn` and `DoesNotExist` match a missing label.
    pub fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(self.key);
        match self.operator {
            Operator::In => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Operator::NotIn => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

/// What a selector selects. It borrows the object it was read from: rules build one per
/// object they look at, and copying its labels out was most of what those rules allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector<'a> {
    /// Absent selector, a Service without selector, or one the API server would reject.
    Nothing,
    /// Every label set matches: a present but empty `LabelSelector` (`{}`).
    Everything,
    /// All `labels` pairs and all `requirements` must hold.
    Match {
        labels: Cow<'a, Labels>,
        requirements: Vec<Requirement<'a>>,
    },
}

/// Why a `LabelSelector` is not valid for the API server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSelector {
    /// Index of the offending `matchExpressions` term.
    pub expression: usize,
    pub reason: String,
}

impl<'a> Selector<'a> {
    /// A `metav1.LabelSelector`: absent selects nothing, empty selects everything.
    pub fn from_label_selector(
        sel: Option<&'a LabelSelector>,
    ) -> Result<Selector<'a>, InvalidSelector> {
        let Some(sel) = sel else {
            return Ok(Selector::Nothing);
        };
        let mut requirements = Vec::new();
        for (i, e) in sel.match_expressions.iter().flatten().enumerate() {
            let operator = match e.operator.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => {
                    return Err(InvalidSelector {
                        expression: i,
                        reason: format!(
                            "operator `{other}` is not one of In, NotIn, Exists, DoesNotExist"
                        ),
                    })
                }
            };
            let values = e.values.as_deref().unwrap_or_default();
            match operator {
                Operator::In | Operator::NotIn if values.is_empty() => {
                    return Err(InvalidSelector {
                        expression: i,
                        reason: format!("operator `{}` needs at least one value", e.operator),
                    })
                }
                Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                    return Err(InvalidSelector {
                        expression: i,
                        reason: format!("operator `{}` takes no values", e.operator),
                    })
                }
                _ => {}
            }
            requirements.push(Requirement {
                key: &e.key,
                operator,
                values,
            });
        }
        let labels = match &sel.match_labels {
            Some(l) if !l.is_empty() => Cow::Borrowed(l),
            _ if requirements.is_empty() => return Ok(Selector::Everything),
            _ => Cow::Owned(Labels::new()),
        };
        Ok(Selector::Match {
            labels,
            requirements,
        })
    }

    /// A plain map selector (Service, ReplicationController): absent or empty selects nothing.
    pub fn from_map(map: Option<&'a Labels>) -> Selector<'a> {
        match map {
            Some(m) if !m.is_empty() => Selector::Match {
                labels: Cow::Borrowed(m),
                requirements: Vec::new(),
            },
            _ => Selector::Nothing,
        }
    }

    /// True when the labels satisfy the selector.
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::Everything => true,
            Selector::Match {
                labels: want,
                requirements,
            } => {
                want.iter().all(|(k, v)| labels.get(k) == Some(v))
                    && requirements.iter().all(|r| r.matches(labels))
            }
        }
    }

    /// This selector without the terms on keys for which `drop` is true: it matches every label
    /// set the original matches, and more (for labels only known at run time).
    pub fn without_keys(&self, drop: impl Fn(&str) -> bool) -> Selector<'a> {
        match self {
            Selector::Match {
                labels,
                requirements,
            } => {
                let labels: Cow<'a, Labels> = if labels.keys().any(&drop) {
                    Cow::Owned(labels.iter().filter(|(k, _)| !drop(k)).collect())
                } else {
                    labels.clone()
                };
                let requirements: Vec<_> = requirements
                    .iter()
                    .filter(|r| !drop(r.key))
                    .copied()
                    .collect();
                if labels.is_empty() && requirements.is_empty() {
                    Selector::Everything
                } else {
                    Selector::Match {
                        labels,
                        requirements,
                    }
                }
            }
            other => other.clone(),
        }
    }

    /// True when some term of the selector names a key for which `f` is true.
    pub fn mentions(&self, f: impl Fn(&str) -> bool) -> bool {
        match self {
            Selector::Match {
                labels,
                requirements,
            } => labels.keys().any(&f) || requirements.iter().any(|r| f(r.key)),
            _ => false,
        }
    }

    /// A label pair every matching label set must carry, for index lookups.
    pub fn anchor(&self) -> Option<(&str, &str)> {
        match self {
            Selector::Match { labels, .. } => labels.iter().next(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: (!values.is_empty()).then(|| values.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn label_selector(ml: &[(&str, &str)], exprs: Vec<LabelSelectorRequirement>) -> LabelSelector {
        LabelSelector {
            match_labels: (!ml.is_empty()).then(|| labels(ml)),
            match_expressions: (!exprs.is_empty()).then_some(exprs),
        }
    }

    fn sel(ls: &LabelSelector) -> Selector<'_> {
        Selector::from_label_selector(Some(ls)).expect("valid")
    }

    #[test]
    fn absent_selects_nothing_and_empty_selects_everything() {
        assert!(!Selector::from_label_selector(None)
            .unwrap()
            .matches(&labels(&[])));
        let nothing_written = LabelSelector::default();
        let empty = Selector::from_label_selector(Some(&nothing_written)).unwrap();
        assert_eq!(empty, Selector::Everything);
        assert!(empty.matches(&labels(&[("a", "b")])));
        assert!(empty.matches(&labels(&[])));
    }

    #[test]
    fn a_label_set_is_sorted_and_keeps_the_last_of_repeated_keys() {
        let mut set: Labels = [("b", "1"), ("a", "2"), ("b", "3")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(set.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(set.get("b"), Some("3"));
        assert!(!set.contains_key("c"));
        set.insert("c".into(), "4".into());
        set.insert("a".into(), "5".into());
        let pairs: Vec<_> = set.iter().collect();
        assert_eq!(pairs.len(), 3);
        assert_eq!(set.get("a"), Some("5"));
        assert_eq!(set.values().collect::<Vec<_>>(), ["5", "3", "4"]);
    }

    #[test]
    fn packed_pairs_keep_empty_and_multibyte_pieces_apart() {
        let set: Labels = [("", "x"), ("é", ""), ("a/b", "ü-1"), ("z", "")]
            .into_iter()
            .collect();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [("", "x"), ("a/b", "ü-1"), ("z", ""), ("é", "")]
        );
        assert_eq!(set.get(""), Some("x"));
        assert_eq!(set.get("é"), Some(""));
        assert_eq!(set.get("z"), Some(""));
        assert_eq!(set.get("a"), None);
        assert_eq!(set.get("zz"), None);
        assert_eq!(set.len(), 4);
        assert_eq!(
            format!("{set:?}"),
            r#"{"": "x", "a/b": "ü-1", "z": "", "é": ""}"#
        );
        assert!(Labels::new().iter().next().is_none());
        assert_eq!(Labels::new().get(""), None);
    }

    #[test]
    fn service_map_empty_or_absent_is_no_selector() {
        assert_eq!(Selector::from_map(None), Selector::Nothing);
        assert_eq!(Selector::from_map(Some(&Labels::new())), Selector::Nothing);
        let app_web = labels(&[("app", "web")]);
        let s = Selector::from_map(Some(&app_web));
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "fe")])));
        assert!(!s.matches(&labels(&[("app", "db")])));
    }

    #[test]
    fn match_labels_is_a_conjunction() {
        let s_ls = label_selector(&[("app", "web"), ("tier", "fe")], vec![]);
        let s = sel(&s_ls);
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "fe"), ("x", "y")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
    }

    #[test]
    fn in_operator() {
        let s_ls = label_selector(&[], vec![expr("env", "In", &["prod", "staging"])]);
        let s = sel(&s_ls);
        assert!(s.matches(&labels(&[("env", "prod")])));
        assert!(!s.matches(&labels(&[("env", "dev")])));
        assert!(!s.matches(&labels(&[])));
    }

    #[test]
    fn not_in_matches_missing_label() {
        let s_ls = label_selector(&[], vec![expr("env", "NotIn", &["prod"])]);
        let s = sel(&s_ls);
        assert!(s.matches(&labels(&[("env", "dev")])));
        assert!(s.matches(&labels(&[])));
        assert!(!s.matches(&labels(&[("env", "prod")])));
    }

    #[test]
    fn exists_and_does_not_exist() {
        let e_ls = label_selector(&[], vec![expr("gpu", "Exists", &[])]);
        let e = sel(&e_ls);
        assert!(e.matches(&labels(&[("gpu", "")])));
        assert!(!e.matches(&labels(&[])));
        let d_ls = label_selector(&[], vec![expr("gpu", "DoesNotExist", &[])]);
        let d = sel(&d_ls);
        assert!(d.matches(&labels(&[])));
        assert!(!d.matches(&labels(&[("gpu", "a100")])));
    }

    #[test]
    fn labels_and_expressions_combine() {
        let s_ls = label_selector(&[("app", "web")], vec![expr("track", "NotIn", &["canary"])]);
        let s = sel(&s_ls);
        assert!(s.matches(&labels(&[("app", "web")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("track", "canary")])));
        assert_eq!(s.anchor(), Some(("app", "web")));
    }

    #[test]
    fn without_keys_is_a_superset() {
        let s_ls = label_selector(
            &[("app", "web"), ("pod-template-hash", "abc")],
            vec![expr("controller-revision-hash", "Exists", &[])],
        );
        let s = sel(&s_ls);
        let relaxed = s.without_keys(|k| k != "app");
        assert!(relaxed.matches(&labels(&[("app", "web")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert!(s.mentions(|k| k == "pod-template-hash"));
        assert_eq!(s.without_keys(|_| true), Selector::Everything);
    }

    #[test]
    fn invalid_operators_and_values_are_rejected() {
        for bad in [
            expr("a", "in", &["x"]),
            expr("a", "In", &[]),
            expr("a", "Exists", &["x"]),
        ] {
            let ls = LabelSelector {
                match_labels: None,
                match_expressions: Some(vec![bad]),
            };
            assert!(Selector::from_label_selector(Some(&ls)).is_err());
        }
    }
}
