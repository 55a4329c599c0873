//! The crate's layering, checked from its source: the top-level modules of `src/` must
//! not import each other in a cycle.
//!
//! The check reads `src/**/*.rs` as text (no build, nothing installed), drops comments,
//! string and char literals and `#[cfg(test)]` items (and the files of `#[cfg(test)] mod
//! x;`), then collects every `crate::X…` / `super::…` path that reaches another top-level
//! module. A name the crate root re-exports (`crate::Error`) counts as the module it comes
//! from. Run `cargo test --test architecture -- --nocapture` to see the whole graph with
//! the line behind each edge.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One import between two top-level modules, and the first place that makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edge {
    from: String,
    to: String,
    file: String,
    line: usize,
}

// ---------------------------------------------------------------------------------------
// Lexing: comments and literals out, then tokens with their line numbers.

/// `src` with comments (line, block, doc) and the insides of string and char literals
/// blanked out; newlines are kept so that line numbers stay true.
fn blank_comments_and_literals(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0usize;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"') | Some('#'))
            && starts_token(&chars, i)
            && raw_string_hashes(&chars, i + 1).is_some()
        {
            let hashes = raw_string_hashes(&chars, i + 1).unwrap_or(0);
            out.push('r');
            i += 1;
            for _ in 0..hashes {
                out.push('#');
                i += 1;
            }
            out.push('"');
            i += 1;
            while i < chars.len() {
                let closes =
                    chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#'));
                if closes {
                    out.push('"');
                    i += 1;
                    for _ in 0..hashes {
                        out.push('#');
                        i += 1;
                    }
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped char literal: '\n', '\'', '\u{1F600}'.
            out.push('\'');
            i += 2;
            out.push(' ');
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            // Code, or a lifetime such as 'a.
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether the `r` at `chars[at]` starts a token (`r"…"`, `br"…"`), not ends an identifier.
fn starts_token(chars: &[char], at: usize) -> bool {
    let is_ident = |k: usize| chars[k].is_alphanumeric() || chars[k] == '_';
    match at {
        0 => true,
        1 => !is_ident(0) || chars[0] == 'b',
        _ => !is_ident(at - 1) || chars[at - 1] == 'b' && !is_ident(at - 2),
    }
}

/// If `chars[at..]` is `#…#"`, the number of `#`.
fn raw_string_hashes(chars: &[char], at: usize) -> Option<usize> {
    let mut n = 0;
    while chars.get(at + n) == Some(&'#') {
        n += 1;
    }
    (chars.get(at + n) == Some(&'"')).then_some(n)
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
}

/// Identifiers, `::`, and single punctuation characters, with 1-based line numbers.
fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token {
                text: chars[start..i].iter().collect(),
                line,
            });
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Test-only items.

/// Whether `toks[at..]` starts `#[cfg(test)]` or `#[cfg(all(test, …))]`; returns the index
/// just past the attribute.
fn cfg_test_attribute(toks: &[Token], at: usize) -> Option<usize> {
    let text = |k: usize| toks.get(at + k).map(|t| t.text.as_str());
    if text(0) != Some("#")
        || text(1) != Some("[")
        || text(2) != Some("cfg")
        || text(3) != Some("(")
    {
        return None;
    }
    let test_only = text(4) == Some("test") && text(5) == Some(")")
        || text(4) == Some("all") && text(5) == Some("(") && text(6) == Some("test");
    if !test_only {
        return None;
    }
    let close = matching_close(toks, at + 1)?;
    Some(close + 1)
}

/// The index of the bracket closing the one at `open`.
fn matching_close(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The index just past the item (or field, or statement) that starts at `at`: through its
/// `;` or `,`, or its `{ … }` body, or up to the closer of what encloses it.
fn end_of_item(toks: &[Token], mut at: usize) -> usize {
    // Further attributes on the same item.
    while toks.get(at).is_some_and(|t| t.text == "#") {
        match matching_close(toks, at + 1) {
            Some(close) => at = close + 1,
            None => return toks.len(),
        }
    }
    let mut k = at;
    while k < toks.len() {
        match toks[k].text.as_str() {
            ";" | "," => return k + 1,
            "{" => {
                let Some(close) = matching_close(toks, k) else {
                    return toks.len();
                };
                let next = toks.get(close + 1).map(|t| t.text.as_str());
                return if matches!(next, Some(";") | Some(",")) {
                    close + 2
                } else {
                    close + 1
                };
            }
            "(" | "[" => match matching_close(toks, k) {
                Some(close) => k = close + 1,
                None => return toks.len(),
            },
            ")" | "]" | "}" => return k,
            _ => k += 1,
        }
    }
    toks.len()
}

/// `toks` without its `#[cfg(test)]` items, and the names of the modules declared that
/// way (`#[cfg(test)] mod tests;`), whose files are test code too.
fn without_test_items(toks: &[Token]) -> (Vec<Token>, Vec<String>) {
    let mut kept = Vec::with_capacity(toks.len());
    let mut test_modules = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if let Some(after) = cfg_test_attribute(toks, k) {
            let end = end_of_item(toks, after);
            let item: Vec<&str> = toks[after..end].iter().map(|t| t.text.as_str()).collect();
            if let Some(m) = item.iter().position(|t| *t == "mod") {
                if item.get(m + 2) == Some(&";") {
                    test_modules.push(item[m + 1].to_string());
                }
            }
            k = end;
        } else {
            kept.push(toks[k].clone());
            k += 1;
        }
    }
    (kept, test_modules)
}

// ---------------------------------------------------------------------------------------
// Paths to other modules.

/// What the crate root holds: its modules, and the names it re-exports with the module
/// each comes from.
#[derive(Debug, Default)]
struct Root {
    modules: BTreeSet<String>,
    reexports: BTreeMap<String, String>,
}

impl Root {
    /// Reads `mod x;` / `pub mod x;` and `pub use x::…::{A, B as C};` from lib.rs.
    fn parse(lib_rs: &str) -> Root {
        let (toks, _) = without_test_items(&tokens(&blank_comments_and_literals(lib_rs)));
        let mut root = Root::default();
        let mut k = 0;
        while k < toks.len() {
            let t = toks[k].text.as_str();
            if t == "mod" && toks.get(k + 2).is_some_and(|t| t.text == ";") {
                root.modules.insert(toks[k + 1].text.clone());
                k += 3;
            } else if t == "use" {
                let end = toks[k..]
                    .iter()
                    .position(|t| t.text == ";")
                    .map_or(toks.len(), |p| k + p);
                let mut path: Vec<&str> =
                    toks[k + 1..end].iter().map(|t| t.text.as_str()).collect();
                if path.first() == Some(&"crate") {
                    path.drain(..2);
                }
                if let Some(module) = path.first() {
                    for (i, seg) in path.iter().enumerate() {
                        let is_leaf = matches!(path.get(i + 1), None | Some(&",") | Some(&"}"));
                        let ident = seg.chars().all(|c| c.is_alphanumeric() || c == '_');
                        if i > 0 && is_leaf && ident && *seg != "self" {
                            root.reexports.insert(seg.to_string(), module.to_string());
                        }
                    }
                }
                k = end + 1;
            } else {
                k += 1;
            }
        }
        root
    }

    /// The top-level module that root-level name `name` belongs to, if any.
    fn module_of(&self, name: &str) -> Option<&str> {
        if let Some(module) = self.modules.get(name) {
            Some(module)
        } else {
            self.reexports.get(name).map(String::as_str)
        }
    }
}

/// The top-level modules that a file's code refers to, each with the line of each
/// reference. `depth` is how deep the file's module sits (1 for `src/net/mod.rs` or
/// `src/config.rs`, 2 for `src/net/tls.rs`), so that `super::` paths can be followed.
fn references(toks: &[Token], depth: usize, root: &Root) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    // Inline modules (`mod x { … }`) add depth for the code inside them.
    let mut braces: Vec<bool> = Vec::new();
    let mut pending_mod = false;
    let mut k = 0;
    while k < toks.len() {
        let t = toks[k].text.as_str();
        match t {
            "{" => {
                braces.push(pending_mod);
                pending_mod = false;
            }
            "}" => {
                braces.pop();
            }
            "mod" => pending_mod = toks.get(k + 2).is_some_and(|t| t.text == "{"),
            _ => {}
        }
        let starts_path = k == 0 || toks[k - 1].text != "::";
        let followed = toks.get(k + 1).is_some_and(|t| t.text == "::");
        if starts_path && followed && (t == "crate" || t == "super") {
            let here = depth + braces.iter().filter(|m| **m).count();
            let mut j = k;
            let reaches_root = if t == "crate" {
                j += 2;
                true
            } else {
                let mut ups = 0;
                while toks.get(j).is_some_and(|t| t.text == "super")
                    && toks.get(j + 1).is_some_and(|t| t.text == "::")
                {
                    ups += 1;
                    j += 2;
                }
                ups >= here
            };
            if reaches_root {
                for (name, line) in first_segments(toks, j) {
                    if let Some(module) = root.module_of(&name) {
                        out.push((module.to_string(), line));
                    }
                }
            }
            k = j;
            continue;
        }
        k += 1;
    }
    out
}

/// The first segment of the path that starts at `toks[at]`, or of each path in a
/// `{ a::b, c }` group there.
fn first_segments(toks: &[Token], at: usize) -> Vec<(String, usize)> {
    let Some(first) = toks.get(at) else {
        return Vec::new();
    };
    if first.text != "{" {
        return vec![(first.text.clone(), first.line)];
    }
    let Some(close) = matching_close(toks, at) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut expect_segment = true;
    for t in &toks[at + 1..close] {
        match t.text.as_str() {
            "{" | "(" | "[" => depth += 1,
            "}" | ")" | "]" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                expect_segment = true;
                continue;
            }
            s if depth == 0 && expect_segment => out.push((s.to_string(), t.line)),
            _ => {}
        }
        expect_segment = false;
    }
    out
}

// ---------------------------------------------------------------------------------------
// The source tree.

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries =
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("reading {}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A file's module path below the crate root: `src/net/tls.rs` → `[net, tls]`,
/// `src/net/mod.rs` → `[net]`, `src/config.rs` → `[config]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("a file under src/");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every edge between different top-level modules of the crate in `src`.
fn module_graph(src: &Path) -> Vec<Edge> {
    let read =
        |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let root = Root::parse(&read(&src.join("lib.rs")));
    let files = rust_files(src);
    let mut lexed = BTreeMap::new();
    let mut test_files = BTreeSet::new();
    for file in &files {
        let (toks, test_modules) =
            without_test_items(&tokens(&blank_comments_and_literals(&read(file))));
        let path = module_path(src, file);
        // A test module's file sits next to its parent's mod.rs / lib.rs, or in the
        // folder named after its parent file.
        let parent_dir = if file
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            file.parent().expect("a folder").to_path_buf()
        } else {
            file.with_extension("")
        };
        for m in test_modules {
            test_files.insert(parent_dir.join(format!("{m}.rs")));
            test_files.insert(parent_dir.join(&m).join("mod.rs"));
        }
        lexed.insert(file.clone(), (path, toks));
    }
    let mut edges: Vec<Edge> = Vec::new();
    for (file, (path, toks)) in &lexed {
        let Some(from) = path.first() else { continue }; // lib.rs: the root re-exports all
        if test_files.contains(file) {
            continue;
        }
        for (to, line) in references(toks, path.len(), &root) {
            let known = edges.iter().any(|e| e.from == *from && e.to == to);
            if to != *from && !known {
                let file = file
                    .strip_prefix(src.parent().unwrap_or(src))
                    .unwrap_or(file);
                let file = file.display().to_string();
                edges.push(Edge {
                    from: from.clone(),
                    to,
                    file,
                    line,
                });
            }
        }
    }
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    edges
}

// ---------------------------------------------------------------------------------------
// Cycles.

/// A group of modules that all reach each other (a strongly connected component of more
/// than one module), and its shortest cycle.
#[derive(Debug)]
struct Tangle {
    modules: Vec<String>,
    cycle: Vec<Edge>,
}

impl Tangle {
    fn describe(&self) -> String {
        format!(
            "{{{}}} import each other, e.g. {}",
            self.modules.join(", "),
            describe(&self.cycle)
        )
    }
}

/// Every group of modules that import each other in a cycle.
fn cycles(edges: &[Edge]) -> Vec<Tangle> {
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for e in edges.iter().filter(|e| e.from == n) {
                if seen.insert(e.to.clone()) {
                    todo.push(e.to.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&str, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) || !reachable[n].contains(*n) {
            continue;
        }
        let component: BTreeSet<&str> = nodes
            .iter()
            .copied()
            .filter(|m| reachable[n].contains(*m) && reachable[m].contains(*n))
            .collect();
        done.extend(component.iter().map(|m| m.to_string()));
        out.push(Tangle {
            modules: component.iter().map(|m| m.to_string()).collect(),
            cycle: component
                .iter()
                .map(|m| shortest_cycle(edges, m, &component))
                .min_by_key(Vec::len)
                .unwrap_or_default(),
        });
    }
    out
}

/// The shortest cycle from `start` back to itself inside `component` (breadth first).
fn shortest_cycle(edges: &[Edge], start: &str, component: &BTreeSet<&str>) -> Vec<Edge> {
    let mut came_by: BTreeMap<String, Edge> = BTreeMap::new();
    let mut frontier = vec![start.to_string()];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for n in &frontier {
            for e in edges
                .iter()
                .filter(|e| e.from == *n && component.contains(e.to.as_str()))
            {
                if e.to == start {
                    let mut path = vec![e.clone()];
                    let mut at = e.from.clone();
                    while at != start {
                        let back = came_by[&at].clone();
                        at = back.from.clone();
                        path.push(back);
                    }
                    path.reverse();
                    return path;
                }
                if !came_by.contains_key(&e.to) {
                    came_by.insert(e.to.clone(), e.clone());
                    next.push(e.to.clone());
                }
            }
        }
        frontier = next;
    }
    Vec::new()
}

fn describe(cycle: &[Edge]) -> String {
    let mut s = String::new();
    if let Some(first) = cycle.first() {
        s.push_str(&first.from);
    }
    for e in cycle {
        let _ = write!(s, " -> {} ({}:{})", e.to, e.file, e.line);
    }
    s
}

// ---------------------------------------------------------------------------------------
// The checks.

#[test]
fn the_top_level_modules_of_src_import_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = module_graph(&src);
    for e in &edges {
        println!("{} -> {}  ({}:{})", e.from, e.to, e.file, e.line);
    }
    assert!(
        edges.len() > 10,
        "the scan found almost no imports; is it still reading src/? {edges:?}"
    );
    let found = cycles(&edges);
    let report: Vec<String> = found.iter().map(Tangle::describe).collect();
    assert!(
        found.is_empty(),
        "import cycles between top-level modules:\n  {}",
        report.join("\n  ")
    );
}

