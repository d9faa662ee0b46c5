//! Article metadata: the optional `<name>.meta.toml` beside `<name>.txt` (title, date, source,
//! url, example questions), read with serde.

use std::fs;
use std::path::Path;

use serde::Deserialize;

use crate::corpus::error::{Error, Result};

/// Optional facts about an article, read from `<name>.meta.toml` beside `<name>.txt`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    /// Headline shown in answers and `/about`.
    pub title: Option<String>,
    /// Publication or event date, as written (`2025-02-12`).
    pub date: Option<String>,
    /// Who published it (`Example News`).
    pub source: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Example questions `/start` suggests (the first three are shown).
    #[serde(default)]
    pub examples: Vec<String>,
}

impl ArticleMeta {
    /// Parses metadata from TOML text (all fields optional, unknown fields refused).
    ///
    /// Errors: the TOML error, which names the line and column.
    pub fn parse(text: &str) -> std::result::Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// Reads the metadata file at `path`; a missing file is the empty metadata.
    ///
    /// Errors: [`Error::Read`] when it exists but cannot be read, [`Error::Metadata`] (the
    /// TOML error as its source) when it is not valid.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse(&text).map_err(|source| Error::Metadata {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_refused_and_the_error_names_the_line() {
        let meta = ArticleMeta::parse("title = \"T\"\nexamples = [\"Who?\"]\n").unwrap();
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(meta.examples, ["Who?"]);
        let err = ArticleMeta::parse("title = \"T\"\nbogus = 1\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
