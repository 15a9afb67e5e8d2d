"""Fixtures every test folder shares (helpers import from the tests folder, see pyproject's pythonpath)."""

from pathlib import Path

import pytest
from synthetic_data import write_synthetic_dataset


@pytest.fixture(scope="session")
def synthetic_dataset(tmp_path_factory) -> Path:
    """Two temperatures x four configurations of 64 particles, three times: read-only for tests."""
    directory = tmp_path_factory.mktemp("synthetic")
    write_synthetic_dataset(directory)
    return directory