// The checker's own rules, on small inputs.

fn edges_of(files: &[(&str, &str)]) -> Vec<Edge> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("slack-rtm-architecture-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join("src").join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("a temp folder");
        std::fs::write(&path, text).expect("a temp file");
    }
    let edges = module_graph(&dir.join("src"));
    let _ = std::fs::remove_dir_all(&dir);
    edges
}

fn pairs(edges: &[Edge]) -> Vec<(String, String)> {
    edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect()
}

fn pair(from: &str, to: &str) -> (String, String) {
    (from.to_string(), to.to_string())
}

const LIB: &str = "mod a;\nmod b;\nmod c;\npub use b::thing::{Thing, Other as Renamed};\n";

#[test]
fn a_use_and_a_full_path_each_make_an_edge() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a.rs", "use crate::b::Thing;\n"),
        ("b.rs", "fn f() -> crate::c::X { todo!() }\n"),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), [pair("a", "b"), pair("b", "c")]);
    assert_eq!((edges[0].file.as_str(), edges[0].line), ("src/a.rs", 1));
}

#[test]
fn a_grouped_use_counts_each_module_it_names() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a.rs", "use crate::{\n    b::x::{Y, Z},\n    c::W,\n};\n"),
        ("b.rs", ""),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), [pair("a", "b"), pair("a", "c")]);
    assert_eq!(edges[1].line, 3);
}

