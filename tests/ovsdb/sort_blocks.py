#!/usr/bin/python3
"""Reads indented text (like `ovs-vsctl show`) on stdin and prints it with sibling blocks sorted
recursively. A block is a line plus the more-indented lines under it. ovs-vsctl prints the
members of a set (a bridge's ports, ...) in UUID order, and UUIDs are random, so two servers'
outputs only compare equal once sibling order is canonical."""
import sys


def parse(lines, i, indent):
    """Returns (list of (line, children), next index) for lines indented more than 'indent'."""
    out = []
    while i < len(lines):
        line = lines[i]
        ind = len(line) - len(line.lstrip(" "))
        if ind <= indent:
            break
        node_children, i = parse(lines, i + 1, ind)
        out.append((line, node_children))
    return out, i


def render_node(node):
    line, kids = node
    return [line] + render_children(kids)


def render_children(nodes):
    blocks = sorted(("\n".join(render_node(n)) for n in nodes))
    return [line for b in blocks for line in b.split("\n")]


lines = sys.stdin.read().splitlines()
nodes, _ = parse(lines, 0, -1)
print("\n".join(render_children(nodes)))
