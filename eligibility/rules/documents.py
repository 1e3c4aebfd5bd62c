"""YAML documents with positions: safe loading, duplicate-key rejection, and pydantic errors mapped to file:line:col."""

from __future__ import annotations

import functools
import re
import types
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from eligibility.errors import InputError
from eligibility.rules.loaders import PYTHON_ONLY, FastLoader, PositionedLoader
from eligibility.rules.yaml_aliases import ALIAS_VALUES, alias_bomb

Loc = tuple[str | int, ...]
E = TypeVar("E", bound=InputError)


@dataclass
class Document:
    """A parsed YAML file: its data plus the 1-based (line, column) of every mapping key and item."""

    path: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    texts: dict[Loc, str] = field(default_factory=dict)  # plain scalars YAML read as a number or a bool: as written

    def position(self, loc: Iterable[str | int]) -> tuple[int | None, int | None]:
        """Position of the deepest prefix of ``loc`` present in the document."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (None, None))


def format_loc(loc: Iterable[str | int]) -> str:
    """``('series', 0, 'versions')`` -> ``series[0].versions``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_TYPED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"}


def _refuse_alias_bomb(node: yaml.Node, loc: Loc, positions: dict, path: str, error: type[E]) -> None:
    """``error`` naming the innermost key whose value aliases expand past ALIAS_VALUES (nothing when they do not)."""
    found = alias_bomb(node, loc)
    if found is not None:
        place, inner = found
        line, column = positions[place] if place in positions else (inner.start_mark.line + 1,
                                                                     inner.start_mark.column + 1)
        raise error(f"invalid YAML: aliases (*name) expand it to more than {ALIAS_VALUES} values", file=path,
                    line=line, column=column, field=format_loc(place) or None)


def walk_nodes(node: yaml.Node, loc: Loc, positions: dict, path: str, error: type[E], walked: set | None = None,
          texts: dict | None = None) -> None:
    """Record the position of every key and item under ``node`` (and in ``texts`` the source text of every plain
    scalar YAML 1.1 reads as a number or a bool); refuse duplicate keys and keys that are not scalars, and aliases
    that expand the values past ALIAS_VALUES."""
    if walked is None:
        walk_nodes(node, loc, positions, path, error, set(), texts)
        _refuse_alias_bomb(node, loc, positions, path, error)
        return
    positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        if texts is not None and not node.style and node.tag in _TYPED:  # plain: None, or "" from libyaml
            texts[loc] = node.value
        return
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in walked:  # an alias of an anchor already walked (possibly itself): positions fall back here
            return
        walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise error("invalid YAML: a key must be a single value, not a mapping or a list", file=path,
                            line=line, column=key_node.start_mark.column + 1, field=format_loc(loc) or None)
            key = key_node.value
            if key in seen:
                raise error(
                    f"duplicate key {key!r} (first defined on line {seen[key]})",
                    file=path, line=line, column=key_node.start_mark.column + 1,
                    field=format_loc(loc + (key,)),
                )
            seen[key] = line
            positions[loc + (key,)] = (line, key_node.start_mark.column + 1)
            walk_nodes(value_node, loc + (key,), positions, path, error, walked, texts)
            positions[loc + (key,)] = (line, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            walk_nodes(item, loc + (index,), positions, path, error, walked, texts)


def parse_yaml(text: str, path: str | Path, error: type[E]) -> Document:
    """Parse YAML text with the safe loader; raise ``error`` with a position on any problem.

    libyaml reads the text when it can; anything it refuses or reads as a lone scalar is read again by PyYAML's
    pure-Python parser, so every error (and every position) is worded and placed by one parser."""
    path = str(path)
    if FastLoader is not None and not PYTHON_ONLY.search(text) \
            and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        document = _parse_fast(text, path, error)
        if document is not None:
            return document
    return _parse_python(text, path, error)


def _parse_fast(text: str, path: str, error: type[E]) -> Document | None:
    """The document as libyaml reads it, or None when the pure-Python parser must read (and word) it."""
    loader = FastLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return None  # empty, or a lone scalar: the two parsers place it differently
        return _document(loader, node, path, error)
    except Exception:  # noqa: BLE001 - every failure is read again, and reported, by the reference parser
        return None
    finally:
        loader.dispose()


def _parse_python(text: str, path: str, error: type[E]) -> Document:
    """The document as PyYAML's pure-Python parser reads it, every problem an ``error`` with its position."""
    try:
        loader = PositionedLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader checks every character up front
        raise _reader_error(exc, text, path, error) from exc
    try:
        node = loader.get_single_node()
        if node is None:
            raise error("the file is empty", file=path, line=1, column=1)
        return _document(loader, node, path, error)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise error(f"invalid YAML: {exc.problem or exc.context}", file=path, line=line, column=col) from exc
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, path, error) from exc
    except RecursionError as exc:  # thousands of nested brackets: report where parsing stopped
        mark = loader.get_mark()
        raise error("invalid YAML: nested too deeply", file=path, line=mark.line + 1, column=mark.column + 1) from exc
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", file=path) from exc
    except (TypeError, ValueError) as exc:  # e.g. a timestamp like 2020-13-45
        raise error(f"invalid YAML value: {exc}", file=path) from exc
    finally:
        loader.dispose()


