"""Every HTML file the program writes loads nothing from elsewhere: a Content-Security-Policy allowing only its own
inline style and script (by SHA-256), and no image element from the data it shows (issue 22, item 7)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

from factories import SAMPLES

from eligibility.output.html_assets import self_contained
from eligibility.output.html_report import info_for, render_html

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def _policy(page: str) -> dict[str, list[str]]:
    (content,) = CSP.findall(page)
    return {name: values for name, *values in (part.split() for part in content.split("; "))}


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_html_report_allows_its_own_style_and_script_by_hash_and_nothing_else(evaluator):
    roster = evaluator.load_roster(SAMPLES / "ccwd.yaml")
    as_of = dt.date(2026, 11, 24)
    page = render_html(evaluator.evaluate_roster(roster, as_of), info_for(roster, as_of, "Coastside"))
    policy = _policy(page)
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert policy == {"default-src": ["'none'"], "style-src": [_sha(style)], "script-src": [_sha(script)],
                      "img-src": ["'none'"], "base-uri": ["'none'"], "form-action": ["'none'"]}
    assert page.index("Content-Security-Policy") < page.index("<style>")  # in force before the first inline element
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv=')


def test_an_image_from_elsewhere_is_dropped_and_its_alt_text_kept():
    page = self_contained('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
                          '<h2>Plan <img src="http://evil.example/logo.png" alt="logo &amp; co" /></h2>'
                          '<p><img src="https://x.example/p.gif" title="t"></p></body></html>')
    assert "<img" not in page and "evil.example" not in page and "x.example" not in page
    assert "<h2>Plan logo &amp; co</h2><p></p>" in page
    assert _policy(page)["style-src"] == ["'none'"] and _policy(page)["script-src"] == ["'none'"]
