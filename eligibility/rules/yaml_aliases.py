"""How far YAML aliases (``*name``) expand a composed document: a few lines of anchors can stand for millions of
values (a "billion laughs"), which every walk of the constructed data would then visit. Counted on the composed
nodes, each distinct node once, so the count itself stays linear in the file."""

from __future__ import annotations

import yaml

ALIAS_VALUES = 100_000  # values aliases may add to a document beyond the distinct ones written


def expanded(node: yaml.Node, sizes: dict) -> int:
    """How many values ``node`` stands for with every alias expanded (``sizes`` memoises by node)."""
    if id(node) not in sizes:
        sizes[id(node)] = 1  # an alias of an enclosing node (a cycle) counts once
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else \
            node.value if isinstance(node, yaml.SequenceNode) else []
        sizes[id(node)] = 1 + sum(expanded(child, sizes) for child in children)
    return sizes[id(node)]


def _children(node: yaml.Node, loc: tuple) -> list[tuple[tuple, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [((*loc, key.value), value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
    if isinstance(node, yaml.SequenceNode):
        return [((*loc, index), item) for index, item in enumerate(node.value)]
    return []


def alias_bomb(node: yaml.Node, loc: tuple = ()) -> tuple[tuple, yaml.Node] | None:
    """None when the aliases under ``node`` (at ``loc``) add at most ALIAS_VALUES values; else the place of the
    innermost mapping key whose value alone stands for more than ALIAS_VALUES (``loc`` when there is none), and the
    innermost such node."""
    sizes: dict = {}
    if expanded(node, sizes) <= len(sizes) + ALIAS_VALUES:
        return None
    place = loc
    while True:
        larger = [(at, child) for at, child in _children(node, loc) if expanded(child, sizes) > ALIAS_VALUES]
        if not larger:
            return place, node
        loc, node = larger[0]
        if isinstance(loc[-1], str):
            place = loc


__all__ = ["ALIAS_VALUES", "alias_bomb", "expanded"]
