"""`kiosk central release publish` with the real project wheel (built once per session), and what it refuses."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

import kiosk
from kiosk.central.release import build_project_wheel, publish_release
from kiosk.errors import BadInput
from kiosk.sync.feed import object_path
from kiosk.sync.signing import load_trusted_keys, verify_root
from kiosk.update.release import RELEASE_DIR, parse_release_index
from tests.conftest import REPO
from tests.sync.feedkit import make_keys
from tests.update.wheelkit import fake_project_wheel


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory):
    return build_project_wheel(REPO, tmp_path_factory.mktemp("project-wheel"))


def test_the_real_project_wheel_is_signed_into_the_feed_with_pip_for_the_next_update(
    project_wheel, release_key, tmp_path
):
    empty = tmp_path / "no-deps"
    empty.mkdir()
    report = publish_release(tmp_path / "feed", [release_key], wheel=project_wheel, wheels_dir=empty)
    assert (report.release, report.index_version_after, report.wheels) == (kiosk.__version__, 1, 2)
    raw = (tmp_path / "feed" / RELEASE_DIR / "root.json").read_bytes()
    index = parse_release_index(verify_root(raw, load_trusted_keys([str(release_key.with_name("feed.pub"))])))
    stored = tmp_path / "feed" / RELEASE_DIR / object_path(index.wheel.sha256)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == index.wheel.sha256 == report_sha(project_wheel)
    assert [w.name.split("-")[0] for w in index.dependencies] == ["pip"]
    names = zipfile.ZipFile(project_wheel).namelist()
    assert "kiosk/update/layout.py" in names and "kiosk/ui/screens/home.kv" in names


def report_sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_wheel_of_another_project_is_not_published(release_key, tmp_path):
    other = tmp_path / "requests-2.0-py3-none-any.whl"
    other.write_bytes(b"PK")
    with pytest.raises(BadInput, match="is not a wheel of disclosure-kiosk"):
        publish_release(tmp_path / "feed", [release_key], wheel=other, wheels_dir=tmp_path, include_pip=False)
    assert not (tmp_path / "feed").exists()


def test_an_index_signed_by_another_key_is_not_overwritten(release_key, locked_dependencies, tmp_path):
    wheel = fake_project_wheel(tmp_path / "w", "1.0")
    publish_release(tmp_path / "feed", [release_key], wheel=wheel, wheels_dir=locked_dependencies, include_pip=False)
    stranger = make_keys(tmp_path / "stranger")
    with pytest.raises(BadInput, match="does not verify"):
        publish_release(tmp_path / "feed", [stranger], wheel=wheel, wheels_dir=locked_dependencies, include_pip=False)
    signed = json.loads((tmp_path / "feed" / RELEASE_DIR / "root.json").read_text())["signed"]
    assert signed["version"] == 1
