"""Hypothesis profiles: CI (CI=true) gets hypothesis's own deterministic "ci" profile; local runs "dev"."""

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=300, deadline=None)
if not os.environ.get("CI") and not os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile("dev")
elif os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
