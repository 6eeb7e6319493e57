"""Binds every feature file under features/ to pytest-bdd scenarios.

Run only through `conformance.scenarios.run_scenarios` (or pytest with `-p conformance.plugin`
and `-c conformance/scenario_tests/pytest.ini`); the project's own test suite does not collect it.
"""

from pytest_bdd import scenarios

from conformance.settings import HarnessSettings

scenarios(str(HarnessSettings().features_dir))
