"""Bad submissions: everything a student can hand in that the grader must survive.

One catalogue for the class simulation (grader/roster.py puts each kind in the class of
``make course``) and for the tests (tests/test_class_run.py grades them all and
states what each must get). Each kind spoils an assignment's first graded function, or
the notebook around it, and keeps the rest of the reference answers, so that what the
grader does with the trouble is all that differs from full marks.
"""

import json

import nbformat

from grader import cells
from grader.paths import RELEASE, assignments, notebook_name, released_notebook, source_notebook
from grader.submissions import Work, make_submission, reference_answers

# what each kind of student did
KINDS = {
    "syntax-error": "a function that does not parse",
    "import-error": "imports a module that does not exist",
    "loop-in-function": "a function that never returns",
    "endless-loop": "a loop that never ends, at the top level of a cell",
    "kernel-dies": "ends the kernel's process (os._exit)",
    "segfault": "crashes the kernel (reads memory at address 0)",
    "memory-hog": "asks for 12 GiB of memory",
    "megabytes-of-output": "prints 5 MB",
    "edited-tests": "replaced every test cell with `pass`",
    "deleted-test": "deleted the first test cell",
    "reordered-tests": "swapped the first test cell with the cell after it",
    "duplicated-test": "copied the first test cell",
    "edited-metadata": "gave the first test cell 100 points in its metadata",
    "tests-tagged-demo": "left the first function blank and tagged every test cell `demo` "
                         "(demonstrations are not run while grading)",
    "other-assignment": "handed in another assignment's notebook",
    "spy": "a correct answer that tries to read the solutions and the gradebook, write "
           "beside other submissions and reach the network",
    "not-json": "a file that is not a notebook",
    "renamed": "the notebook under another name",
    "empty": "no notebook at all",
    "late": "correct, a day after the due date",
}
# Where the spy tries to connect. Nothing answers there on a machine without network;
# the tests start a web server on loopback and point this at it, to show the grader can
# reach it and student code cannot.
PROBE_URL = "http://1.1.1.1/"


def bad_submission(kind: str, assignment: str, workdir, release_dir=RELEASE) -> Work:
    """What a student of ``kind`` (a key of KINDS) hands in for ``assignment``, graded in
    the work area ``workdir``."""
    release_path = released_notebook(assignment, release_dir)
    reference = reference_answers(source_notebook(assignment))
    good = make_submission(release_path, reference)
    first = next(cells.grade_id(c) for c in good.cells if cells.is_answer_code(c))
    tests = [i for i, c in enumerate(good.cells) if cells.is_test(c)]

    def with_first(source):
        return Work(make_submission(release_path, {first: source}, reference))

    def with_cells(change):
        nb = nbformat.from_dict(json.loads(nbformat.writes(good)))
        nb.cells = change(list(nb.cells), tests[0])
        return Work(nb)

    if kind == "syntax-error":
        return with_first(reference[first] + "\n    return )")
    if kind == "import-error":
        return with_first("import a_module_that_does_not_exist\n" + reference[first])
    # The endless loops wait instead of computing: the time limits they run into are
    # wall-clock limits, met the same way, and a class run does not burn a core for the
    # half minute they take.
    if kind == "loop-in-function":
        return with_first(f"import time\n\n\ndef {first}(*args, **kwargs):\n"
                          "    while True:\n        time.sleep(1)")
    if kind == "endless-loop":
        return with_first(reference[first] + "\n\nimport time\n\nwhile True:\n    time.sleep(1)")
    if kind == "kernel-dies":
        return with_first("import os\nos._exit(1)")
    if kind == "segfault":
        return with_first("import ctypes\nctypes.string_at(0)")
    if kind == "memory-hog":
        return with_first("hog = [bytearray(1024**3) for _ in range(12)]\n" + reference[first])
    if kind == "megabytes-of-output":
        return with_first('print("spam " * 1_000_000)\n' + reference[first])
    if kind == "edited-tests":
        return with_cells(lambda nb_cells, _: [
            nbformat.v4.new_code_cell("pass  # I only want the points", metadata=c.metadata)
            if cells.is_test(c) else c for c in nb_cells])
    if kind == "deleted-test":
        return with_cells(lambda nb_cells, i: nb_cells[:i] + nb_cells[i + 1:])
    if kind == "reordered-tests":
        return with_cells(lambda nb_cells, i: (
            nb_cells[:i] + [nb_cells[i + 1], nb_cells[i]] + nb_cells[i + 2:]))
    if kind == "duplicated-test":  # copied and pasted: a new cell id, the same metadata
        return with_cells(lambda nb_cells, i: nb_cells[:i + 1] + [nbformat.v4.new_code_cell(
            nb_cells[i].source, metadata=nb_cells[i].metadata)] + nb_cells[i + 1:])
    if kind == "edited-metadata":
        return with_cells(lambda nb_cells, i: nb_cells[:i] + [nbformat.from_dict({
            **nb_cells[i], "metadata": {"nbgrader": {**cells.nbgrader(nb_cells[i]),
                                                     "points": 100}}})] + nb_cells[i + 1:])
    if kind == "tests-tagged-demo":
        blank = make_submission(release_path, {}, {k: v for k, v in reference.items()
                                                    if k != first})
        for cell in blank.cells:
            if cells.is_test(cell):
                cell.metadata["tags"] = [*cell.metadata.get("tags", []), cells.DEMO_TAG]
        return Work(blank)
    if kind == "other-assignment":  # the committed release of another assignment
        other = next(a for a in assignments() if a != assignment)
        return Work(nbformat.read(released_notebook(other), as_version=4))
    if kind == "spy":
        return with_first(reference[first] + SPY.format(
            solutions=str(source_notebook(assignment)),
            gradebook=str(workdir / "gradebook.db"),
            beside=str(workdir / "submitted" / "spy-was-here"), url=PROBE_URL))
    if kind == "not-json":
        return Work(files={notebook_name(assignment): "{this is not a notebook"})
    if kind == "renamed":
        return Work(files={"my-homework.ipynb": nbformat.writes(good)})
    if kind == "empty":
        return Work(files={})
    if kind == "late":
        return Work(good, late=True)
    raise ValueError(f"unknown kind of bad submission: {kind!r}; the kinds are {sorted(KINDS)}")


# Appended to a correct answer: tries what a submission must not do, prints the result.
SPY = '''


def _try(action):
    try:
        action()
        return "DONE"
    except Exception as exc:
        return type(exc).__name__


import urllib.request as _request

print("sandbox check:", sorted({{
    "read the solutions": _try(lambda: open({solutions!r}, "rb").read(10)),
    "read the gradebook": _try(lambda: open({gradebook!r}, "rb").read(10)),
    "write the gradebook": _try(lambda: open({gradebook!r}, "ab").write(b"x")),
    "write beside the submissions": _try(lambda: open({beside!r}, "ab").write(b"x")),
    "reach the network": _try(lambda: _request.urlopen({url!r}, timeout=3).read()),
}}.items()))
'''
