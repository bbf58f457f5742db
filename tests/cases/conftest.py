"""The case tests' council (tests/cases/setting.py)."""

import pytest

from tests.cases.setting import Setting, make_setting


@pytest.fixture
def cases(db) -> Setting:
    return make_setting()
