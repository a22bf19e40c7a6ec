import pytest

from redress.imports.system import system_account
from tests.web.conftest import signed_in  # noqa: F401 (a fixture for the migration tests too)


@pytest.fixture
def general(settings):
    settings.REDRESS_POLICY = "general"


@pytest.fixture
def importer(org, general):
    return system_account("import", "批量导入 Import")
