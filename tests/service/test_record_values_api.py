"""HR's record edits through the API read values by the records' one rule (issue 22, item 1): a number in a date
field is a 422 naming the field (it was stored as 1970-01-01 and turned not_yet into eligible), ids are kept
NFC-normalised without surrounding spaces, an unknown past level is refused with did-you-mean."""

from __future__ import annotations

import pytest
from service.service_world import if_match

URL = "/api/v1/employees/ccwd/CCWD-010"


@pytest.mark.parametrize("start", [0, 1609718400, 2021.5, "1609718400", "2022-09-12T00:00:00"])
def test_a_number_in_a_date_field_is_refused_naming_the_field(sqlite_world, start):
    hr = sqlite_world.as_("hr.ccwd")
    record = hr.get(URL).json()["record"]
    record["assignments"][0]["start"] = start
    answer = hr.put(URL, json=record, headers=if_match(hr, URL))
    assert answer.status_code == 422
    shown = repr(start) if isinstance(start, str) else start
    assert answer.json()["errors"] == [{"field": "assignments[0].start",
                                        "message": f"expected an ISO date (YYYY-MM-DD), got {shown}"}]
    assert hr.get(URL).json()["record"]["assignments"][0]["start"] == "2022-09-12"  # nothing stored
    patched = hr.patch(URL, json={"leaves": [{"start": 0, "counts_toward_service": True}]}, headers=if_match(hr, URL))
    assert patched.status_code == 422 and patched.json()["errors"][0]["field"] == "leaves[0].start"


def test_an_unknown_level_of_an_ended_assignment_is_refused_with_did_you_mean(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    answer = hr.patch(URL, headers=if_match(hr, URL), json={"assignments": [
        {"class": "customer-service-specialist", "level": "l", "start": "2019-01-07", "end": "2022-09-11"},
        {"class": "customer-service-specialist", "level": "I", "start": "2022-09-12"}]})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{
        "field": "assignments[0].level", "suggestion": "I",
        "message": "unknown level 'l' of class 'customer-service-specialist' (its levels: I, II)"}]


def test_a_position_id_is_kept_as_every_reader_keeps_it(sqlite_world):
    hr = sqlite_world.as_("hr.ccwd")
    answer = hr.patch(URL, headers=if_match(hr, URL), json={"assignments": [
        {"class": "customer-service-specialist", "level": "I", "start": "2022-09-12",
         "position": "\u00a0CCWD-POS-CSS1-1\u3000"}]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["record"]["assignments"][0]["position"] == "CCWD-POS-CSS1-1"


@pytest.mark.parametrize("fte, stored", [("0.99999999999999999", "0.99999999999999999"), ("0.5", "0.5")])
def test_an_fte_sent_to_the_api_is_read_from_its_text_as_every_reader_reads_it(sqlite_world, fte, stored):
    """JSON numbers are decimals, as in the YAML, CSV, JSONL and Parquet readers: the float 1.0 would meet the time
    a day earlier than the CSV reading of the same text."""
    hr = sqlite_world.as_("hr.ccwd")
    body = ('{"assignments": [{"class": "customer-service-specialist", "level": "I", "start": "2022-09-12", '
            f'"fte": {fte}}}]}}')
    answer = hr.patch(URL, content=body.encode(), headers={**if_match(hr, URL), "content-type": "application/json"})
    assert answer.status_code == 200, answer.text
    assert str(hr.get(URL).json()["record"]["assignments"][0]["fte"]) == stored
    assert hr.patch(URL, content=b"{not json", headers={**if_match(hr, URL), "content-type": "application/json"}
                    ).status_code == 422
