//! Search layer: every scoring constant ([`params`]), the term index ([`index`]) and its form
//! index ([`forms`]), how question words match index terms ([`matcher`]), questions as queries
//! ([`query`]), the overlap scorer shared with FAQ rules ([`overlap`]), the corpus's sentences
//! as units ([`article_index`]), the first-stage ranking ([`rank`]), the re-ranking
//! ([`rerank`]) and the record of what a score is made of ([`explain`]). May use
//! [`crate::text`] and [`crate::corpus`]; nothing to its right.
pub mod article_index;
pub mod explain;
pub mod forms;
pub mod index;
pub mod matcher;
pub mod overlap;
pub mod params;
pub mod query;
pub mod rank;
pub mod rerank;
pub mod semantic;
