"""A rule file proposed from the rules page's editor is stored with the line ends it was written with: a browser
sends a textarea's lines joined by CR LF, and the version keeps LF, so that its SHA-256 is the file's (as ``db rules
import`` or the API would store it) and ``db rules export`` writes it back as it was."""

from __future__ import annotations

import hashlib

from service.test_rules_versions import URL, relabelled, with_stored_rules


def test_a_proposal_from_the_page_keeps_the_files_line_ends(sqlite_world):
    with_stored_rules(sqlite_world)
    hr = sqlite_world.as_("hr.ccwd")
    shipped = hr.get(URL).json()["items"][0]["id"]
    text = relabelled("typed-in-a-browser")
    assert "\r" not in text
    made = hr.post("/hr/rules", params={"agency": "ccwd"}, follow_redirects=False,
                   data={"text": text.replace("\n", "\r\n"), "based_on": str(shipped)})
    assert made.status_code == 303, made.text[:300]
    version = hr.get(URL).json()["items"][-1]
    assert version["rules_version"] == "typed-in-a-browser"
    assert version["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert hr.get(f"{URL}/{version['id']}").json()["text"] == text
