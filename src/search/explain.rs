//! What a score is made of, recorded by the code that sums it (tantivy's `Explanation` is
//! the model): a value, what it is, and the parts it was made from.
//!
//! Scoring code sums into a [`Tally`]. While ranking the tally is a plain `f32`, and the
//! descriptions are closures that are never run, so ranking pays nothing for them; for
//! `ask --explain` the same code sums into an [`Explanation`], which keeps every part with
//! the value that was added. The two sums are the same `f32` operations in the same order,
//! so the explained value is the ranked score, bit for bit.

use std::fmt;

/// One value and the parts it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The value: a score, an addend, or a factor (a line saying `×`).
    pub value: f32,
    /// What it is, in words, with the parameter that made it.
    pub what: String,
    /// The parts, in the order they were summed.
    pub details: Vec<Explanation>,
}

impl Explanation {
    /// A value without parts.
    pub fn new(value: f32, what: impl Into<String>) -> Self {
        Self::with_details(value, what, Vec::new())
    }

    /// A value and its parts.
    pub fn with_details(value: f32, what: impl Into<String>, details: Vec<Explanation>) -> Self {
        Self {
            value,
            what: what.into(),
            details,
        }
    }

    /// Writes the tree, `indent` levels of two spaces deep, one line per node.
    fn write(&self, f: &mut fmt::Formatter<'_>, indent: usize) -> fmt::Result {
        writeln!(
            f,
            "{:indent$}{:>7.3}  {}",
            "",
            self.value,
            self.what,
            indent = 2 * indent
        )?;
        self.details.iter().try_for_each(|d| d.write(f, indent + 1))
    }
}

impl fmt::Display for Explanation {
    /// The tree, one node a line (`  2.104  S(u) …`), parts indented under their sum.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

/// A score being summed. `what` and `details` describe a part and are run only by a tally
/// that records ([`Explanation`]), never by the plain `f32`.
pub trait Tally: Sized {
    /// A sum that starts at `value`, its first part.
    fn start(value: f32, what: impl FnOnce() -> String, details: impl FnOnce() -> Parts) -> Self;
    /// Adds `value`, made of `details`.
    fn part(&mut self, value: f32, what: impl FnOnce() -> String, details: impl FnOnce() -> Parts);
    /// Adds `value`.
    #[inline]
    fn add(&mut self, value: f32, what: impl FnOnce() -> String) {
        self.part(value, what, Vec::new);
    }
    /// Multiplies the sum so far by `factor`.
    fn times(&mut self, factor: f32, what: impl FnOnce() -> String);
    /// The sum so far.
    fn value(&self) -> f32;
}

/// The parts of one part.
pub type Parts = Vec<Explanation>;

impl Tally for f32 {
    #[inline]
    fn start(value: f32, _: impl FnOnce() -> String, _: impl FnOnce() -> Parts) -> Self {
        value
    }

    #[inline]
    fn part(&mut self, value: f32, _: impl FnOnce() -> String, _: impl FnOnce() -> Parts) {
        *self += value;
    }

    #[inline]
    fn times(&mut self, factor: f32, _: impl FnOnce() -> String) {
        *self *= factor;
    }

    #[inline]
    fn value(&self) -> f32 {
        *self
    }
}

impl Tally for Explanation {
    fn start(value: f32, what: impl FnOnce() -> String, details: impl FnOnce() -> Parts) -> Self {
        let first = Explanation::with_details(value, what(), details());
        Explanation::with_details(value, "score", vec![first])
    }

    fn part(&mut self, value: f32, what: impl FnOnce() -> String, details: impl FnOnce() -> Parts) {
        self.value += value;
        let what = format!("+ {}", what());
        self.details
            .push(Explanation::with_details(value, what, details()));
    }

    fn times(&mut self, factor: f32, what: impl FnOnce() -> String) {
        self.value *= factor;
        self.details
            .push(Explanation::new(factor, format!("× {}", what())));
    }

    fn value(&self) -> f32 {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum<T: Tally>() -> T {
        let mut t = T::start(0.1, || "first".into(), Vec::new);
        t.add(0.2, || "second".into());
        t.times(0.5, || "halved".into());
        t.add(0.7, || "third".into());
        t
    }

    #[test]
    fn an_explanation_sums_exactly_as_the_plain_score() {
        let plain: f32 = sum();
        let explained: Explanation = sum();
        assert_eq!(explained.value.to_bits(), plain.to_bits());
        let lines: Vec<String> = explained.to_string().lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 5, "{explained}");
        assert!(lines[2].ends_with("+ second") && lines[3].ends_with("× halved"));
    }
}
