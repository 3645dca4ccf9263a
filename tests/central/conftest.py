"""A PostgreSQL cluster for the whole session (started once, ~1 s) and the intake on either database."""

from __future__ import annotations

import pytest

from tests import pgcluster


@pytest.fixture(scope="session")
def pg():
    if not pgcluster.available():
        pytest.skip("PostgreSQL binaries are not installed (deploy/install-system-packages.sh installs them)")
    with pgcluster.cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def intake_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.sqlite3'}"
    return request.getfixturevalue("pg").create_database()
