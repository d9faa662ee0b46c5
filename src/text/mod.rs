//! Text layer: Unicode normalisation, tokens and the analysis stages, English word lists and the
//! WordNet thesaurus. Uses nothing else of the crate (only std, unicode-*, rust-stemmers,
//! rustc-hash).
pub mod analyze;
pub mod thesaurus;
pub mod words;
