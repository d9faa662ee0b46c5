//! The `.env` settings file: where it is found (`--env-file FILE`, else `.env` in the working
//! folder or the nearest folder above it) and its variables, read with dotenvy without
//! touching the process environment, so that a setting can say which file it came from and a
//! relative path in the file is read against the file's folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The name of the settings file looked for in the working folder and the folders above it.
pub const ENV_FILE_NAME: &str = ".env";

/// A `.env` file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    /// Where it is, absolute when the working folder is known.
    pub path: PathBuf,
    /// Its variables; a name given twice keeps its first value, as dotenvy does.
    vars: HashMap<String, String>,
}

/// Why a `.env` file could not be read. The messages never hold a value from the file (a
/// line that cannot be parsed may hold the bot token).
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    /// The file could not be opened or read (with `--env-file`, it must exist).
    #[error("cannot read env file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A line is not `NAME=VALUE`.
    #[error(
        "cannot read env file {}:{} is not NAME=VALUE (quote a value that has spaces or quotes)",
        path.display(),
        where_in_file(*line, name.as_deref())
    )]
    Line {
        /// The file.
        path: PathBuf,
        /// The line's 1-based number, when it could be found.
        line: Option<usize>,
        /// The variable the line sets, when it names one.
        name: Option<String>,
    },
}

/// ` line 3 (TELOXIDE_TOKEN)`, or as much of it as is known.
fn where_in_file(line: Option<usize>, name: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(line) = line {
        text.push_str(&format!(" line {line}"));
    }
    if let Some(name) = name {
        text.push_str(&format!(" ({name})"));
    }
    text
}

impl EnvFile {
    /// The settings file to use: `named` (from `--env-file`; it must exist), else `.env` in
    /// `cwd` or the nearest folder above it that has one; `None` when there is none.
    ///
    /// Errors: [`EnvFileError`] when the file cannot be read or has a line that is not
    /// `NAME=VALUE`.
    pub fn find(named: Option<&Path>, cwd: Option<&Path>) -> Result<Option<Self>, EnvFileError> {
        if let Some(path) = named {
            let path = match cwd {
                Some(cwd) => cwd.join(path),
                None => path.to_path_buf(),
            };
            return Self::read(&path).map(Some);
        }
        let Some(cwd) = cwd else {
            return Ok(None);
        };
        match cwd
            .ancestors()
            .map(|dir| dir.join(ENV_FILE_NAME))
            .find(|p| p.is_file())
        {
            Some(path) => Self::read(&path).map(Some),
            None => Ok(None),
        }
    }

    /// Reads the variables of the file at `path`.
    ///
    /// Errors: as [`EnvFile::find`].
    pub fn read(path: &Path) -> Result<Self, EnvFileError> {
        let read_error = |source| EnvFileError::Read {
            path: path.to_path_buf(),
            source,
        };
        let entries = dotenvy::from_path_iter(path).map_err(|e| match e {
            dotenvy::Error::Io(source) => read_error(source),
            other => line_error(path, &other),
        })?;
        let mut vars = HashMap::new();
        for entry in entries {
            let (name, value) = entry.map_err(|e| match e {
                dotenvy::Error::Io(source) => read_error(source),
                other => line_error(path, &other),
            })?;
            vars.entry(name).or_insert(value);
        }
        Ok(Self {
            path: path.to_path_buf(),
            vars,
        })
    }

    /// A variable's value in the file, when it sets it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The folder the file is in, which its relative paths are read against.
    pub fn folder(&self) -> &Path {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        }
    }
}

/// The error for a line dotenvy could not parse: its number and variable, found again in the
/// file's text, never its text.
fn line_error(path: &Path, error: &dotenvy::Error) -> EnvFileError {
    let (line, name) = match error {
        dotenvy::Error::LineParse(bad, _) => {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let found = text
                .lines()
                .enumerate()
                .find(|(_, l)| !l.trim().is_empty() && l.contains(bad.trim()));
            let name = found
                .and_then(|(_, l)| l.split_once('='))
                .map(|(name, _)| name.trim().trim_start_matches("export ").trim())
                .filter(|name| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .map(str::to_string);
            (found.map(|(n, _)| n + 1), name)
        }
        _ => (None, None),
    };
    EnvFileError::Line {
        path: path.to_path_buf(),
        line,
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_env_file_above_the_working_folder_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join(".env"), "X=outer\n").unwrap();
        std::fs::write(dir.path().join("a/.env"), "X=inner\nX=second\n").unwrap();
        let found = EnvFile::find(None, Some(&sub)).unwrap().unwrap();
        assert_eq!(found.path, dir.path().join("a/.env"));
        assert_eq!(found.get("X"), Some("inner"));
        assert_eq!(found.folder(), dir.path().join("a"));
        let named = EnvFile::find(Some(Path::new("../.env")), Some(&dir.path().join("a")));
        assert_eq!(named.unwrap().unwrap().get("X"), Some("outer"));
        assert!(EnvFile::find(Some(Path::new("missing.env")), Some(dir.path())).is_err());
    }

    #[test]
    fn a_bad_line_is_reported_by_number_and_name_without_its_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.env");
        std::fs::write(&path, "A=1\nTELOXIDE_TOKEN=12:secret value\n").unwrap();
        let error = EnvFile::read(&path).unwrap_err().to_string();
        assert!(error.ends_with(
            "bad.env: line 2 (TELOXIDE_TOKEN) is not NAME=VALUE (quote a value that has spaces or quotes)"
        ), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }
}
