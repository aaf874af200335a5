#!/usr/bin/python3
"""The control method table against its mirrors: ctl_methods.py (the Python validator the
fakes and bench use) gives the same answers as methods.c on methods_cases.json, and
docs/control-rpc.md documents exactly the methods of methods.json, each with its keys.

usage: test_methods.py TOP   (the source tree)"""
import json
import os
import re
import sys

TOP = sys.argv[1]
sys.path.insert(0, os.path.join(TOP, "dataplane/ctl"))
import ctl_methods  # noqa: E402

failures = []
table = ctl_methods.load()

with open(os.path.join(TOP, "dataplane/tests/methods_cases.json")) as f:
    for method, params, want in json.load(f):
        got = table.check_request(method, params)
        if got != want:
            failures.append("case %s %s: got %r, want %r" % (method, json.dumps(params), got, want))

# docs/control-rpc.md: the rows of the "## Methods" table, "| `name` | params | result |".
with open(os.path.join(TOP, "docs/control-rpc.md")) as f:
    doc = f.read()
section = doc.split("## Methods", 1)[1].split("\n## ", 1)[0]
rows = {}
for line in section.splitlines():
    m = re.match(r"\|\s*`([a-z-]+)`\s*\|([^|]*)\|", line)
    if m:
        rows[m.group(1)] = m.group(2)
for name in table.names():
    if name not in rows:
        failures.append("docs/control-rpc.md: method %s of methods.json is not documented" % name)
        continue
    for key in table.keys(name):
        if "`%s`" % key not in rows[name]:
            failures.append("docs/control-rpc.md: %s: key `%s` is not documented" % (name, key))
for name in rows:
    if name not in table.methods:
        failures.append("docs/control-rpc.md: method %s is not in methods.json" % name)

for x in failures:
    print("FAIL", x)
print("%d passed, %d failed" % (1 if not failures else 0, 1 if failures else 0))
sys.exit(1 if failures else 0)
