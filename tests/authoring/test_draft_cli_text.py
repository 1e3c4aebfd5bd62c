"""``rules draft`` reads a specification file as the service reads an uploaded one: a byte-order mark (as Windows
editors save UTF-8) is dropped, so the draft is the same as from the file without it; an empty file says so."""

from __future__ import annotations

from click.testing import CliRunner
from authoring.test_draft import SPEC

from eligibility.cli import main


def _draft(tmp_path, name: str, data: bytes):
    spec = tmp_path / name
    spec.write_bytes(data)
    out = tmp_path / (name + ".yaml")
    result = CliRunner().invoke(main, ["rules", "draft", str(spec), "--agency", "mini", "-o", str(out)])
    return result, out


def test_a_byte_order_mark_is_dropped(tmp_path):
    plain, plain_out = _draft(tmp_path, "spec.txt", SPEC.encode("utf-8"))
    (tmp_path / "bom").mkdir()
    marked, marked_out = _draft(tmp_path / "bom", "spec.txt", b"\xef\xbb\xbf" + SPEC.encode("utf-8"))
    assert plain.exit_code == 0 and marked.exit_code == 0, marked.output
    assert marked_out.read_text(encoding="utf-8") == plain_out.read_text(encoding="utf-8")
    assert "\\uFEFF" not in marked_out.read_text(encoding="utf-8")


def test_an_empty_specification_says_it_is_empty(tmp_path):
    for data in (b"", b"\xef\xbb\xbf", b"\n \n"):
        result, out = _draft(tmp_path, "empty.txt", data)
        assert result.exit_code == 2
        assert result.stderr.strip() == f"eligibility: error: {tmp_path / 'empty.txt'}: the specification is empty"
        assert not out.exists()
