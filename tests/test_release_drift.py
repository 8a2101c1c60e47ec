"""notebooks/ is exactly what `nbgrader generate_assignment` makes of solutions/."""

import json

import pytest
from conftest import REPO

from grader.pipeline import RELEASE, assignments, notebook_name

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignments())
def test_committed_release_matches_a_fresh_generate_assignment(graded_course, assignment):
    name = notebook_name(assignment)
    fresh = json.loads((graded_course.course.release_dir / assignment / name).read_text())
    committed = json.loads((RELEASE / assignment / name).read_text())
    assert committed == fresh, (
        f"{RELEASE.relative_to(REPO)}/{assignment} differs from a fresh release of "
        "solutions/: run `python -m grader release` and commit notebooks/ (never edit it by hand)")