#[test]
fn a_name_the_root_re_exports_counts_as_the_module_it_comes_from() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a.rs", "use crate::Renamed;\nfn f(_: crate::Thing) {}\n"),
        ("b/mod.rs", "mod thing;\n"),
        ("b/thing.rs", ""),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), [pair("a", "b")]);
}

#[test]
fn comments_doc_comments_and_strings_make_no_edge() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        (
            "a.rs",
            "//! See [`crate::b::Thing`].\n/// Like crate::b::Thing\n/* crate::c::X /* nested */ crate::c::Y */\n\
             const S: &str = \"crate::b::X\";\nconst R: &str = r#\"crate::c::\"Y\"#;\nconst C: char = '\"';\n\
             fn f<'a>(_: &'a str) {}\n",
        ),
        ("b.rs", ""),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), []);
}

#[test]
fn code_after_a_char_literal_holding_a_quote_is_still_read() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a.rs", "const C: char = '\"'; use crate::b::Thing;\n"),
        ("b.rs", ""),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), [pair("a", "b")]);
}

#[test]
fn test_only_items_and_test_module_files_make_no_edge() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        (
            "a/mod.rs",
            "#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline {\n    use crate::b::Thing;\n}\n\
             struct S {\n    #[cfg(test)]\n    probe: crate::b::Probe,\n    kept: u8,\n}\n\
             #[cfg(test)]\n/// doc\nfn helper() -> crate::b::X { todo!() }\n",
        ),
        ("a/tests.rs", "use crate::c::Everything;\n"),
        ("b.rs", "#[cfg(feature = \"x\")]\nuse crate::c::Real;\n"),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), [pair("b", "c")]);
}

