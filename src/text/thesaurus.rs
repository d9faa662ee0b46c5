//! Word relations from WordNet 3.0 (derived forms and first-sense synonyms), looked up by
//! stem, so a question's `defend` can find an article's `defence` and `talk` its `speak`.
//!
//! The table, `src/text/thesaurus.tsv`, is built by `tools/build_thesaurus.py` and compiled into
//! the binary; its licence is in `src/text/thesaurus.LICENSE`. Each line is
//! `stem<TAB>derived,stems<TAB>synonym,stems`, sorted by stem (so duplicates show). Looking a stem
//! up is a hash-map look-up; the map is built on first use, in about a millisecond. How much
//! a relation counts in scoring is the search layer's `Params::thesaurus_similarity`.
//!
//! `src/text/verbs.txt` (same tool, `--verbs`, same licence) lists the stems WordNet's
//! sense-tagged corpus uses mostly as verbs, for [`is_mostly_verb`].

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

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

/// Stems more than half of whose tagged senses in WordNet are verbs' (`take`, `happen`), one
/// a line, sorted.
const VERBS: &str = include_str!("verbs.txt");

/// True when the word of `stem` is mostly used as a verb (`take`, `happen`, `fight`; not
/// `tall`, `wife`, `school`). Built on first use, like the thesaurus.
pub fn is_mostly_verb(stem: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| VERBS.lines().collect()).contains(stem)
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

    #[test]
    fn verbs_are_told_from_nouns_and_adjectives() {
        for verb in ["take", "happen", "fight", "interven"] {
            assert!(is_mostly_verb(verb), "{verb}");
        }
        for other in ["tall", "wife", "school", "weather", "husband"] {
            assert!(!is_mostly_verb(other), "{other}");
        }
        let stems: Vec<&str> = VERBS.lines().collect();
        assert!(stems.windows(2).all(|w| w[0] < w[1]));
    }
}
