"""Reading a page's forms as a browser would submit them (for the server-side page tests): each form's action and
the values of its inputs, selects (the selected option) and textareas; checkboxes only when checked."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._first: tuple[str, str] | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": a.get("method", "get"), "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") == "file":
                return
            fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select, self._first, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None:
                self._first = (self._select, value)
            if "selected" in a and not self._chosen:
                fields.append((self._select, value))
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first:
                self.forms[-1]["fields"].append(self._first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form(html: str, action: str) -> dict:
    """The first form posting to ``action``: {"action", "method", "fields": [(name, value), ...]}."""
    found = [f for f in forms(html) if f["action"] == action]
    assert found, f"no form with action {action!r}"
    return found[0]


def as_data(fields, **changes) -> dict:
    """The fields as a dict of lists (for TestClient ``data=``), with some values replaced."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data
