//! Search layer: the term index and matcher, questions as queries, the overlap scorer and the
//! ranking of sentences. May use [`crate::text`] and [`crate::corpus`]; nothing to its right.
pub mod index;
pub mod query;
pub mod rank;
