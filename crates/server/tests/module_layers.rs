//! The top-level modules of the server, the desktop core and the domain each form layers:
//! no module imports one that imports it back, directly or through others. Read from the
//! source (`crate::x` paths, with the crate root's re-exports resolved to the module they
//! come from), so a new circle fails here with the modules that form it.
//!
//! The crate root (`lib.rs`: for the server `AppState`, the router, `serve`) wires every
//! module together and is left out: it is the top of every layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the crate root re-exports, and from where: `pub use x::{A, B};` and
/// `pub use x::y::C;` in `lib.rs` give `A`, `B` and `C` from `x`.
fn root_reexports(src: &Path) -> BTreeMap<String, String> {
    let root = std::fs::read_to_string(src.join("lib.rs")).expect("read lib.rs");
    let mut out = BTreeMap::new();
    for statement in without_comments(&root).split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        let items = rest.rsplit("::").next().unwrap_or(rest);
        for item in items.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !item.is_empty() && item != "self" {
                out.insert(item.to_string(), module.trim().to_string());
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of `text` without `//` comments (doc links name modules without using them).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first names after each `crate::` in `code`: `crate::db::users` gives `db`,
/// `crate::{notify, ApiError}` gives `notify` and `ApiError`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // A use group: its top-level items, up to the matching brace.
            let mut depth = 1;
            let mut item = String::new();
            let mut at_item_start = true;
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        if !item.is_empty() {
                            names.push(std::mem::take(&mut item));
                        }
                        at_item_start = true;
                        continue;
                    }
                    _ => {}
                }
                if depth == 1 && at_item_start {
                    if ch.is_alphanumeric() || ch == '_' {
                        item.push(ch);
                    } else if !item.is_empty() {
                        names.push(std::mem::take(&mut item));
                        at_item_start = false;
                    }
                }
            }
            if !item.is_empty() {
                names.push(item);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// The `src` folder of the workspace crate in `crates/<name>`.
fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

/// Top-level module → the top-level modules it names, in the crate whose sources are `src`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let reexports = root_reexports(src);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(src).ok()?;
            let first = rel.components().next()?.as_os_str().to_str()?;
            Some(first.trim_end_matches(".rs").to_string())
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a file name")
            .trim_end_matches(".rs")
            .to_string();
        if !modules.contains(&top) {
            continue;
        }
        let code = without_comments(&std::fs::read_to_string(file).expect("read a source file"));
        for name in crate_paths(&code) {
            let target = if modules.contains(&name) {
                name.as_str()
            } else {
                reexports.get(&name).map_or(name.as_str(), String::as_str)
            };
            if target != top && modules.contains(target) {
                graph
                    .entry(top.clone())
                    .or_default()
                    .insert(target.to_string());
            }
        }
        graph.entry(top).or_default();
    }
    graph
}

/// A path from `from` back to `from`, if there is one.
fn circle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_string()];
    walk(graph, from, from, &mut path, &mut BTreeSet::new()).then_some(path)
}

fn circles(crate_name: &str) -> Vec<String> {
    let graph = module_graph(&crate_src(crate_name));
    graph
        .keys()
        .filter_map(|m| circle_through(&graph, m))
        .map(|path| path.join(" -> "))
        .collect()
}

#[test]
fn no_module_imports_its_caller_back() {
    let graph = module_graph(&crate_src("server"));
    assert!(
        graph.contains_key("accounts") && graph["routes"].contains("accounts"),
        "the reader sees the modules and their imports: {graph:?}"
    );
    let core = module_graph(&crate_src("core"));
    assert!(
        core["calendar"].contains("app"),
        "`crate::App`, re-exported by the root, is an import of `app`: {core:?}"
    );
    for name in ["server", "core", "domain"] {
        let found = circles(name);
        assert!(
            found.is_empty(),
            "modules of crates/{name} import each other in a circle (move the shared part \
             down into a module both use):\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_reader_finds_groups_and_paths() {
    let code = "use crate::{notify, ApiError, sync::{apply, db}};\nlet x = crate::db::ping();";
    assert_eq!(
        crate_paths(code),
        vec!["notify", "ApiError", "sync", "db"],
        "top-level items of a group, and a plain path"
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        circle_through(&graph, "a"),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        circle_through(&graph, "d"),
        None,
        "d only calls into the circle"
    );
}