def _document(loader: yaml.Loader, node: yaml.Node, path: str, error: type[E]) -> Document:
    """A composed document: the position of every key and item and the source text of typed scalars walked, then
    its data constructed (both parsers share this, so they differ only in how they compose)."""
    positions: dict[Loc, tuple[int, int]] = {}
    texts: dict[Loc, str] = {}
    walk_nodes(node, (), positions, path, error, texts=texts)
    return Document(path=path, data=loader.construct_document(node), positions=positions, texts=texts)


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: str, error: type[E]) -> E:
    """A character YAML does not allow; its position is an offset into the text."""
    line = text.count("\n", 0, exc.position) + 1
    col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    return reader_error(exc, path, line, col, error)


def reader_error(exc: yaml.reader.ReaderError, path: str, line: int, column: int, error: type[E]) -> E:
    """The one-line error for a character YAML refuses: a byte that is not UTF-8 (read with surrogateescape,
    see ``read_text``), a lone surrogate, or a control character."""
    code = exc.character if isinstance(exc.character, int) else None
    if code is not None and 0xDC80 <= code <= 0xDCFF:
        return error(not_utf8(code - 0xDC00), file=path, line=line, column=column)
    char = f"U+{code:04X}" if code is not None else repr(exc.character)
    return error(f"invalid YAML: {exc.reason} (character {char})", file=path, line=line, column=column)


def not_utf8(byte: int) -> str:
    """The message for a byte that is not UTF-8."""
    return f"the file is not UTF-8 text (byte 0x{byte:02X}; save it as UTF-8)"


def read_text(path: str | Path, error: type[E]) -> str:
    """A file's text. Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``), so the reader
    that meets one reports its line; a missing or unreadable file is ``error``."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise error("file not found", file=path) from exc
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}", file=path) from exc
    return decode_text(data, path, error)


def decode_text(data: bytes, path: str | Path, error: type[E]) -> str:
    """A file's bytes as text, as ``read_text`` reads them (for a caller that also hashes those very bytes)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise error("the file is UTF-16 text; save it as UTF-8", file=path, line=1, column=1)
    return data.decode("utf-8", errors="surrogateescape")


