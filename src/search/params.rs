//! Every scoring constant in one documented struct, [`Params`]: what `eval --set NAME=VALUE`
//! accepts (parsed through serde) and what the README lists, from one declaration.
//!
//! A knob is one line in the `params!` invocation below: its doc line, its name, type and
//! calibrated default. The struct, its `Default`, [`Params::KNOBS`] (name, default, doc) and
//! what `--set` accepts all come from that line.

use serde::{Deserialize, Serialize};

/// One knob of [`Params`], for listings (`--set` errors, the README check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Knob {
    /// Field name, as `--set` takes it.
    pub name: &'static str,
    /// The calibrated default, as written in the source (`"0.3"`).
    pub default: &'static str,
    /// The field's doc comment, lines joined.
    pub doc: &'static str,
}

/// Why `--set NAME=VALUE` was refused.
#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    /// No knob has this name.
    #[error("unknown parameter {name:?}; known: {known}")]
    Unknown {
        /// The name given.
        name: String,
        /// Every knob's name, comma-separated, from [`Params::KNOBS`].
        known: String,
    },
    /// The value is not a number of 0 or more.
    #[error("{name} must be a number of 0 or more, not {value:?}")]
    NotANumber {
        /// The knob.
        name: String,
        /// The value given.
        value: String,
    },
    /// The value is a number the knob's type does not hold (`3.5` for a count).
    #[error("{name} cannot be {value}: {source}")]
    Invalid {
        /// The knob.
        name: String,
        /// The value given.
        value: String,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A count that must be at least 1 was set to 0.
    #[error("{name} must be at least 1")]
    Zero {
        /// The knob.
        name: &'static str,
    },
}

