"""The HR page's roster import takes every roster format ``db import`` reads (YAML, JSON lines, CSV with its two
companions, Parquet), offers exactly those in its file picker and its error, and never offers one it cannot read."""

from __future__ import annotations

import re

from factories import SAMPLES
from service.service_world import text_of

from eligibility.records.writers import write_roster
from eligibility.service.pages_hr import ROSTER_SUFFIXES

OFFERED = (".yaml", ".yml", ".jsonl", ".ndjson", ".csv", ".parquet")


def _sample_as(tmp_path, name: str) -> bytes:
    import yaml

    document = yaml.safe_load((SAMPLES / "ccwd.yaml").read_text(encoding="utf-8"))
    header = {k: v for k, v in document.items() if k != "employees"}
    path = tmp_path / name
    write_roster(path, header, document["employees"], "jsonl")
    return path.read_bytes()


def test_a_json_lines_roster_is_previewed_like_the_yaml_one(sqlite_world, tmp_path):
    hr = sqlite_world.as_("hr.ccwd")
    for name in ("ccwd.jsonl", "ccwd.ndjson"):
        answer = hr.post("/hr/import", params={"agency": "ccwd"},
                         files={"roster": (name, _sample_as(tmp_path, name), "application/octet-stream")})
        assert answer.status_code == 200, text_of(answer.text)[:400]
        assert "Nothing was saved" not in answer.text and "14 employees" in text_of(answer.text)


def test_the_page_offers_only_the_formats_it_reads(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    assert ROSTER_SUFFIXES == OFFERED
    picker = re.search(r'<input id="roster"[^>]*accept="([^"]*)"', hr.get("/hr", params={"agency": "ccwd"}).text)
    assert picker.group(1) == ",".join(OFFERED)
    refused = hr.post("/hr/import", params={"agency": "ccwd"},
                      files={"roster": ("ccwd.json", b'{"agency": "ccwd"}', "application/json")})
    assert refused.status_code == 422
    assert "give one roster file (.yaml, .yml, .jsonl, .ndjson, .csv with its .history.csv and .positions.csv, or " \
           ".parquet); got: ccwd.json" in refused.text
