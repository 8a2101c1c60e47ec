"""notebooks/ is exactly what `nbgrader generate_assignment` makes of solutions/."""

import json

import pytest

from grader.paths import RELEASE, REPO, assignments

pytestmark = pytest.mark.slow
HINT = ("run `python -m grader release` and commit notebooks/ (never edit it by hand)")


def files(folder):
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
            and ".ipynb_checkpoints" not in p.parts}


@pytest.mark.parametrize("assignment", assignments())
def test_committed_release_matches_a_fresh_generate_assignment(graded_course, assignment):
    fresh = files(graded_course.course.release_dir / assignment)
    committed = files(RELEASE / assignment)
    where = f"{RELEASE.relative_to(REPO)}/{assignment}"
    assert sorted(committed) == sorted(fresh), (
        f"{where} has other files than a fresh release: {HINT}")
    for name, path in fresh.items():
        if name.endswith(".ipynb"):  # compared as JSON: the same notebook, however indented
            same = json.loads(committed[name].read_text()) == json.loads(path.read_text())
        else:
            same = committed[name].read_bytes() == path.read_bytes()
        assert same, f"{where}/{name} differs from a fresh release of solutions/: {HINT}"
