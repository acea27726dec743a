"""The Export page in a real browser: a presenter downloads a slide and the whole journey pack."""

import io
import zipfile

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Page, expect

from journeys.io import interchange
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

BROADBAND = "Broadband: router set-up and the hotline"
STEM = "broadband-router-set-up-and-the-hotline"


def open_export(page: Page, app_url: str) -> None:
    """Open Export from the sidebar and pick the broadband demo."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Export").click()
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Journey").click()
    page.get_by_role("option", name=BROADBAND, exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Export")).to_be_visible()


def download(page: Page, key: str) -> tuple[str, bytes]:
    """Click the download button with widget key ``key``; return the file's suggested name and its bytes."""
    button = page.locator(f".st-key-{key.replace('.', '-')}").get_by_role("button")  # Streamlit's class for the key
    with page.expect_download(timeout=60_000) as info:
        button.click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def test_map_png_download_is_a_slide(page: Page, app_url: str):
    """Two clicks after picking the journey: the map arrives as a bright 1920×1080 PNG named after the journey."""
    open_export(page, app_url)
    name, data = download(page, "export.png.map")
    assert name == f"{STEM}-map.png"
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (1920, 1080)
    assert ImageStat.Stat(image.convert("L")).mean[0] > 150


def test_whole_journey_pack_holds_images_and_data(page: Page, app_url: str):
    """The pack is one ZIP with the figures, a slide per stage and the data, whose JSON imports back."""
    open_export(page, app_url)
    name, data = download(page, "export.pack")
    assert name == f"{STEM}.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for ending in (
            ".json",
            ".csv",
            ".graphml",
            ".mmd",
            "-flowchart.mmd",
            "-map.png",
            "-heatmap.png",
            "-emotions.png",
            "-matrix.png",
        ):
            assert f"{STEM}/{STEM}{ending}" in names
        assert sum("-stage-" in n for n in names) == 7
        assert interchange.loads(archive.read(f"{STEM}/{STEM}.json")).graph["name"] == BROADBAND
