//! Word relations from WordNet 3.0 (derived forms and first-sense synonyms), looked up by
//! stem, so a question's `defend` can find an article's `defence` and `talk` its `speak`.
//!
//! The table, `src/text/thesaurus.tsv`, is built by `tools/build_thesaurus.py` and compiled into
//! the binary; its licence is in `src/text/thesaurus.LICENSE`. Each line is
//! `stem<TAB>derived,stems<TAB>synonym,stems`, sorted by stem (so duplicates show). Looking a stem
//! up is a hash-map look-up; the map is built on first use, in about a millisecond. How much
//! a relation counts in scoring is the search layer's `Params::thesaurus_similarity`.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

const TABLE: &str = include_str!("thesaurus.tsv");

/// How two stems are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// One word is derived from the other (`defend`/`defence`).
    Derived,
    /// The words share their most frequent sense (`talk`/`speak`).
    Synonym,
}

/// The table's lines as stem → rest of the line, built on first use.
fn entries() -> &'static FxHashMap<&'static str, &'static str> {
    static ENTRIES: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        TABLE
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .collect()
    })
}

/// True when `stem` is an everyday English word's (one WordNet's sense-tagged corpus has, with
/// a relation in the table): "show" and "whole" are words, "Erdogan" and "wheer" are not.
pub fn is_everyday_word(stem: &str) -> bool {
    entries().contains_key(stem)
}

/// The stems related to `stem`, derived forms first. Empty for an unknown stem.
pub fn related(stem: &str) -> impl Iterator<Item = (&'static str, Relation)> {
    let rest = entries().get(stem).copied().unwrap_or_default();
    let (derived, synonyms) = rest.split_once('\t').unwrap_or((rest, ""));
    let split = |list: &'static str, relation| {
        list.split(',')
            .filter(|s| !s.is_empty())
            .map(move |s| (s, relation))
    };
    split(derived, Relation::Derived).chain(split(synonyms, Relation::Synonym))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_without_duplicates() {
        let keys: Vec<&str> = TABLE
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn finds_derived_forms_and_synonyms() {
        let defend: Vec<_> = related("defend").collect();
        assert!(
            defend.contains(&("defens", Relation::Derived)),
            "{defend:?}"
        );
        let talk: Vec<_> = related("talk").collect();
        assert!(talk.contains(&("speak", Relation::Synonym)), "{talk:?}");
        assert_eq!(related("qwertyuiop").count(), 0);
        assert_eq!(related("").count(), 0);
    }
}
