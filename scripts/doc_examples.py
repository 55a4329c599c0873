#!/usr/bin/env python3
"""Lists the public items of slack-rtm whose docs have no code example.

The team rule: rustdoc with an example on every public item. "Public" here is exactly
what rustdoc documents, because rustdoc itself says so: the script has rustdoc write its
JSON output (`--output-format json`) for the library with the given features, then walks
it from the crate root through public modules and `pub use` re-exports (globs too), into
the inherent impls of every public type and the items of every public trait.

Checked: modules (the crate root too), functions, methods and associated consts of
inherent impls, structs, enums, unions, traits and their items, consts, statics, type
aliases and macros. Exempt: fields, variants, associated types, methods of trait impls
(rustdoc shows the trait's docs there), `#[doc(hidden)]` items, other crates' items.

An example is a fenced block that rustdoc runs or at least compiles: ``` with no info
string, or one made of rustdoc's attributes only (`rust`, `no_run`, `should_panic`,
`compile_fail`, `editionNNNN`, ...). ```text, ```toml, ```json and `ignore` blocks are
not examples.

Usage (from the repository root; the first run builds the dependencies' metadata into
target/doc-examples, about 2.5 minutes on this machine, later runs take seconds):

    python3 scripts/doc_examples.py                       # features fake-slack,workspace-cache
    python3 scripts/doc_examples.py --features fake-slack
    python3 scripts/doc_examples.py --json path/to/slack_rtm.json

Exit status 0 when every item has an example, 1 with one `file:line: kind path` line per
item without one, 2 when rustdoc's JSON could not be made or read.

rustdoc's JSON output is unstable: on the stable toolchain it is reached with
RUSTC_BOOTSTRAP=1 (set for the rustdoc call only, in its own target directory so that
the normal build cache is untouched). The walk reads a handful of fields
(`index`, `root`, `inner`, `docs`, `span`, `visibility`, `attrs`); a toolchain whose
format renames them makes the script stop with exit status 2 and say which, never
report a clean crate by mistake.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

# rustdoc's code block attributes: a block whose info string has only these is Rust.
RUST_ATTRS = {
    "rust",
    "no_run",
    "should_panic",
    "compile_fail",
    "test_harness",
    "standalone_crate",
}
NOT_RUN = {"ignore"}

FENCE = re.compile(r"^ {0,3}(```+|~~~+)\s*(.*)$")


def has_example(docs):
    """Whether the markdown `docs` holds a Rust code block rustdoc compiles."""
    fence = None
    for line in (docs or "").splitlines():
        m = FENCE.match(line)
        if not m:
            continue
        if fence is None:
            fence = m.group(1)
            info = m.group(2).strip().strip("{}")
            tokens = [t for t in re.split(r"[\s,]+", info) if t and not t.startswith(".")]
            is_rust = all(
                t in RUST_ATTRS or t in NOT_RUN or re.fullmatch(r"edition\d{4}", t)
                or t.startswith("ignore-")
                for t in tokens
            )
            ignored = any(t in NOT_RUN or t.startswith("ignore-") for t in tokens)
            if is_rust and not ignored:
                return True
        elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
            fence = None
    return False


def kind_of(item):
    inner = item["inner"]
    if not isinstance(inner, dict) or len(inner) != 1:
        raise KeyError(f"item {item.get('id')} has an unexpected `inner`: {inner!r:.200}")
    return next(iter(inner))


def is_hidden(item):
    attrs = item.get("attrs") or []
    return any("hidden" in json.dumps(a) and "doc" in json.dumps(a) for a in attrs)


def missing_examples(doc):
    """(file, line, kind, path) of every documented item of `doc` without an example."""
    index = doc["index"]
    root = doc["root"]
    get = lambda i: index.get(str(i))  # noqa: E731
    seen = set()  # ids: an item re-exported twice is checked once
    found = []
    checked = []

    def check(item, path, kind):
        checked.append(item)
        if not has_example(item.get("docs")):
            span = item.get("span") or {}
            begin = span.get("begin") or [0, 0]
            found.append((span.get("filename", "?"), begin[0], kind, "::".join(path)))

    def visit(item_id, parent_path):
        item = get(item_id)
        if item is None or item.get("crate_id") != 0:
            return  # another crate's item
        kind = kind_of(item)
        name = item.get("name")
        inner = item["inner"][kind]
        if kind == "use":
            target = inner.get("id")
            if target is None:
                return
            if inner.get("is_glob"):
                module = get(target)
                if module is not None and kind_of(module) == "module":
                    for child in module["inner"]["module"]["items"]:
                        visit(child, parent_path)
                return
            visit(target, parent_path)
            return
        if item_id in seen or is_hidden(item):
            return
        seen.add(item_id)
        path = parent_path + ([name] if name else [])
        if kind in ("struct_field", "variant", "assoc_type", "impl", "primitive"):
            return
        check(item, path, kind)
        if kind == "module":
            for child in inner["items"]:
                visit(child, path)
        elif kind in ("struct", "enum", "union"):
            for impl_id in inner.get("impls", []):
                impl = get(impl_id)
                if impl is None or impl.get("crate_id") != 0:
                    continue
                body = impl["inner"]["impl"]
                if body.get("trait") is not None or body.get("is_synthetic"):
                    continue  # trait impls show the trait's docs; auto traits
                if body.get("blanket_impl") is not None:
                    continue
                for member in body["items"]:
                    m = get(member)
                    if m is not None and m.get("visibility") == "public":
                        visit(member, path)
        elif kind == "trait":
            for member in inner["items"]:
                visit(member, path)

    visit(root, [])
    if len(checked) < 100:
        raise KeyError(f"only {len(checked)} items reached from the root: has the format changed?")
    found.sort()
    return found, len(checked)


def build_json(features, target_dir):
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    cmd = [
        "cargo", "rustdoc", "--lib", "--quiet", "--features", features,
        "--target-dir", str(target_dir), "--",
        "-Z", "unstable-options", "--output-format", "json",
    ]
    subprocess.run(cmd, check=True, env=env)
    return target_dir / "doc" / "slack_rtm.json"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", default="fake-slack,workspace-cache")
    ap.add_argument("--json", type=Path, help="read this rustdoc JSON instead of making it")
    args = ap.parse_args()
    repo = Path(__file__).resolve().parent.parent
    try:
        path = args.json or build_json(args.features, repo / "target" / "doc-examples")
        doc = json.loads(path.read_text())
        found, checked = missing_examples(doc)
    except (subprocess.CalledProcessError, OSError, ValueError, KeyError, TypeError) as e:
        print(f"doc_examples: could not read rustdoc's JSON: {e!r}", file=sys.stderr)
        return 2
    for file, line, kind, item_path in found:
        print(f"{file}:{line}: {kind} {item_path}")
    if found:
        files = sorted({f for f, *_ in found})
        print(f"{len(found)} of {checked} public items without a code example, "
              f"in {len(files)} files", file=sys.stderr)
        return 1
    print(f"all {checked} public items have a code example", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
