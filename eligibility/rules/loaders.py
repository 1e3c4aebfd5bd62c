"""The YAML loaders: PyYAML's pure-Python safe loader and libyaml's, with the same resolvers and constructors."""

from __future__ import annotations

import re
import sys

import yaml


class _Constructing:
    """The safe constructor, minus implicit timestamps: dates stay text so a bad date is a positioned field error."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:
            if node.tag == "tag:yaml.org,2002:int" and len(node.value) > sys.get_int_max_str_digits():
                return node.value  # over 4,300 digits: kept as written (a text field takes it, a number refuses it)
            raise yaml.constructor.ConstructorError(None, None, f"invalid value: {exc}", node.start_mark) from exc
        except (TypeError, OverflowError) as exc:  # e.g. an explicit !!timestamp 2020-13-45
            raise yaml.constructor.ConstructorError(None, None, f"invalid value: {exc}", node.start_mark) from exc
        except (IndexError, KeyError) as exc:  # an explicit !!int, !!float or !!bool on a value that is not one
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(None, None, f"invalid value: {node.value!r} is not a valid {kind}",
                                                    node.start_mark) from exc

    def construct_checked_timestamp(self, node):
        """An explicit ``!!timestamp``: PyYAML fails with AttributeError on a value that is not one."""
        if not self.timestamp_regexp.match(str(node.value)):
            raise yaml.constructor.ConstructorError(None, None, f"invalid value: {node.value!r} is not a date",
                                                    node.start_mark)
        return self.construct_yaml_timestamp(node)


class PositionedLoader(_Constructing, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader: the reference reading, and the one that words every error."""


_RESOLVERS = {first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
              for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
PositionedLoader.add_constructor("tag:yaml.org,2002:timestamp", PositionedLoader.construct_checked_timestamp)
PositionedLoader.yaml_implicit_resolvers = _RESOLVERS

if getattr(yaml, "__with_libyaml__", False):
    class FastLoader(_Constructing, yaml.CSafeLoader):
        """The same resolvers and constructors over libyaml's parser (ten times faster than the pure-Python one)."""

    FastLoader.add_constructor("tag:yaml.org,2002:timestamp", FastLoader.construct_checked_timestamp)
    FastLoader.yaml_implicit_resolvers = _RESOLVERS
else:  # pragma: no cover - PyYAML built without libyaml
    FastLoader = None

# Characters on which libyaml and PyYAML read a document differently (a tab as a separator, "?" inside a flow
# scalar, a byte-order mark or a Unicode line break mid-file): a text holding one is parsed by PyYAML alone.
# Fuzzed in tests/rules/test_loaders.py: on every other text the two agree on data, positions and errors.
PYTHON_ONLY = re.compile("[\t?\ufeff\x85\u2028\u2029]")
