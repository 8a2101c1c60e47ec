"""Run notebooks the way a student's machine does, inside the student kit's environment.

Started by tests/test_kit.py with the Python of a fresh virtual environment (outside
the repository) into which only the kit was installed; it imports nothing from the
repository. Usage::

    python kit_runner.py OUT.json MODE NOTEBOOK...

MODE ``whole``: run each notebook top to bottom, stop at the first error and save it with
its outputs, as Jupyter does; ``first``: run only the first code cell (nothing is saved).
Each notebook runs in its own folder. Writes, per
notebook: the error (name, message, index of the code cell) or None, every stderr text
the cells printed, the number of code cells run, and what the kernel saw (its Python,
its sys.path and where ``course`` came from, when it could be imported).
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

PROBE = """\
import json, sys
try:
    import course
    where = course.__file__
except ImportError:
    where = None
print(json.dumps({"executable": sys.executable, "path": sys.path, "course": where}))
"""


def run(path: Path, mode: str) -> dict:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if mode == "first":
        nb.cells = [code[0]]
        code = code[:1]
    probe = nbformat.v4.new_code_cell(PROBE)
    client = NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(path.parent)}})
    result = {"error": None}
    with client.setup_kernel():
        for index, cell in enumerate(code):
            try:
                client.execute_cell(cell, nb.cells.index(cell))
            except CellExecutionError as exc:
                result["error"] = {"ename": exc.ename, "evalue": exc.evalue, "cell": index}
                break
        client.execute_cell(probe, 0)
    result["stderr"] = [o.get("text", "") for c in code for o in c.get("outputs", [])
                        if o.get("name") == "stderr"]
    result["cells_run"] = sum(1 for c in code if c.get("execution_count"))
    # the probe's one line, which may come in more than one stream message (the newline
    # alone, on a loaded machine)
    result["kernel"] = json.loads("".join(o.get("text", "") for o in probe.outputs
                                          if o.get("name") == "stdout"))
    if mode == "whole":
        nbformat.write(nb, path)
    return result


def main(argv: list) -> int:
    out, mode, *notebooks = argv
    results = {nb: run(Path(nb), mode) for nb in notebooks}
    Path(out).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