def load_yaml(path: str | Path, error: type[E]) -> Document:
    """Read and parse a YAML file; a missing or unreadable file is ``error`` too."""
    return parse_yaml(read_text(path, error), path, error)


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, if one is close enough (difflib, imported on the first miss)."""
    import difflib

    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return matches[0] if matches else None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """Best-effort: the pydantic model class that owns the last key of ``loc`` (pydantic's loc, union tags included)."""
    candidates: list[type[BaseModel]] = [model]
    for part in loc[:-1]:
        if isinstance(part, int) or not candidates:
            continue
        tagged = [m for m in candidates if part in _tags(m)] if len(candidates) > 1 else []
        if tagged:  # a discriminated union names the member it chose by its tag
            candidates = tagged[:1]
            continue
        owner = next((m for m in candidates if part in _field_names(m)), None)
        candidates = _models_in(owner.model_fields[_field_names(owner)[part]].annotation) if owner else []
    return candidates[0] if len(candidates) == 1 else None


def _field_names(model: type[BaseModel]) -> dict[str, str]:
    """Key as written in the file (alias, else name) -> field name."""
    return {(f.alias or name): name for name, f in model.model_fields.items()}


def _tags(model: type[BaseModel]) -> set[str]:
    """Values of the model's Literal fields (a discriminated union's tags)."""
    return {str(v) for f in model.model_fields.values() if get_origin(f.annotation) is Literal
            for v in get_args(f.annotation)}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every model class inside an annotation (list[...], Optional, Annotated[Union[...], ...])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        found += [m for m in _models_in(arg) if m not in found]
    return found


def translate_validation_error(
    exc: ValidationError,
    doc: Document,
    model: type[BaseModel],
    error: type[E],
    prefix: Loc = (),
    **extra: Any,
) -> E:
    """Turn the first pydantic error into a one-line positioned project error."""
    errors = exc.errors(include_url=False)
    # A misspelled key also makes the real key "missing": report the cause (the unknown key) first.
    priority = {"union_tag_invalid": 0, "extra_forbidden": 1}
    first = min(errors, key=lambda e: priority.get(e["type"], 2))
    raw_loc = tuple(first["loc"])
    if first["type"] == "union_tag_invalid":
        raw_loc += (str((first.get("ctx") or {}).get("discriminator", "kind")).strip("'\""),)
    # drop discriminator tags that pydantic inserts into the loc of tagged unions
    loc = tuple(p for p in raw_loc if not (isinstance(p, str) and p.endswith("]") and "[" in p))
    loc = tuple(p for i, p in enumerate(loc) if not (p in _UNION_TAGS and i and isinstance(loc[i - 1], int)))
    full = prefix + loc
    line, col = doc.position(full)
    kind = first["type"]
    suggestion = None
    message = first["msg"]
    if kind == "extra_forbidden":
        owner = _model_at(model, tuple(first["loc"]))
        if owner is not None:
            suggestion = suggest(loc[-1], _field_names(owner))
        message = "unknown field"
    elif kind in ("literal_error", "enum", "union_tag_invalid"):
        ctx = first.get("ctx") or {}
        expected = ctx.get("expected") or ctx.get("expected_tags") or ""
        choices = [c.strip().strip("'\"") for c in str(expected).replace(" or ", ",").split(",")]
        value = first.get("input")
        if kind == "union_tag_invalid":
            value = ctx.get("tag", value)
        suggestion = suggest(value, [c for c in choices if c])
        message = f"unknown value {value!r}; expected one of {expected}"
    elif kind == "missing":
        message = "required field is missing"
    elif kind.startswith("date_") or kind.startswith("datetime_"):
        message = date_problem(first.get("input"))
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        value = first.get("input")  # the number as written (YAML, CSV text), a Decimal (JSON) or a number (API)
        message = f"{message}, got {value if isinstance(value, (str, int, float, Decimal)) else repr(value)}"
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    return error(message, file=doc.path, line=line, column=col, field=format_loc(full), suggestion=suggestion, **extra)


def keep_source_texts(data: Any, doc: Document, model: type[BaseModel], prefix: Loc = ()) -> Any:
    """``data`` (a parsed item at ``prefix``) with every text field that YAML 1.1 read as a number or a bool
    given back as written: ``id: 0042`` is the id '0042', not 34; ``name: yes`` is 'yes'; and every decimal field
    read from its text, as CSV and JSON lines read it (``fte: 0.99999999999999999`` is not the float 1.0).
    Changed in place."""
    for loc, text in doc.texts.items():
        if loc[:len(prefix)] != prefix or len(loc) == len(prefix):
            continue
        if not _takes_text(_annotation_at(model, loc[len(prefix):])):
            continue
        parent = data
        for part in loc[len(prefix):-1]:
            parent = _child(parent, part)
        if isinstance(parent, dict) and loc[-1] in parent or isinstance(parent, list) and isinstance(loc[-1], int) \
                and loc[-1] < len(parent):
            parent[loc[-1]] = text
    return data


def _child(parent: Any, part: str | int) -> Any:
    if isinstance(parent, dict):
        return parent.get(part)
    if isinstance(parent, list) and isinstance(part, int) and part < len(parent):
        return parent[part]
    return None


def _annotation_at(model: type[BaseModel], loc: Loc) -> Any:
    """The annotation of the field at ``loc`` under ``model`` (None where no single model field is known)."""
    return _annotation_cached(model, tuple(0 if isinstance(p, int) else p for p in loc))


@functools.lru_cache(maxsize=4096)
def _annotation_cached(model: type[BaseModel], loc: Loc) -> Any:
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            args = get_args(annotation) if get_origin(annotation) is list else ()
            annotation = args[0] if args else None
            continue
        models = _models_in(annotation) if annotation is not None else []
        name = _field_names(models[0]).get(part) if len(models) == 1 else None
        if name is None:
            return None
        annotation = models[0].model_fields[name].annotation
    return annotation


def _takes_text(annotation: Any) -> bool:
    """A str or Decimal field (optional or not) or a Literal of strings: the text as written is its value."""
    if annotation is str or annotation is Decimal:
        return True
    if get_origin(annotation) is Literal:
        return all(isinstance(a, str) for a in get_args(annotation))
    args = [a for a in get_args(annotation) if a is not type(None)]
    return get_origin(annotation) in (Union, types.UnionType) and len(args) == 1 and _takes_text(args[0])


_ISO_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_problem(text: Any) -> str:
    """Why ``text`` is not a date: a day the calendar lacks ("no such day"), or not an ISO date at all."""
    if isinstance(text, str) and _ISO_SHAPE.match(text):
        return f"no such day ({text})"
    shown = str(text) if isinstance(text, Decimal) else repr(text)  # a JSON number read as a decimal, as written
    return f"expected an ISO date (YYYY-MM-DD), got {shown}"


M = TypeVar("M", bound=BaseModel)


def validate_document(doc: Document, model: type[M], error: type[E], what: str, keys: str) -> M:
    """Validate a whole parsed document against ``model`` (``what`` names the file kind, ``keys`` its top-level keys)."""
    if not isinstance(doc.data, dict):
        raise error(f"{what} must be a mapping ({keys})", file=doc.path, line=1)
    try:
        return model.model_validate(keep_source_texts(doc.data, doc, model))
    except ValidationError as exc:
        raise translate_validation_error(exc, doc, model, error) from exc


_UNION_TAGS: set[str] = set()


def register_union_tags(tags: Iterable[str]) -> None:
    """Tags of discriminated unions, stripped from error locations (pydantic inserts them)."""
    _UNION_TAGS.update(tags)
