"""Fuzzing profiles: a bounded number of examples in CI, many more by hand (HYPOTHESIS_PROFILE=many)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Fuzz targets open real stores and write real files, so examples are slow and deadlines meaningless.
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=60, **_COMMON)
settings.register_profile("many", max_examples=5000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
