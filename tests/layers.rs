//! The layer boundary: text → corpus → embed → search → engine → chat → app. A module never names a
//! layer to its right, and nothing left of `app` uses a front-end crate.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers, left to right, as folders under `src/`.
const LAYERS: &[&str] = &["text", "corpus", "embed", "search", "engine", "chat", "app"];

/// Crates only the front ends (`src/app/`) may use.
const FRONT_END_CRATES: &[&str] = &[
    "teloxide",
    "clap",
    "tokio",
    "reqwest",
    "redis",
    "anyhow",
    "axum",
    "prometheus",
    "subtle",
];

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

/// The module a source file defines, as a path under `crate` (`src/search/rank.rs` →
/// `search::rank`, `src/search/mod.rs` → `search`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod" && p != "lib" && p != "main")
        .collect();
    parts.join("::")
}

/// Every path `code` names through `crate::` outside comments, braces expanded
/// (`crate::search::{rank::Ranking, query}` → `search::rank::Ranking`, `search::query`).
fn crate_paths(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            expand("", &code[at + "crate::".len()..], &mut out);
        }
    }
    out
}

/// Reads one path (or brace group of paths) at the start of `rest`, prefixed by `prefix`.
fn expand(prefix: &str, rest: &str, out: &mut Vec<String>) {
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(rest.len());
    let path = format!("{prefix}{}", &rest[..end]);
    if rest[end..].starts_with('{') && path.ends_with("::") {
        let mut depth = 0;
        let mut start = end + 1;
        for (i, c) in rest[end..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' | ',' if depth == 1 => {
                    expand(&path, rest[start..end + i].trim_start(), out);
                    start = end + i + 1;
                    if c == '}' {
                        return;
                    }
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
    } else {
        out.push(path.trim_end_matches(':').to_string());
    }
}

/// The graph of `crate::` uses between the modules under `src/`: module → modules it
/// names (the longest module prefix of each path), itself left out.
fn module_graph(src: &Path) -> Vec<(String, Vec<String>)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            (
                module_of(src, f),
                fs::read_to_string(f).expect("source file"),
            )
        })
        .collect();
    let names: Vec<&str> = modules.iter().map(|(m, _)| m.as_str()).collect();
    let resolve = |path: &str| {
        let mut candidate = path;
        loop {
            if names.contains(&candidate) {
                return Some(candidate.to_string());
            }
            candidate = &candidate[..candidate.rfind("::")?];
        }
    };
    let mut graph = Vec::new();
    for (module, code) in &modules {
        let mut uses: Vec<String> = crate_paths(code)
            .iter()
            .filter_map(|p| resolve(p))
            .filter(|m| m != module && !m.is_empty())
            .collect();
        uses.sort();
        uses.dedup();
        graph.push((module.clone(), uses));
    }
    graph
}

/// A cycle through `graph` (the modules on it, first repeated last), if any.
fn find_cycle(graph: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        graph: &'a [(String, Vec<String>)],
        path: &mut Vec<&'a str>,
        done: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(&node) {
            return None;
        }
        path.push(node);
        let edges = graph
            .iter()
            .find(|(m, _)| m == node)
            .map(|(_, e)| e.as_slice());
        for next in edges.unwrap_or_default() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.push(node);
        None
    }
    let mut done = Vec::new();
    graph
        .iter()
        .find_map(|(m, _)| visit(m, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_form_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = module_graph(&src);
    // Every cycle, each reported once: the edge closing a cycle found is dropped and the
    // search runs again.
    let mut cycles = Vec::new();
    while let Some(cycle) = find_cycle(&graph).filter(|_| cycles.len() < 20) {
        let (from, to) = (&cycle[cycle.len() - 2], &cycle[cycle.len() - 1]);
        if let Some((_, edges)) = graph.iter_mut().find(|(m, _)| m == from) {
            edges.retain(|e| e != to);
        }
        cycles.push(cycle.join(" → "));
    }
    assert!(
        cycles.is_empty(),
        "import cycles between modules:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_cycle_check_reads_paths_and_finds_cycles() {
    assert_eq!(
        crate_paths("use crate::search::{rank::{self, Ranking}, query::Query};\n// crate::x::y\n"),
        vec![
            "search::rank::self",
            "search::rank::Ranking",
            "search::query::Query"
        ]
    );
    let graph = |edges: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
        (edges.iter())
            .map(|(m, e)| (m.to_string(), e.iter().map(|s| s.to_string()).collect()))
            .collect()
    };
    let cyclic = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"])]);
    assert_eq!(find_cycle(&cyclic).unwrap(), vec!["a", "b", "c", "a"]);
    assert_eq!(
        find_cycle(&graph(&[("a", &["b"]), ("b", &[]), ("c", &["a", "b"])])),
        None
    );
}
