"""Marks that test files share."""

import os

import pytest

from journeys.charts import images

needs_browser = pytest.mark.skipif(
    images.browser_path() is None and not os.environ.get("CI"),  # CI installs Chromium: there such a test must run
    reason="no Chrome or Chromium to draw images",
)
"""A test that draws images: skipped where no browser is installed, except in CI, where it fails instead."""
