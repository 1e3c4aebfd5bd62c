"""The staff report downloaded from the reclassification page loads nothing from elsewhere (issue 22, item 7): an
image in a proposal's title is dropped and the file carries a Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from service.service_world import PROPOSALS, build_world
from service.web_forms import as_data, form


@pytest.fixture(scope="module")
def site(tmp_path_factory, evaluator):
    built = build_world(str(tmp_path_factory.mktemp("csp") / "store.sqlite3"), evaluator)
    yield built
    built.db.close()


def test_the_downloaded_staff_report_has_a_policy_and_no_image_from_elsewhere(site):
    hr = site.signed_in("hr.ccwd")
    text = PROPOSALS["ccwd"].read_text().replace('title: "Customer Service',
                                                 'title: "![logo](http://evil.example/logo.png) Customer Service', 1)
    shown = hr.post("/hr/reclass", data={"csrf_token": hr.csrf}, files={"proposal": ("p.yaml", text.encode())})
    assert shown.status_code == 200
    html = hr.post("/hr/reclass", data={**as_data(form(shown.text, "/hr/reclass")["fields"]), "output": "html"})
    assert html.status_code == 200
    assert html.headers["content-disposition"] == 'attachment; filename="ccwd-2017-css.html"'
    assert "<img" not in html.text and "src=" not in html.text and "<h2>" in html.text
    (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html.text)
    assert policy.startswith("default-src 'none'; style-src 'sha256-") and "img-src 'none'" in policy
    assert "script-src 'none'" in policy  # the staff report has no script
