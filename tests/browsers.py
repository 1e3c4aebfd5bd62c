"""Where headless Chromium and its driver are, the flags every browser test starts it with, and the skip mark for
their absence (the ``browser`` fixture itself is in conftest.py)."""

from __future__ import annotations

import shutil

import pytest

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900"]
needs_browser = pytest.mark.skipif(BROWSER is None or DRIVER is None,
                                   reason="headless browser test needs chromium and chromedriver "
                                          "(apt-get install chromium chromium-driver)")
