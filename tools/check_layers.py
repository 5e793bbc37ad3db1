#!/usr/bin/env python3
"""Checks partymap's include graph against its layers (make test runs it).

Modules are the folders of src/.  A file may include headers of its own module and of
the modules below it in LAYERS; the modules of one peer group (the outputs: tiles,
print, site, export) never include each other.  Within a module the headers' includes
the headers must not form a circle, and in src/app neither may the files: a file stem
(X.c with X.h) depends on the stems whose headers it includes, and no chain of these
leads back to itself (src/app once had render.c, atlas_out.c, data_out.c ... calling
each other through one header).  Prints
every violation with file and line; exit 1 if any.  --self-test plants violations in a
copy and checks that each is caught.
"""
import os
import re
import sys

LAYERS = ["core", "expr", "geo", "data", "style", "analysis", "render",
          ("tiles", "print", "site", "export"), "app"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def rank_of():
    rank, peers = {}, {}
    for i, layer in enumerate(LAYERS):
        group = layer if isinstance(layer, tuple) else (layer,)
        for m in group:
            rank[m] = i
            peers[m] = group
    return rank, peers


def includes(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                out.append((n, m.group(1)))
    return out


def main(root):
    src = os.path.join(root, "src")
    rank, peers = rank_of()
    bad = []
    graph = {}
    for mod in sorted(os.listdir(src)):
        d = os.path.join(src, mod)
        if not os.path.isdir(d):
            continue
        if mod not in rank:
            bad.append("src/%s: a module the layer table does not know (add it to tools/check_layers.py)" % mod)
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            rel = "%s/%s" % (mod, name)
            for line, inc in includes(os.path.join(d, name)):
                if "/" not in inc:
                    bad.append("src/%s:%d: includes \"%s\": name headers by module (\"mod/file.h\")" % (rel, line, inc))
                    continue
                other = inc.split("/")[0]
                if other not in rank:
                    bad.append("src/%s:%d: includes \"%s\" of an unknown module" % (rel, line, inc))
                    continue
                if other != mod and rank[other] > rank[mod]:
                    bad.append("src/%s:%d: includes \"%s\": %s is above %s" % (rel, line, inc, other, mod))
                elif other != mod and rank[other] == rank[mod]:
                    bad.append("src/%s:%d: includes \"%s\": %s and %s are peers and must not include "
                               "each other" % (rel, line, inc, other, mod))
                if other == mod and (mod == "app" or name.endswith(".h")):
                    a, b = "%s/%s" % (mod, name.rsplit(".", 1)[0]), inc.rsplit(".", 1)[0]
                    if a != b:
                        graph.setdefault(a, []).append((rel, line, b))
    # circles among the file stems of a module
    state = {}

    def visit(u, stack):
        state[u] = 1
        for rel, line, v in graph.get(u, []):
            if state.get(v) == 1:
                cyc = stack[stack.index(v):] + [v]
                bad.append("src/%s:%d: include circle: %s" % (rel, line, " -> ".join(cyc)))
            elif state.get(v) is None:
                visit(v, stack + [v])
        state[u] = 2

    for u in sorted(graph):
        if state.get(u) is None:
            visit(u, [u])
    for b in bad:
        print("layers: " + b, file=sys.stderr)
    if not bad:
        print("layers: the include graph of src/ follows the layers (%s)" %
              " < ".join("{%s}" % ", ".join(l) if isinstance(l, tuple) else l for l in LAYERS))
    return 1 if bad else 0


def self_test(root):
    """Each planted violation must make main() fail; the tree as it is must pass."""
    import shutil
    import tempfile
    cases = [
        ("style/style.h", '#include "analysis/classify.h"\n'),       # upward
        ("print/poster.h", '#include "tiles/pyramid.h"\n'),          # between peers
        ("app/context.c", '#include "app/stage.h"\n'),               # circle in app: stage.h -> context.h
        ("render/scene.h", '#include "render/draw.h"\n'),            # circle of headers: draw.h -> scene.h
    ]
    if main(root) != 0:
        return 1
    failed = 0
    for rel, line in cases:
        tmp = tempfile.mkdtemp()
        try:
            shutil.copytree(os.path.join(root, "src"), os.path.join(tmp, "src"))
            with open(os.path.join(tmp, "src", rel), "a", encoding="utf-8") as f:
                f.write(line)
            devnull = open(os.devnull, "w")
            old, sys.stderr, oldout, sys.stdout = sys.stderr, devnull, sys.stdout, devnull
            try:
                rc = main(tmp)
            finally:
                sys.stderr, sys.stdout = old, oldout
                devnull.close()
            if rc == 0:
                print("layers: self-test: %s with %s was not caught" % (rel, line.strip()), file=sys.stderr)
                failed = 1
        finally:
            shutil.rmtree(tmp)
    if not failed:
        print("layers: self-test: %d planted violations caught" % len(cases))
    return failed


if __name__ == "__main__":
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        sys.exit(self_test(sys.argv[2] if len(sys.argv) > 2 else here))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else here))
