"""Render the first page of a document to PNG with LibreOffice headless (kept beside the screenshots)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
ARTIFACTS = SHOTS.parent / "reports"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def render_first_page(name: str, data: bytes) -> Path:
    """Write the document and a PNG of its first page to test-artifacts/reports/; skip without LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui "
                    "libreoffice-impress-nogui libreoffice-calc-nogui); no page picture made")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / name
    source.write_bytes(data)
    with tempfile.TemporaryDirectory() as profile:  # a profile of its own: parallel runs do not collide
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "png",
                        "--outdir", str(ARTIFACTS), str(source)], check=True, capture_output=True, timeout=240)
    picture = source.with_suffix(".png")
    assert picture.exists() and picture.stat().st_size > 5_000, picture
    return picture
