"""Grading mode: whether nbgrader is running this notebook (autograde or validate).

nbgrader sets ``NBGRADER_EXECUTION`` in the kernel while it grades. Notebooks use
:func:`grading_mode` to skip what only a person needs (interactive widgets, long
training) so that grading stays fast and deterministic.
"""

import os

GRADING_ENV = "NBGRADER_EXECUTION"


def grading_mode() -> bool:
    """Return True while nbgrader autogrades or validates this notebook."""
    return os.environ.get(GRADING_ENV, "") in {"autograde", "validate"}
