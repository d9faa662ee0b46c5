//! The unanswered-question log: questions the bot abstained on, appended as JSON Lines
//! (`{"time": "2026-11-29T09:00:00Z", "question": "…"}`, nothing else: no user, chat or
//! name), and grouped by wording for `article-qa faq unanswered`.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::app::error::{Error, Result};
use crate::text::analyze::Analyzer;

/// Longest question stored, in characters; longer ones are cut.
pub const MAX_LOGGED_CHARS: usize = 1000;
/// Two questions whose content-word sets overlap at least this much (Jaccard) are grouped.
const SAME_WORDING: f64 = 0.5;

/// An open log file, appended to by every abstention.
#[derive(Debug)]
pub struct UnansweredLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl UnansweredLog {
    /// Opens (or creates) the log for appending.
    ///
    /// Errors: [`Error::Write`] when the file cannot be opened for appending.
    pub fn open(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one question with the current time (UTC, whole seconds).
    pub fn record(&self, question: &str) -> std::io::Result<()> {
        let question: String = question.trim().chars().take(MAX_LOGGED_CHARS).collect();
        if question.is_empty() {
            return Ok(());
        }
        let time = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let line = serde_json::json!({"time": time, "question": question});
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("log lock poisoned"))?;
        writeln!(file, "{line}")
    }
}

/// Questions of similar wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// How many logged questions it holds.
    pub count: usize,
    /// The first question of the group, as asked.
    pub example: String,
    /// Other distinct wordings, in order of first appearance.
    pub variants: Vec<String>,
    /// Its content stems, for grouping.
    key: BTreeSet<String>,
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>4}×  {}", self.count, self.example)?;
        if !self.variants.is_empty() {
            let shown: Vec<&str> = self.variants.iter().take(3).map(String::as_str).collect();
            write!(f, "  (also: {}", shown.join(" | "))?;
            if self.variants.len() > 3 {
                write!(f, " | +{} more", self.variants.len() - 3)?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// A log's questions, grouped.
#[derive(Debug, Default)]
pub struct Grouped {
    /// Groups of similar wording, most frequent first, ties by first appearance.
    pub groups: Vec<Group>,
    /// Non-empty lines that are not log entries (`{"time", "question"}`), skipped.
    pub skipped: usize,
}

/// Reads a log and groups its questions by similar wording (shared content words). Lines that
/// are not log entries are skipped and counted.
///
/// Errors: [`Error::Read`] when the file cannot be read.
pub fn groups(path: &Path, analyzer: &Analyzer) -> Result<Grouped> {
    let file = File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut groups: Vec<Group> = Vec::new();
    let mut skipped = 0;
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let line = String::from_utf8_lossy(&line);
        if line.trim().is_empty() {
            continue;
        }
        let entry = serde_json::from_str::<serde_json::Value>(&line).unwrap_or_default();
        let Some(question) = entry["question"].as_str() else {
            skipped += 1;
            continue;
        };
        let key: BTreeSet<String> = analyzer
            .analyze(question)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem)
            .collect();
        let close = groups
            .iter_mut()
            .max_by(|a, b| jaccard(&a.key, &key).total_cmp(&jaccard(&b.key, &key)));
        match close {
            Some(group) if jaccard(&group.key, &key) >= SAME_WORDING => {
                group.count += 1;
                let same = |other: &str| wording(other) == wording(question);
                let known = same(&group.example) || group.variants.iter().any(|v| same(v));
                if !known {
                    group.variants.push(question.to_string());
                }
            }
            _ => groups.push(Group {
                count: 1,
                example: question.to_string(),
                variants: Vec::new(),
                key,
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    Ok(Grouped { groups, skipped })
}

/// A question's wording for spotting repeats: lower case, without trailing punctuation.
fn wording(question: &str) -> String {
    question
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .to_lowercase()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_holds_only_time_and_question_and_groups_similar_wordings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unanswered.jsonl");
        let log = UnansweredLog::open(&path).unwrap();
        for q in [
            "Where is the Russian embassy?",
            "What is the capital of France?",
            "where is the russian embassy",
            "Russian embassy where?",
            "  ",
        ] {
            log.record(q).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let entry: serde_json::Value = serde_json::from_str(line).unwrap();
            let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["time", "question"]);
            assert!(entry["time"].as_str().unwrap().ends_with('Z'));
        }
        assert_eq!(text.lines().count(), 4, "blank questions are not logged");
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut file, b"not json\n\n{\"other\": 1}\n").unwrap();
        let Grouped { groups, skipped } = groups(&path, &Analyzer::new()).unwrap();
        assert_eq!(skipped, 2, "lines that are not entries are counted");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].example, "Where is the Russian embassy?");
        assert_eq!(groups[0].variants, vec!["Russian embassy where?"]);
        assert!(groups[0].to_string().contains("3×"));
    }
}
