"""What does grading on Dask cost over grading locally? (A benchmark, not a test.)

Grades the same class of assignment 1 in one run, each time in a fresh work area with a
fresh PostgreSQL gradebook: by the local runner, two submissions at a time (``python -m
grader autograde``), and on a Dask cluster of two worker processes with one thread each
(a real ``dask scheduler`` and two ``dask worker`` on 127.0.0.1, started once before the
timed runs; their start-up is reported apart). Same parallelism, same machine, so the
ratio Dask / local is what the cluster adds: shipping files, the worker's checks, the
scheduler. ``--rounds`` alternates the two so that load from other processes hits both
alike; the fastest of each is compared. Checks that every grade is identical, prints
submissions per minute, and estimates 1,000 students x 4 assignments on N workers.

    COURSE_TEST_POSTGRES=postgresql://postgres@127.0.0.1:5433 \\
        .venv/bin/python benchmarks/grading_dask.py [--students 12] [--rounds 1]
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from dask_cluster import Cluster  # noqa: E402
from grading_throughput import A, grade_class  # noqa: E402 (the same class, graded alike)

from grader.work_area import WorkArea  # noqa: E402

# The README's main job: autograding 30 submissions of each assignment took 2.6, 2.5, 3.7
# and 3.4 min; an average submission of the four costs this many times one of assignment 1.
MIX = (2.6 + 2.5 + 3.7 + 3.4) / 4 / 2.6


def new_database(server: str) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def grade(folder: Path, server: str, n_students: int, scheduler: str = None) -> tuple:
    return grade_class(WorkArea(workdir=folder, release_dir=folder / "release", workers=2,
                                db_url=new_database(server), scheduler=scheduler), n_students)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--postgres", default=os.environ.get("COURSE_TEST_POSTGRES"),
                        help="a PostgreSQL server URL without database "
                             "(default: COURSE_TEST_POSTGRES)")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("needs a PostgreSQL server: --postgres or COURSE_TEST_POSTGRES")
    n = args.students
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"{n} submissions of {A}, graded in the sandbox, gradebook on PostgreSQL; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
        start = time.monotonic()
        with Cluster(root / "cluster", workers=2) as cluster:
            print(f"cluster of 2 workers x 1 thread started in "
                  f"{time.monotonic() - start:.1f} s (not timed below)")
            local, dask, same = [], [], True
            for r in range(args.rounds):
                seconds, here = grade(root / f"local-{r}", args.postgres, n)
                local.append(seconds)
                print(f"round {r + 1}: local, 2 at a time:   {seconds:7.1f} s", flush=True)
                seconds, there = grade(root / f"dask-{r}", args.postgres, n, cluster.address)
                dask.append(seconds)
                print(f"round {r + 1}: Dask, 2 workers:      {seconds:7.1f} s", flush=True)
                same = same and here == there
    best_local, best_dask = min(local), min(dask)
    print(f"Dask / local:                 {best_dask / best_local:7.3f} "
          f"({(best_dask / best_local - 1) * 100:+.1f} %)")
    print(f"submissions per minute:       local {n / best_local * 60:.1f}, "
          f"Dask {n / best_dask * 60:.1f} (2 workers)")
    print(f"identical grades:             {same}")
    per_worker = best_dask * 2 / n  # seconds of one worker thread per submission
    print(f"1,000 students x 4 assignments, at {per_worker:.1f} s per submission and "
          f"worker here (assignment 1) x {MIX:.2f} (the four assignments' mix, README):")
    for workers in (2, 10, 50, 100):
        hours = 4000 * per_worker * MIX / workers / 3600
        print(f"  {workers:4d} workers of one core: {hours:6.1f} h")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
