"""The reclassification tests' world: a copy of the shipped rules and roster in a folder of the test's own, with a
proposal to write beside them (tests/reclass_world.py)."""

from __future__ import annotations

import pytest
from reclass_world import World


@pytest.fixture()
def world(tmp_path):
    return World(tmp_path)
