#!/usr/bin/env python3
"""Cuts an OpenAPI document down to some component schemas and everything they reference.

    reduce.py DOCUMENT OUT.json NAME [NAME ...] [--list NAME=POINTER]

Keeps `openapi` and `info`, no paths, and `components.schemas` limited to the named
schemas and their transitive `$ref`s. `--list charge_list=/paths/~1v1~1charges/get/...`
copies an inline schema of the document (a list response, say) into the components under a
name, so both generators see one type for the whole payload. Both the macro and the
derive-based generator are given the same reduced document, so the types they make describe
the same schemas and the benchmark compiles in seconds instead of minutes.
"""

import json
import re
import sys

REF = re.compile(r'"\$ref": ?"#/components/schemas/([^"]+)"')


def pointer_get(root, pointer):
    node = root
    for token in pointer.lstrip("#").split("/")[1:]:
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    source, out, *rest = argv[1:]
    names, lists = [], {}
    while rest:
        arg = rest.pop(0)
        if arg == "--list":
            name, pointer = rest.pop(0).split("=", 1)
            lists[name] = pointer
        else:
            names.append(arg)
    with open(source) as f:
        doc = json.load(f)
    schemas = doc["components"]["schemas"]
    for name, pointer in lists.items():
        schemas[name] = pointer_get(doc, pointer)
        names.append(name)
    kept, todo = {}, list(names)
    while todo:
        name = todo.pop()
        if name in kept:
            continue
        kept[name] = schemas[name]
        todo.extend(REF.findall(json.dumps(schemas[name])))
    reduced = {
        "openapi": doc["openapi"],
        "info": doc["info"],
        "paths": {},
        "components": {"schemas": dict(sorted(kept.items()))},
    }
    with open(out, "w") as f:
        json.dump(reduced, f, indent=1)
    print(f"{out}: {len(kept)} of {len(schemas)} schemas")


if __name__ == "__main__":
    main(sys.argv)
