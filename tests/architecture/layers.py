#!/usr/bin/env python3
"""Checks the layering of kevolve's product folders from their `#include "..."` lines.

A layer uses only the layers before it (docs/ARCHITECTURE.md):

    util < space < knowledge < backends < analyzers < tool

`templates/` (code kevolve generates from) and `include/kevolve/` (the public header API) are
leaves: they include no layer, and only the layers listed in LEAF_USERS include them.

Fails, printing the offending includes, on
  - an include from a layer to a later one, or from a leaf into a layer, or into a leaf from a
    layer not allowed to use it;
  - a cycle between folders;
  - a cycle between files, where a .cpp counts as its header (scanner.cpp includes
    scan_cache.hpp, which includes scanner.hpp: the pair scanner/scan_cache is a cycle).

Usage: layers.py [SOURCE_DIR]   (default: the repository this script is in)
"""

import re
import sys
from pathlib import Path

LAYERS = ["util", "space", "knowledge", "backends", "analyzers", "tool"]
LEAF_USERS = {"templates": {"backends", "tool"}, "include": {"backends", "tool", "templates"}}
FOLDERS = LAYERS + list(LEAF_USERS)
SUFFIXES = {".cpp", ".hpp", ".h", ".cu", ".hip", ".cuh"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(root, path):
    return path.relative_to(root).parts[0]


def resolve(root, including, name):
    """The product file an include names: from the root (-I root), beside the including file,
    or under include/ (-I include). None for anything else (std, third-party, generated)."""
    for base in (root, including.parent, root / "include"):
        candidate = (base / name).resolve()
        if candidate.is_file() and candidate.suffix in SUFFIXES:
            try:
                if folder_of(root, candidate) in FOLDERS:
                    return candidate
            except ValueError:
                pass
    return None


def read_includes(root):
    """[(file, line number, text, included file)] for every product include."""
    found = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if m:
                    target = resolve(root, path, m.group(1))
                    if target is not None:
                        found.append((path.resolve(), number, line.strip(), target))
    return found


def strongly_connected(nodes, edges):
    """Tarjan's strongly connected components of the graph (iterative)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter[0]
                    counter[0] += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges.get(succ, ())))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def shortest_cycle(component, edges):
    """One shortest cycle inside a strongly connected component, as [a, b, ..., a]."""
    members, best = set(component), None
    for start in component:
        parents, queue = {start: None}, [start]
        while queue:
            node = queue.pop(0)
            if start in edges.get(node, ()):
                path = [node]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])
                cycle = list(reversed(path)) + [start]
                if best is None or len(cycle) < len(best):
                    best = cycle
                break
            for succ in sorted(edges.get(node, ())):
                if succ in members and succ not in parents:
                    parents[succ] = node
                    queue.append(succ)
    return best


def allowed(source, target):
    if source == target:
        return True
    if target in LEAF_USERS:
        return source in LEAF_USERS[target]
    if source in LEAF_USERS:
        return False
    return LAYERS.index(target) < LAYERS.index(source)


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]).resolve()
    includes = read_includes(root)
    rel = lambda p: p.relative_to(root).as_posix()
    where = lambda f, n, text: f"{rel(f)}:{n}: {text}"
    problems = 0

    # An include against the order.
    wrong = [(f, n, t, g) for f, n, t, g in includes
             if not allowed(folder_of(root, f), folder_of(root, g))]
    for f, n, text, g in wrong:
        print(f"layers: {folder_of(root, f)}/ must not include {folder_of(root, g)}/: "
              + where(f, n, text))
    problems += len(wrong)

    # Cycles between folders.
    folder_edges = {}
    for f, _, _, g in includes:
        a, b = folder_of(root, f), folder_of(root, g)
        if a != b:
            folder_edges.setdefault(a, set()).add(b)
    for component in strongly_connected(FOLDERS, folder_edges):
        cycle = shortest_cycle(component, folder_edges)
        print("layers: folders include each other: " + " -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            f, n, text, _ = next(i for i in includes
                                 if folder_of(root, i[0]) == a and folder_of(root, i[3]) == b)
            print("  " + where(f, n, text))
        problems += 1

    # Cycles between files, a .cpp counting as its header.
    unit = lambda p: rel(p.with_suffix(""))
    file_edges = {}
    for f, _, _, g in includes:
        if unit(f) != unit(g):
            file_edges.setdefault(unit(f), set()).add(unit(g))
    nodes = sorted({unit(f) for f, _, _, _ in includes} | {unit(g) for _, _, _, g in includes})
    for component in strongly_connected(nodes, file_edges):
        cycle = shortest_cycle(component, file_edges)
        print("layers: files include each other (a .cpp counts as its header): "
              + " -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            f, n, text, _ = next(i for i in includes if unit(i[0]) == a and unit(i[3]) == b)
            print("  " + where(f, n, text))
        problems += 1

    if problems:
        print(f"layers: {problems} problem(s); the order is {' < '.join(LAYERS)}, "
              "with templates/ and include/ as leaves (docs/ARCHITECTURE.md)")
        return 1
    print(f"layers: {len(includes)} includes in {', '.join(FOLDERS)}: no cycle, none against "
          f"the order {' < '.join(LAYERS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
