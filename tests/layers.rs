//! The layer boundary: text → corpus → search → engine → chat → app. A module never names a
//! layer to its right, and nothing left of `app` uses a front-end crate.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers, left to right, as folders under `src/`.
const LAYERS: &[&str] = &["text", "corpus", "search", "engine", "chat", "app"];

/// Crates only the front ends (`src/app/`) may use.
const FRONT_END_CRATES: &[&str] = &["teloxide", "clap", "tokio", "reqwest", "redis", "anyhow"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every place in `code` that names `word` as a path's first segment (`word::…`), outside
/// comments. Returns the 1-based line numbers.
fn uses_of(code: &str, word: &str) -> Vec<usize> {
    let needle = format!("{word}::");
    code.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            code.match_indices(&needle).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            })
        })
        .map(|(number, _)| number + 1)
        .collect()
}

/// Every place that names `crate::layer` (or `super::…` reaching it is not checked: layers
/// name each other through `crate::`).
fn crate_uses_of(code: &str, layer: &str) -> Vec<usize> {
    let needle = format!("crate::{layer}");
    code.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            code.match_indices(&needle).any(|(at, _)| {
                let after = code[at + needle.len()..].chars().next();
                !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|(number, _)| number + 1)
        .collect()
}

#[test]
fn no_layer_uses_a_layer_to_its_right_or_a_front_end_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for (position, layer) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        assert!(!files.is_empty(), "src/{layer}/ holds no Rust file");
        for file in files {
            let code = fs::read_to_string(&file).expect("source file");
            let name = file
                .strip_prefix(&src)
                .unwrap_or(&file)
                .display()
                .to_string();
            for right in &LAYERS[position + 1..] {
                for line in crate_uses_of(&code, right) {
                    problems.push(format!("src/{name}:{line} uses crate::{right}"));
                }
            }
            if *layer != "app" {
                for krate in FRONT_END_CRATES {
                    for line in uses_of(&code, krate) {
                        problems.push(format!("src/{name}:{line} uses {krate}"));
                    }
                    if code.contains(&format!("#[{krate}::")) {
                        problems.push(format!("src/{name} uses a {krate} attribute"));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layer boundary broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_rightward_use() {
    assert_eq!(crate_uses_of("use crate::app::config;\n", "app"), vec![1]);
    assert_eq!(
        crate_uses_of("use crate::apple;\n", "app"),
        Vec::<usize>::new()
    );
    assert_eq!(
        uses_of("x\n  teloxide::utils::html::escape(s)", "teloxide"),
        vec![2]
    );
    assert_eq!(
        uses_of("use my_teloxide::x; // teloxide::y", "teloxide"),
        Vec::<usize>::new()
    );
}
