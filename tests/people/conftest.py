"""The people tests' shared setting (see setting.py)."""

import pytest

from tests.people.setting import Setting, make_setting


@pytest.fixture
def setting(db) -> Setting:
    return make_setting()
