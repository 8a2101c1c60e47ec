"""Where do the core-seconds of grading one submission go? (A benchmark, not a test.)

For each assignment, in one run:

1. the breakdown of one submission of the reference answers: starting an ``nbgrader``
   process (Python and nbgrader's imports), opening the gradebook, starting the kernel
   in the sandbox (launcher, bubblewrap, ipykernel), the notebook's imports (its setup
   cell: ``course``, NumPy, Matplotlib, TensorFlow), the rest of the notebook (answers
   and tests, as graded: NBGRADER_EXECUTION=autograde), and what is left for nbgrader's
   own work (configuration, sanitizing, saving grades, writing the autograded copy);
2. the core-seconds (user + system CPU of every process involved, kernels included) per
   graded submission three ways (WAYS): one ``nbgrader`` process per submission running
   every cell (before), one long-lived grading process (grader/grading_process.py)
   running every cell, and the course as configured (long-lived, the cells tagged
   ``demo`` skipped: after), alternating the order of rounds so that a change of load
   hits all alike; the ratios, and whether every grade and recorded reason is the same.

The machine is shared: read the ratios, not the absolute times.

    .venv/bin/python benchmarks/grading_cost.py [--assignments 01-leaky-relu ...]
        [--students 4] [--rounds 2] [--kinds reference sample:ada ...] [--cell-timeout 20]

With ``--kinds`` it grades other submissions, bad ones too (``endless-loop``,
``kernel-dies``: grader/roster.py), and compares every cell score, status and recorded
reason of the three ways.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grading_throughput import submit_class  # noqa: E402 (the same classes, submitted alike)

from grader.grading_process import MODE_VARIABLE  # noqa: E402
from grader.paths import assignments, notebook_name, source_notebook  # noqa: E402
from grader.work_area import WorkArea  # noqa: E402

# The ways compared: (grading process, what the notebook runs). "before": one nbgrader
# process per submission, every cell run (a tag no cell has replaces "demo": the
# demonstrations run, as they did before grading skipped them); "long-lived": one
# process for the class (grader/grading_process.py), every cell; "after": the course as
# configured now, long-lived and demonstrations skipped.
EVERY_CELL = ["--Execute.skip_cells_with_tag=run-every-cell"]
WAYS = {"before": ("per-submission", EVERY_CELL), "long-lived": ("long-lived", EVERY_CELL),
        "after": ("long-lived", [])}
PROBE = ("import resource as _r\n"
         "print(sum(sum(_r.getrusage(w)[:2]) for w in (_r.RUSAGE_SELF, _r.RUSAGE_CHILDREN)))")


CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class CpuMeter:
    """Core-seconds used by this process and everything it starts. Kernels are not
    children that anyone waits for (bubblewrap's processes die with their parent), so
    getrusage misses them: where it can (root, cgroup v1 cpuacct), this process moves
    into a cpuacct cgroup of its own, which counts every descendant."""

    def __init__(self):
        self.group = None
        if os.geteuid() == 0 and (CPUACCT / "cgroup.procs").is_file():
            own = next(line.split(":", 2)[2] for line in
                       Path("/proc/self/cgroup").read_text().splitlines()
                       if "cpuacct" in line.split(":")[1].split(","))
            self.home = CPUACCT / own.lstrip("/")
            self.group = self.home / f"course-grading-cost-{os.getpid()}"
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
        else:
            print("(not root or no cgroup v1 cpuacct: kernels' CPU is not counted)")

    def __call__(self) -> float:
        if self.group is None:
            return sum(sum(resource.getrusage(who)[:2])
                       for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return int((self.group / "cpuacct.usage").read_text()) / 1e9

    def close(self):
        """Leave the cgroup and remove it (once the last process in it is gone)."""
        if self.group is None:
            return
        (self.home / "cgroup.procs").write_text(str(os.getpid()))
        for _ in range(100):
            try:
                self.group.rmdir()
                return
            except OSError:
                time.sleep(0.1)
        print(f"could not remove {self.group}: processes still in it")


cpu = None  # the CpuMeter of this run (main)


def child_cpu(command: list) -> float:
    """Core-seconds of running ``command`` to its end."""
    before = cpu()
    subprocess.run(command, check=True, capture_output=True)
    return cpu() - before


def gradebook_open_cpu(course: WorkArea, n: int = 5) -> float:
    """Core-seconds of opening and closing the gradebook once (nbgrader opens it
    several times per submission), after a first opening that pays the imports."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url):
        pass
    start = time.process_time()
    for _ in range(n):
        with Gradebook(course.db_url):
            pass
    return (time.process_time() - start) / n


def kernel_costs(course: WorkArea, assignment: str) -> dict:
    """Run the source notebook (the reference answers and every test) cell by cell in
    a sandbox kernel, in grading mode; the core-seconds of the kernel's start, of the
    cells up to the setup cell (the imports) and of the rest."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    from grader.sandbox import KERNEL_NAME

    nb = nbformat.read(source_notebook(assignment), as_version=4)
    setup = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and "import course" in c.source)
    folder = course.release_dir / assignment
    probes = [nbformat.v4.new_code_cell(PROBE) for _ in range(3)]
    nb.cells = [probes[0], *nb.cells[:setup + 1], probes[1], *nb.cells[setup + 1:], probes[2]]
    with tempfile.TemporaryDirectory(prefix="course-ipc-") as ipc:
        env = {**course.nbgrader_env(ipc), "NBGRADER_EXECUTION": "autograde"}
        with mock.patch.dict(os.environ, env):
            before = cpu()
            km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                               ip=os.path.join(ipc, "kernel"))
            client = NotebookClient(nb, km=km, timeout=240, allow_errors=True,
                                    resources={"metadata": {"path": str(folder)}})
            with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            km.shutdown_kernel(now=True)  # this client does not own it: it would stay
            total = cpu() - before
    start, imports, end = (float("".join(o.get("text", "") for o in p.outputs
                                         if o.output_type == "stream")) for p in probes)
    return {"kernel start in the sandbox (launcher, bwrap, ipykernel)": total - end + start,
            "notebook: setup cell (course, NumPy, Matplotlib, TensorFlow ...)":
                imports - start,
            "notebook: answers and tests": end - imports}


def grade_round(way: tuple, assignment: str, args, root: Path) -> tuple:
    """Grade ``args.students`` submissions in a fresh work area, one at a time, the
    ``way`` of WAYS; ``(core-seconds per submission, wall seconds per submission, what
    each got: cell scores, status and recorded reasons)``."""
    mode, options = way
    extra = [f"--Execute.timeout={args.cell_timeout}"] if args.cell_timeout else []
    extra += options
    course = WorkArea(workdir=root / "work", release_dir=root / "release", workers=1,
                      extra_args=extra)
    course.clean()
    submit_class(course, args.students, args.kinds, assignment)
    with mock.patch.dict(os.environ, {MODE_VARIABLE: mode}):
        before, start = cpu(), time.monotonic()
        outcomes = course.autograde(assignment)
        used, wall = cpu() - before, time.monotonic() - start
    scores = course.cell_scores(assignment)
    results = {o.student: (o.status, o.reasons, scores.get(o.student)) for o in outcomes}
    return used / args.students, wall / args.students, results


def measure(assignment: str, args, root: Path) -> dict:
    print(f"\n== {notebook_name(assignment)}", flush=True)
    costs, walls, grades = {w: [] for w in WAYS}, {w: [] for w in WAYS}, {}
    for r in range(args.rounds):
        for label, way in (list(WAYS.items()) if r % 2 == 0 else reversed(WAYS.items())):
            used, wall, grades[label] = grade_round(way, assignment, args, root / label)
            costs[label].append(used)
            walls[label].append(wall)
            print(f"round {r + 1}/{args.rounds} {label:10} ({way[0]}, "
                  f"{'every cell' if way[1] else 'demos skipped'}): {used:5.2f} core-s, "
                  f"{wall:5.1f} s wall per submission", flush=True)
    course = WorkArea(workdir=root / "before" / "work", release_dir=root / "before" / "release")
    start_cost = child_cpu([sys.executable, "-c", "from nbgrader.apps import NbGraderApp"])
    of_which = child_cpu([sys.executable, "-c", "import rfc3987_syntax"])
    parts = {"nbgrader process: Python start + imports": start_cost,
             "  of which jsonschema's rfc3987_syntax (35 Lark parsers)": of_which,
             "gradebook: one open + table check (nbgrader opens it several times)":
                 gradebook_open_cpu(course)}
    for name, value in kernel_costs(course, assignment).items():
        parts[name] = value
        if name.startswith("notebook: setup cell"):
            bare = child_cpu([sys.executable, "-c", "import course"])
            parts["  of which TensorFlow (its import alone, outside the sandbox)"] = \
                child_cpu([sys.executable, "-c", "import course; course.import_tensorflow()"]) \
                - bare
    before = sum(costs["before"]) / len(costs["before"])
    long_lived = sum(costs["long-lived"]) / len(costs["long-lived"])
    after = sum(costs["after"]) / len(costs["after"])
    counted = sum(v for k, v in parts.items() if not k.startswith("  ") and
                  not k.startswith("gradebook"))
    if args.kinds == ["reference"]:  # what the parts above measured
        parts["nbgrader's own work (the rest: config, gradebook, preprocessors, writing)"] \
            = before - counted
    print("where one submission's core-seconds go (reference answers, every cell run):")
    for name, value in parts.items():
        print(f"  {name:78} {value:6.2f}")
    ratio = after / before
    same = grades["before"] == grades["long-lived"] == grades["after"]
    for student in sorted(grades["after"]):
        status, reasons, _ = grades["after"][student]
        print(f"  {student}: {status}" + (f" ({'; '.join(reasons)})" if reasons else "")
              + ("" if grades["before"].get(student) == grades["after"][student]
                 else f"  DIFFERS from before: {grades['before'].get(student)}"))
    print(f"core-seconds per submission: before {before:.2f}, long-lived {long_lived:.2f} "
          f"({long_lived / before:.2f}), after {after:.2f}, after/before {ratio:.2f}  "
          f"({args.students} submissions per round, one worker)")
    print(f"  after, start paid once for a whole class (after - start / {args.students}): "
          f"{after - start_cost / args.students:.2f}, after/before "
          f"{(after - start_cost / args.students) / before:.2f}")
    print(f"wall seconds per submission: before {sum(walls['before']) / args.rounds:.1f}, "
          f"long-lived {sum(walls['long-lived']) / args.rounds:.1f}, "
          f"after {sum(walls['after']) / args.rounds:.1f}")
    print(f"identical grades and recorded reasons: {same}", flush=True)
    return {"ratio": ratio, "same": same}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=assignments())
    parser.add_argument("--students", type=int, default=4,
                        help="submissions graded per round and way")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--kinds", nargs="+", default=["reference"],
                        help="what the students hand in, in turn (grader/roster.py kinds)")
    parser.add_argument("--cell-timeout", type=int,
                        help="nbgrader's time limit per cell, in seconds (short for "
                             "endless loops)")
    args = parser.parse_args()
    global cpu
    results, cpu = {}, CpuMeter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for assignment in args.assignments:
                results[assignment] = measure(assignment, args, Path(tmp) / assignment)
    finally:
        cpu.close()
    print("\nafter/before core-seconds per submission:")
    for assignment, result in results.items():
        print(f"  {assignment:20} {result['ratio']:.2f}"
              f"{'' if result['same'] else '  GRADES DIFFER'}")
    return 0 if all(r["same"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
