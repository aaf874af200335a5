#!/usr/bin/python3
"""Reads an OVSDB schema (JSON) on stdin, prints it in a canonical form: every column type as
{"key": {"type": ...}, "value"?: ..., "min": n, "max": n|"unlimited"}, defaults made explicit
(isRoot, mutable, ephemeral, refType), keys sorted. Two servers' get_schema replies that mean
the same schema print the same text, whatever shorthand each server used."""
import json
import sys


def canon_base(b):
    if isinstance(b, str):
        b = {"type": b}
    b = dict(b)
    if b["type"] == "uuid" and "refTable" in b:
        b.setdefault("refType", "strong")
    return b


def canon_type(t):
    if isinstance(t, str):
        t = {"key": t}
    out = {"key": canon_base(t["key"]), "min": t.get("min", 1), "max": t.get("max", 1)}
    if "value" in t:
        out["value"] = canon_base(t["value"])
    return out


s = json.load(sys.stdin)
out = {"name": s["name"], "version": s.get("version"), "tables": {}}
for tn, t in s["tables"].items():
    ct = {"isRoot": t.get("isRoot", False), "indexes": sorted(t.get("indexes", [])),
          "maxRows": t.get("maxRows"), "columns": {}}
    for cn, c in t["columns"].items():
        ct["columns"][cn] = {"type": canon_type(c["type"]),
                             "mutable": c.get("mutable", True),
                             "ephemeral": c.get("ephemeral", False)}
    out["tables"][tn] = ct
print(json.dumps(out, sort_keys=True, indent=1))
