"""Source documents as citations and the sentence extractor read them: folded text in its three readings (as
amended, as originally written, literally), and the folder they come from, read on first use."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from eligibility.errors import InputError

STRUCK = re.compile(r"~~(.*?)~~", re.S)
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def fold(text: str) -> str:
    """Text as a quote is compared: typographic quotes made straight, **bold** marks dropped, whitespace folded."""
    return " ".join(text.translate(_TYPOGRAPHY).replace("**", "").split())


@dataclass(frozen=True)
class SourceText:
    """A source document in the three readings a quote may come from."""

    name: str
    current: str   # struck-through (~~deleted~~) passages removed: the text as amended
    original: str  # strike-through marks removed, struck words kept: the text before amendment
    literal: str   # the file as it is
    text: str = ""  # the file as read, lines kept (the sentence extractor reads it)

    @classmethod
    def from_text(cls, name: str, text: str) -> "SourceText":
        return cls(name, fold(STRUCK.sub(" ", text)), fold(text.replace("~~", "")), fold(text), text)

    def find(self, quote: str) -> str | None:
        """Which reading holds the quote ('current', 'original' or 'literal'), or None."""
        wanted = fold(quote)
        for reading in ("current", "original", "literal"):
            if wanted in getattr(self, reading):
                return reading
        return None

    def closest(self, quote: str) -> str:
        """The passage of the amended text that shares the longest run of words with the quote."""
        wanted = fold(quote)
        haystack = self.current
        match = difflib.SequenceMatcher(None, haystack, wanted, autojunk=False).find_longest_match(
            0, len(haystack), 0, len(wanted))
        start = max(0, match.a - match.b)
        end = min(len(haystack), start + len(wanted))
        if start > 0 and haystack[start - 1] != " ":  # do not begin inside a word
            start = haystack.find(" ", start, match.a) + 1 if " " in haystack[start:match.a] else start
        while end < len(haystack) and haystack[end] != " ":  # nor end inside one
            end += 1
        return haystack[start:end].strip()


def plain_name(name: str) -> bool:
    """A document name is a file name of the sources folder: no folder part, no drive, not '.' or '..'."""
    return name not in ("", ".", "..") and not any(c in name for c in "/\\:\0")


class SourceLibrary:
    """The folder of source documents, read on first use; nothing outside it is ever opened."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise InputError("sources folder not found", file=self.folder)
        self._texts: dict[str, SourceText | None] = {}

    def outside(self, name: str) -> str | None:
        """Why ``name`` does not name a file inside the folder (a path, or a link leading out), or None."""
        if not plain_name(name):
            return "is not a plain file name"
        try:
            (self.folder / name).resolve().relative_to(self.folder.resolve())
        except ValueError:
            return "is a link to a file outside the sources folder"
        except OSError:  # a link loop: nothing to read either
            return "is a link that cannot be followed"
        return None

    def get(self, name: str) -> SourceText | None:
        """The document's text, or None when it is missing, unreadable or not inside the folder."""
        if name not in self._texts:
            path = self.folder / name
            if self.outside(name):
                self._texts[name] = None
                return None
            try:
                self._texts[name] = SourceText.from_text(name, path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                self._texts[name] = None
        return self._texts[name]


class AttachedSources:
    """Specification texts kept in memory (the service keeps them with a rules version), answering lint as the
    sources folder does for the documents it holds. A document it does not hold is not checked (``partial``):
    lint's caller says so, instead of reporting the document missing."""

    partial = True

    def __init__(self, texts: dict[str, str], where: str = "the attached specification texts") -> None:
        self.folder = where
        self._texts = {name: SourceText.from_text(name, text) for name, text in texts.items() if plain_name(name)}

    def outside(self, name: str) -> str | None:
        return None if plain_name(name) else "is not a plain file name"

    def get(self, name: str) -> SourceText | None:
        return self._texts.get(name)

    def holds(self, name: str) -> bool:
        return name in self._texts


def decode_specification(data: bytes, name: str) -> str:
    """An uploaded specification's text: UTF-8 (a byte-order mark is dropped); InputError naming the file and the
    line of the first byte that is not UTF-8 otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("the specification is not UTF-8 text (save it as UTF-8 and upload it again)", file=name,
                         line=line) from None


__all__ = ["STRUCK", "AttachedSources", "SourceLibrary", "SourceText", "decode_specification", "fold", "plain_name"]