#[test]
fn super_paths_count_only_when_they_reach_the_root() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a/mod.rs", "mod inner;\nuse super::b::Thing;\n"),
        (
            "a/inner.rs",
            "use super::Sibling;\nuse super::super::c::X;\n",
        ),
        ("b.rs", "pub(crate) fn f() {}\npub(super) fn g() {}\n"),
        ("c.rs", ""),
    ]);
    assert_eq!(pairs(&edges), [pair("a", "b"), pair("a", "c")]);
}

#[test]
fn a_cycle_is_named_with_the_lines_that_make_it() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a.rs", "use crate::b::Thing;\n"),
        ("b.rs", "\nuse crate::c::X;\n"),
        ("c.rs", "\n\nuse crate::a::Y;\n"),
    ]);
    let found = cycles(&edges);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].describe(),
        "{a, b, c} import each other, e.g. a -> b (src/a.rs:1) -> c (src/b.rs:2) -> a (src/c.rs:3)"
    );
}

#[test]
fn modules_that_import_downwards_only_have_no_cycle() {
    let edges = edges_of(&[
        ("lib.rs", LIB),
        ("a.rs", "use crate::b::Thing;\nuse crate::c::X;\n"),
        ("b.rs", "use crate::c::X;\n"),
        ("c.rs", ""),
    ]);
    assert_eq!(edges.len(), 3);
    assert!(cycles(&edges).is_empty());
}