/// Declares [`Params`] from one list of documented `name: type = default` lines.
macro_rules! params {
    ($( $(#[doc = $doc:literal])+ $name:ident : $ty:ty = $default:expr, )+) => {
        /// Tunable scoring parameters; [`Params::default`] holds the values calibrated on the
        /// dev sets (see the README's "How scoring works"). Shares are of a score unless a
        /// field says otherwise; counts are whole numbers.
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Params {
            $( $(#[doc = $doc])+ pub $name: $ty, )+
        }

        impl Default for Params {
            /// The calibrated values.
            fn default() -> Self {
                Self { $( $name: $default, )+ }
            }
        }

        impl Params {
            /// Every knob, in declaration order, with its default and doc.
            pub const KNOBS: &'static [Knob] = &[
                $( Knob {
                    name: stringify!($name),
                    default: stringify!($default),
                    doc: concat!($($doc),+),
                }, )+
            ];
        }
    };
}

params! {
    /// BM25 term-frequency saturation for sentences.
    k1: f32 = 0.3,
    /// BM25 length normalisation for sentences (0 = none, 1 = full).
    b: f32 = 0.75,
    /// BM25 length normalisation for paragraphs.
    paragraph_b: f32 = 0.5,
    /// α: weight of the paragraph score in a sentence's base score.
    paragraph_weight: f32 = 0.5,
    /// β: weight of the neighbouring sentences' scores in a sentence's base score.
    neighbor_weight: f32 = 0.1,
    /// Share of the previous sentence's term scores that a sentence opening with `This`,
    /// `It`, `They`… inherits.
    anaphor_weight: f32 = 0.5,
    /// Factor of a question bigram (two neighbouring content words) found as a bigram.
    bigram_factor: f32 = 0.25,
    /// Factor of a compound's parts (`al-Sharaa` → `sharaa`) beside the whole word.
    compound_factor: f32 = 0.5,
    /// Weight of a capitalised question word the article never mentions (a name), as a
    /// multiple of the rarest term's IDF.
    unknown_name_weight: f32 = 2.0,
    /// Weight of any other question word the article lacks, as a multiple of the rarest
    /// term's IDF.
    unknown_weight: f32 = 1.0,
    /// Similarity (0..=1) of a related match: a derivational ending apart (`syria`/`syrian`).
    related_similarity: f32 = 0.8,
    /// Shortest word, in letters, of a related pair (the shorter of the two).
    related_min_letters: usize = 4,
    /// Similarity (0..=1) of a match through the WordNet thesaurus (derived form or synonym).
    thesaurus_similarity: f32 = 0.3,
    /// Shortest question stem, in characters, that may be matched fuzzily (as a typo).
    fuzzy_min_chars: usize = 5,
    /// From this many characters a fuzzy match may be two edits away; below it, one.
    fuzzy_two_edits_chars: usize = 8,
    /// How many of the best sentences by base score are re-ranked with the features below.
    reranked: usize = 10,
    /// γ: answer-type bonus, as a share of the best sentence score.
    type_bonus: f32 = 0.2,
    /// Share of its score a sentence loses when it lacks what the question asks for.
    type_penalty: f32 = 0.2,
    /// δ: bonus for question terms that stand near each other in the sentence too, as a
    /// share of the pair's smaller IDF.
    proximity_weight: f32 = 0.15,
    /// Most words between two question terms that count as near (positions apart).
    proximity_window: u32 = 3,
    /// Weight of the sentence's own coverage of the question, times the best sentence score.
    coverage_weight: f32 = 0.2,
    /// Bonus for early paragraphs (news puts the essentials first): this share of the best
    /// sentence score, divided by the square root of 1 + the paragraph's index.
    lead_weight: f32 = 0.2,
    /// Share of its final score a sentence the chat has already seen loses in a follow-up
    /// (applied after the semantic fusion; small, as in CoQA the next answer is often in the
    /// same sentence).
    shown_penalty: f32 = 0.03,
    /// A sentence the last answer showed is quoted again after a follow-up's best one only
    /// when it scores at least this share of the best (CoQA every turn, hit@3: news 0.679 →
    /// 0.687, Wikipedia 0.806 → 0.831 against leaving every shown one out; 0.9 repeated
    /// most of the last answer).
    shown_relative: f32 = 0.95,
    /// Bonus, as a share of the best final score, for a follow-up sentence just after the
    /// last answer (applied after the semantic fusion).
    near_bonus: f32 = 0.015,
    /// Most sentences after the last answer's best one that count as near in a follow-up.
    near_after: u32 = 3,
    /// Most sentences before it that count as near …
    near_before: u32 = 1,
    /// … at this share of the bonus.
    near_before_factor: f32 = 0.5,
    /// Most paragraphs apart a follow-up's further sentences stand from its best one …
    near_paragraphs: u32 = 1,
    /// … when there are enough of them; the answer's places left free go to sentences
    /// elsewhere that score at least this share of the best (fused scores sit close
    /// together; CoQA news follow-ups: hit@3 0.657 without them, 0.679 with).
    fill_relative: f32 = 0.85,
    /// Weight factor of the previous question's terms in a follow-up.
    context_factor: f32 = 0.35,
    /// Below this coverage on its own, a question counts as too weak to stand alone (and is
    /// tried as a follow-up) …
    standalone_coverage: f32 = 0.5,
    /// … unless at least this many of its own content words occur in the article: then it
    /// is about something of its own, and earlier questions must not leak into it (even
    /// when it has a pronoun: in "Is Syria willing to let Russia keep its bases?" `its` is
    /// Russia's).
    standalone_words: usize = 2,
    /// Smallest coverage (0..=1) at which the article answers; below it the engine abstains.
    threshold: f32 = 0.3,
    /// A question asking when is refused below this coverage (0..=1) when no sentence found
    /// holds a date: weak keyword evidence and no answer of the kind asked for ("When was
    /// Putin born?" about an article that names him but gives no birth date; SQuAD: 3 of its
    /// unanswerable questions refused, 1 answerable one lost).
    dated_coverage: f32 = 0.5,
    /// Most sentences returned.
    max_sentences: usize = 3,
    /// A sentence after the first is returned only when its score is at least this share
    /// of the first's (a reader sees all three, so weaker ones still help; junk far below
    /// the best stays out).
    min_relative: f32 = 0.2,
    /// Semantic stage: share of the fused score that comes from the cosine of the question's
    /// and the sentence's embeddings (the rest from the keyword score over the best one).
    semantic_weight: f32 = 0.85,
    /// Semantic stage: share of a sentence's similarity that comes from its window (the
    /// sentence with its neighbours in the paragraph) rather than from the sentence alone.
    window_weight: f32 = 0.5,
    /// Semantic stage: sentences with the best cosine added to the keyword candidates.
    semantic_candidates: usize = 10,
    /// Semantic stage: a question whose words the article has, but too few of them (coverage
    /// below `threshold`), is answered when the best cosine stands at least this far above
    /// the article's mean cosine.
    semantic_margin: f32 = 0.05,
    /// Semantic stage: the same for a question none of whose words the article has (another
    /// language, or a paraphrase in other words): its best cosine must stand this far above
    /// the mean.
    semantic_margin_unmatched: f32 = 0.035,
    /// Semantic stage: a question is not read by meaning when at least this share (0..=1) of
    /// its words hold a character the model's vocabulary has no token for (a script it was
    /// not given, such as Hebrew): its vector would mean nothing.
    unknown_script_share: f32 = 0.5,
    /// Semantic stage: a question in another script that names someone or something (a
    /// capitalised Cyrillic word after the first, "Богданов", "Тартусе") is read by meaning
    /// alone, so each sentence holding the name written in Latin letters (`Bogdanov`,
    /// `Tartus`, matched as the keyword stage matches a typo) gains this much cosine,
    /// times the match's similarity and the name's IDF over the article's largest.
    transliterated_name_bonus: f32 = 0.02,
    /// Semantic stage: a question every found word of which is a name, asking what the
    /// article never mentions ("How tall is Putin?": `Query::asks_the_unsaid_about_a_name`),
    /// is answered only when its best cosine stands at least this far above the article's
    /// mean (fit on every set together: at 0.06, 21 of the 35 in `tests/data/article/
    /// unsaid.jsonl` refused instead of 12, the other article sets unchanged, SQuAD 2 more
    /// unanswerable refused, CoQA 14 of 2,454 turns lost and 1 gained; 0.07 refused 3 more
    /// and lost about 7 more turns).
    unsaid_margin: f32 = 0.06,
    /// How well a question must match a FAQ rule (0..=1) when the rule sets no threshold.
    faq_threshold: f32 = 0.7,
    /// Two FAQ rules whose scores for a question differ by less than this are a near-tie.
    faq_near_tie: f32 = 0.05,
}

impl Params {
    /// Sets the knob `name` from text (`"k1"`, `"0.9"`), as `eval --set` does: the value is
    /// read as a JSON number and deserialized into the field, so a count takes only whole
    /// numbers.
    ///
    /// Errors: [`ParamError::Unknown`] (listing every knob), [`ParamError::NotANumber`] for
    /// text or a negative number, [`ParamError::Invalid`] for a number the field cannot
    /// hold, [`ParamError::Zero`] for a count that must stay 1 or more.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ParamError> {
        if !Self::KNOBS.iter().any(|k| k.name == name) {
            let known: Vec<&str> = Self::KNOBS.iter().map(|k| k.name).collect();
            return Err(ParamError::Unknown {
                name: name.to_string(),
                known: known.join(", "),
            });
        }
        let not_a_number = || ParamError::NotANumber {
            name: name.to_string(),
            value: value.to_string(),
        };
        let number = match serde_json::from_str::<serde_json::Value>(value.trim()) {
            Ok(serde_json::Value::Number(n)) if n.as_f64().is_some_and(|x| x >= 0.0) => n,
            _ => return Err(not_a_number()),
        };
        let invalid = |source| ParamError::Invalid {
            name: name.to_string(),
            value: value.to_string(),
            source,
        };
        let mut all = serde_json::to_value(*self).map_err(invalid)?;
        all[name] = serde_json::Value::Number(number);
        let set: Params = serde_json::from_value(all).map_err(invalid)?;
        set.check()?;
        *self = set;
        Ok(())
    }

    /// Counts that must stay at least 1 (no sentence returned, none re-ranked).
    fn check(&self) -> Result<(), ParamError> {
        let counts = [
            ("max_sentences", self.max_sentences),
            ("reranked", self.reranked),
        ];
        match counts.into_iter().find(|&(_, n)| n == 0) {
            Some((name, _)) => Err(ParamError::Zero { name }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_parses_through_serde_and_checks_the_value() {
        let mut params = Params::default();
        params.set("k1", "0.9").unwrap();
        params.set("max_sentences", "2").unwrap();
        assert_eq!((params.k1, params.max_sentences), (0.9, 2));
        let cases = [
            ("k1", "fast", "must be a number"),
            ("k1", "-1", "must be a number"),
            ("max_sentences", "2.5", "cannot be"),
            ("max_sentences", "0", "at least 1"),
            (
                "k2",
                "1",
                "unknown parameter \"k2\"; known: k1, b, paragraph_b",
            ),
        ];
        for (name, value, error) in cases {
            let got = params.set(name, value).unwrap_err().to_string();
            assert!(got.contains(error), "{name}={value}: {got}");
        }
        assert_eq!(
            (params.k1, params.max_sentences),
            (0.9, 2),
            "errors change nothing"
        );
    }

    #[test]
    fn every_field_is_a_knob() {
        let fields = serde_json::to_value(Params::default()).unwrap();
        let fields: Vec<&String> = fields.as_object().unwrap().keys().collect();
        let knobs: Vec<&str> = Params::KNOBS.iter().map(|k| k.name).collect();
        assert_eq!(fields, knobs);
        assert!(Params::KNOBS.iter().all(|k| !k.doc.trim().is_empty()));
    }

    #[test]
    fn the_readme_lists_every_knob() {
        let readme = include_str!("../../README.md");
        let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        let start = readme
            .find("`--set NAME=VALUE` overrides a scoring parameter for the run; the names are")
            .expect("the README's --set paragraph");
        let list = &readme[start..];
        let list = &list[list.find("names are").unwrap()..list.find("`.").unwrap() + 1];
        let listed: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
        let knobs: Vec<&str> = Params::KNOBS.iter().map(|k| k.name).collect();
        assert_eq!(listed, knobs, "README --set names");
    }
}
