import pytest

from redress.imports.system import system_account


@pytest.fixture
def general(settings):
    settings.REDRESS_POLICY = "general"


@pytest.fixture
def importer(org, general):
    return system_account("import", "批量导入 Import")
