"""What the grader explains about a submission before nbgrader grades it, on notebooks and
folders built here (autograde.inspect_submission and check_folder; the same cases
graded end to end are in test_class_run.py and test_attacks_sandbox.py)."""

import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.autograde import FOLDER_FILE_LIMIT, check_folder, inspect_submission


def nbgrader_cell(grade_id, source, *, solution=False, grade=False, locked=False, points=0,
                  markdown=False):
    meta = {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade,
                         "locked": locked, "points": points, "schema_version": 3}}
    make = new_markdown_cell if markdown else new_code_cell
    return make(source, metadata=meta)


def release_cells():
    return [new_markdown_cell("# An assignment"),
            nbgrader_cell("relu", "def relu(x):\n    raise NotImplementedError()",
                          solution=True),
            nbgrader_cell("test_relu", "assert relu(1) == 1", grade=True, locked=True,
                          points=2),
            nbgrader_cell("test_relu_zero", "assert relu(-1) == 0", grade=True, locked=True,
                          points=1),
            nbgrader_cell("explain", "YOUR ANSWER HERE", solution=True, grade=True,
                          points=3, markdown=True)]


def inspect(tmp_path, change):
    """inspect_submission of the release with ``change(cells)`` applied."""
    release, submitted = tmp_path / "release.ipynb", tmp_path / "submitted.ipynb"
    nbformat.write(new_notebook(cells=release_cells()), release)
    nbformat.write(new_notebook(cells=change(release_cells())), submitted)
    return inspect_submission(release, submitted)


def test_an_honest_submission_has_nothing_to_explain(tmp_path):
    def answer(cells):
        cells[1].source = "def relu(x):\n    return max(x, 0)"
        cells[4].source = "Because the slope is zero there."
        return cells

    assert inspect(tmp_path, answer) == []


def test_an_edited_test_is_named(tmp_path):
    def edit(cells):
        cells[2].source = "pass"
        return cells

    assert inspect(tmp_path, edit) == ["locked cells were edited (restored): test_relu"]


def test_deleted_tests_and_deleted_answers_are_told_apart(tmp_path):
    reasons = inspect(tmp_path, lambda cells: [cells[0], cells[3]])
    assert reasons == ["answer cells were deleted (nothing to grade there): relu, explain",
                       "test cells were deleted and put back: test_relu"]


def test_duplicated_and_reordered_cells(tmp_path):
    def paste_a_copy(cells):  # JupyterLab gives the copy a new cell id
        return cells[:3] + [new_code_cell(cells[2].source, metadata=cells[2].metadata)] + cells[3:]

    assert inspect(tmp_path, paste_a_copy) == [
        "cells were duplicated (nbgrader keeps the first of each)"]
    assert inspect(tmp_path, lambda c: [c[0], c[1], c[3], c[2], c[4]]) == [
        "cells were reordered"]


def test_edited_metadata_is_named(tmp_path):
    def reweigh(cells):
        cells[3].metadata["nbgrader"]["points"] = 100
        return cells

    assert inspect(tmp_path, reweigh) == ["cell metadata was edited (restored): test_relu_zero"]


def test_another_notebook_is_recognised(tmp_path):
    other = [nbgrader_cell("dead_unit_fraction", "def dead_unit_fraction(a): ...",
                           solution=True)]
    assert inspect(tmp_path, lambda cells: other) == [
        "this is not the notebook of this assignment (none of its cells match)"]


def test_a_file_that_is_not_a_notebook_is_left_to_nbgrader(tmp_path):
    release, submitted = tmp_path / "release.ipynb", tmp_path / "submitted.ipynb"
    nbformat.write(new_notebook(cells=release_cells()), release)
    submitted.write_text("{this is not a notebook")
    assert inspect_submission(release, submitted) == []  # nbgrader's failure says it


def test_a_folder_of_regular_files_is_accepted(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.txt").write_text("mine")
    assert check_folder(tmp_path) == []
    assert check_folder(tmp_path / "missing") == []  # nothing submitted: nbgrader says so


def test_links_and_fifos_are_rejected_without_being_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "data.txt").symlink_to(secret)
    os.mkfifo(folder / "pipe")
    assert check_folder(folder) == ["rejected: data.txt is a symbolic link, not a regular file",
                                    "rejected: pipe is a FIFO, not a regular file"]
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert check_folder(link) == ["rejected: the submission folder link is a symbolic link, "
                                  "not a folder"]


def test_too_many_files_are_rejected(tmp_path):
    for i in range(FOLDER_FILE_LIMIT + 1):
        (tmp_path / f"{i}.txt").write_text("")
    assert check_folder(tmp_path) == [f"rejected: the submission holds {FOLDER_FILE_LIMIT + 1} "
                                      f"files, over the limit of {FOLDER_FILE_LIMIT}"]
