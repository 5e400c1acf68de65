//! The shell's commands are named once, in `src/command_list.rs`; `generate_handler!`
//! (main.rs) and tauri-build's permissions (build.rs) are expanded from it. These tests fail
//! when what is written out elsewhere disagrees with that list:
//! - the capability `capabilities/default.json` must grant `allow-<command>` for exactly
//!   the listed commands (regenerated);
//! - `ui/src/api/commands.ts`, the UI's `COMMANDS` and `CommandName` (regenerated; the
//!   UI's own test then checks its client invokes exactly those);
//! - `docs/commands.md` must have one row per command, and no row for another name.
//!
//! To regenerate the first two: `UPDATE_COMMANDS=1 cargo test -p so-desktop --test surface`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

include!("../src/command_list.rs");

macro_rules! names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_commands!(names);

const REGENERATE: &str = "run `UPDATE_COMMANDS=1 cargo test -p so-desktop --test surface`";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(relative: &str) -> String {
    let path = repo().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Writes `fresh` over the checked-in file when regenerating; otherwise the file must
/// already be exactly that.
fn check_or_update(relative: &str, current: &str, fresh: &str) {
    if std::env::var_os("UPDATE_COMMANDS").is_some() {
        if current != fresh {
            let path = repo().join(relative);
            std::fs::write(&path, fresh)
                .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
        return;
    }
    assert!(
        current == fresh,
        "{relative} is stale, or was edited by hand (it follows src-tauri/src/command_list.rs): \
         {REGENERATE}"
    );
}

/// What is in `actual` and not in `expected`, and the other way round.
fn differences<'a>(
    expected: impl IntoIterator<Item = &'a str>,
    actual: impl IntoIterator<Item = &'a str>,
) -> (Vec<&'a str>, Vec<&'a str>) {
    let expected: BTreeSet<&str> = expected.into_iter().collect();
    let actual: BTreeSet<&str> = actual.into_iter().collect();
    (
        expected.difference(&actual).copied().collect(),
        actual.difference(&expected).copied().collect(),
    )
}

#[test]
fn the_list_names_each_command_once() {
    let mut seen = BTreeSet::new();
    for name in COMMANDS {
        assert!(
            seen.insert(name),
            "`{name}` is listed twice in command_list.rs"
        );
    }
    assert!(COMMANDS.len() > 50, "the list should hold every command");
}

/// A permission the app itself defines (tauri-build's `allow-<command>`, or a set of them):
/// a plain string without a plugin's `prefix:`.
fn is_app_permission(line: &str) -> bool {
    let Some(name) = line
        .trim()
        .trim_end_matches(',')
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return false;
    };
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The capability with its block of app permissions (in its "permissions", one a line) replaced by one
/// `allow-<command>` a line for every listed command, in the list's order. Everything
/// else in the file is kept as written.
fn fresh_capability(current: &str) -> String {
    let lines: Vec<&str> = current.lines().collect();
    let permissions = lines
        .iter()
        .position(|l| l.trim_start().starts_with("\"permissions\""))
        .expect("capabilities/default.json has a \"permissions\" list");
    let block: Vec<usize> = (permissions + 1..lines.len())
        .filter(|&i| is_app_permission(lines[i]))
        .collect();
    let (Some(&first), Some(&last)) = (block.first(), block.last()) else {
        panic!(
            "capabilities/default.json has no app command permissions (\"allow-…\", one a line); \
             put one where they belong, then {REGENERATE}"
        );
    };
    assert_eq!(
        block.len(),
        last - first + 1,
        "capabilities/default.json: keep the app's command permissions together, one a line"
    );
    let indent = &lines[first][..lines[first].len() - lines[first].trim_start().len()];
    let comma_after_last = lines[last].trim_end().ends_with(',');
    let mut out: Vec<String> = lines[..first].iter().map(|l| l.to_string()).collect();
    for (i, name) in COMMANDS.iter().enumerate() {
        let comma = if i + 1 < COMMANDS.len() || comma_after_last {
            ","
        } else {
            ""
        };
        out.push(format!(
            "{indent}\"allow-{}\"{comma}",
            name.replace('_', "-")
        ));
    }
    out.extend(lines[last + 1..].iter().map(|l| l.to_string()));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    const FILE: &str = "src-tauri/capabilities/default.json";
    let current = read(FILE);
    check_or_update(FILE, &current, &fresh_capability(&current));

    // Read as JSON too, so that no app permission hides outside the block.
    let json: serde_json::Value =
        serde_json::from_str(&read(FILE)).expect("the capability is JSON");
    let granted: Vec<String> = json["permissions"]
        .as_array()
        .expect("the capability's permissions")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.contains(':'))
        .map(|p| p.strip_prefix("allow-").unwrap_or(p).replace('-', "_"))
        .collect();
    let (missing, extra) =
        differences(COMMANDS.iter().copied(), granted.iter().map(String::as_str));
    assert!(
        missing.is_empty() && extra.is_empty() && granted.len() == COMMANDS.len(),
        "{FILE} must allow exactly the listed commands; not granted: {missing:?}, \
         not commands (or granted twice): {extra:?}; {REGENERATE}"
    );
}

fn fresh_ui_commands() -> String {
    let mut text = String::from(
        "// Generated from src-tauri/src/command_list.rs by src-tauri/tests/surface.rs. \
         Do not edit this file manually:\n\
         // `UPDATE_COMMANDS=1 cargo test -p so-desktop --test surface` regenerates it.\n\n\
         /** Every command of the desktop shell (docs/commands.md), as the UI invokes it. */\n\
         export const COMMANDS = [\n",
    );
    for name in COMMANDS {
        text.push_str(&format!("  \"{name}\",\n"));
    }
    text.push_str(
        "] as const;\n\n\
         /** The name of a shell command: the client's `call` takes nothing else. */\n\
         export type CommandName = (typeof COMMANDS)[number];\n",
    );
    text
}

#[test]
fn the_ui_command_list_is_fresh() {
    const FILE: &str = "ui/src/api/commands.ts";
    let current = std::fs::read_to_string(repo().join(FILE)).unwrap_or_default();
    check_or_update(FILE, &current, &fresh_ui_commands());
}

/// The command names of the table in docs/commands.md: the backquoted names in the first
/// cell of each row under the `| command | arguments | returns |` header.
fn documented_commands(markdown: &str) -> Vec<String> {
    let rows = markdown
        .lines()
        .skip_while(|line| !line.replace(' ', "").starts_with("|command|"))
        .skip(2) // the header and its |---| line
        .take_while(|line| line.starts_with('|'));
    let mut names = Vec::new();
    for row in rows {
        let cell = row.split('|').nth(1).unwrap_or_default();
        let in_cell: Vec<&str> = cell.split('`').skip(1).step_by(2).collect();
        assert!(
            !in_cell.is_empty(),
            "docs/commands.md: a row of the command table names no `command`: {row}"
        );
        names.extend(in_cell.into_iter().map(str::to_string));
    }
    names
}

#[test]
fn the_docs_describe_every_command_and_no_other() {
    let documented = documented_commands(&read("docs/commands.md"));
    let mut seen = BTreeSet::new();
    for name in &documented {
        assert!(
            seen.insert(name.as_str()),
            "docs/commands.md describes `{name}` twice"
        );
    }
    let (missing, extra) = differences(
        COMMANDS.iter().copied(),
        documented.iter().map(String::as_str),
    );
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/commands.md's command table (src-tauri/src/command_list.rs is the list): \
         no row for {missing:?}; rows for commands that do not exist: {extra:?}"
    );
}
