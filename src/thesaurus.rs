//! Word relations from WordNet 3.0 (derived forms and first-sense synonyms), looked up by
//! stem, so a question's `defend` can find an article's `defence` and `talk` its `speak`.
//!
//! The table, `src/thesaurus.tsv`, is built by `tools/build_thesaurus.py` and compiled into
//! the binary; its licence is in `src/thesaurus.LICENSE`. Each line is
//! `stem<TAB>derived,stems<TAB>synonym,stems`, sorted by stem. Looking a stem up is a binary
//! search over the lines (the line index is built on first use, in well under a millisecond).

use std::sync::OnceLock;

const TABLE: &str = include_str!("thesaurus.tsv");

/// How two stems are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// One word is derived from the other (`defend`/`defence`).
    Derived,
    /// The words share their most frequent sense (`talk`/`speak`).
    Synonym,
}

impl Relation {
    /// Similarity (0..=1) that scales the weight of a match through this relation.
    pub fn similarity(self) -> f32 {
        match self {
            Relation::Derived => 0.3,
            Relation::Synonym => 0.3,
        }
    }
}

/// Byte offsets of the table's line starts.
fn lines() -> &'static [u32] {
    static LINES: OnceLock<Vec<u32>> = OnceLock::new();
    LINES.get_or_init(|| {
        std::iter::once(0)
            .chain(TABLE.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .filter(|&start| (start as usize) < TABLE.len())
            .collect()
    })
}

fn line(start: u32) -> &'static str {
    let rest = &TABLE[start as usize..];
    rest.split('\n').next().unwrap_or_default()
}

/// The stems related to `stem`, derived forms first. Empty for an unknown stem.
pub fn related(stem: &str) -> impl Iterator<Item = (&'static str, Relation)> {
    let lines = lines();
    let found = lines
        .binary_search_by(|&start| line(start).split('\t').next().unwrap_or_default().cmp(stem))
        .ok()
        .map(|i| line(lines[i]));
    let mut fields = found.unwrap_or_default().split('\t').skip(1);
    let derived = fields.next().unwrap_or_default();
    let synonyms = fields.next().unwrap_or_default();
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
    fn table_is_sorted_for_binary_search() {
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
