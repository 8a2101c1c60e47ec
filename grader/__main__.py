"""Command line of the grading pipeline.

    python -m grader course      the main job: a simulated class of 30 goes through
                                 nbgrader's whole workflow for every assignment (release,
                                 fetch and submit through the exchange, collect,
                                 autograde, feedback, release feedback), then grades are
                                 exported to CSV, tabled and plotted
    python -m grader sample      the same with the small sample class (quicker)
    python -m grader release     only regenerate notebooks/ from solutions/
    python -m grader autograde A [--resume] [--workdir DIR] [--workers N]
                                 [--scheduler tcp://HOST:8786]
                                 autograde every submission of assignment A in parallel,
                                 each in the sandbox, with its outcome; --resume keeps
                                 what an interrupted run already graded; --scheduler (or
                                 COURSE_DASK_SCHEDULER) grades on a Dask cluster instead
                                 of this machine (docs/scaling.md)
    python -m grader kit [--output DIR] [--wheel-url URL]
                                 the student kit (default: kit/), built from the release:
                                 notebooks, the course package as a wheel, a README and
                                 install files; URL is where the wheel will be published
                                 (Colab installs it from there) (grader/kit.py)
    python -m grader lab [OPTIONS]
                                 JupyterLab on the course with nbgrader's extensions:
                                 releases what is missing to the exchange first, then
                                 passes OPTIONS on to `jupyter lab` (grader/lab.py)
    python -m grader hub         (as root) JupyterHub for the course with real Unix
                                 accounts: sets the machine up, then runs the hub
                                 (grader/hub/, docs/jupyterhub.md)

Run it through ``make course`` (which also sets up the environment) or with the
course's virtual environment active.
"""

import argparse
import sys
from pathlib import Path

from grader.autograde import GradingStopped
from grader.class_run import run_course, step
from grader.paths import CLASS, DEMO, assignments
from grader.roster import class_roster, sample_roster
from grader.work_area import NbgraderError, WorkArea


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lab"]:  # the rest of the line is JupyterLab's
        from grader import lab

        return lab.main(argv[1:])
    if argv == ["hub"]:
        from grader.hub import machine

        return machine.main(argv[1:])
    parser.add_argument("command", choices=["course", "sample", "release", "autograde", "kit"])
    parser.add_argument("assignment", nargs="?", help="for autograde: the assignment")
    parser.add_argument("--resume", action="store_true",
                        help="autograde: keep what is already autograded (after an interruption)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="autograde: the grading work area (default: work/class)")
    parser.add_argument("--workers", type=int, default=0,
                        help="autograde: submissions graded at a time (default: CPU count)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="autograde: grade on the Dask cluster of this scheduler "
                             "(default: COURSE_DASK_SCHEDULER; unset: on this machine)")
    parser.add_argument("--output", type=Path, default=None,
                        help="kit: the folder to build the student kit in (default: kit/)")
    parser.add_argument("--wheel-url", default="",
                        help="kit: where the course wheel will be published (a course web "
                        "page); the notebooks install it from there when opened in Colab")
    args = parser.parse_args(argv)
    if args.command == "kit":
        from grader import kit

        return kit.main(args.output or kit.KIT, args.wheel_url)
    try:
        if args.command == "autograde":
            if not args.assignment:
                parser.error("autograde needs an assignment, e.g. 01-leaky-relu")
            area = WorkArea(workdir=args.workdir or CLASS, workers=args.workers,
                            scheduler=args.scheduler)
            area.autograde(args.assignment, resume=args.resume, progress=True)
        elif args.command == "release":
            for a in assignments():
                step(f"{a}: generate the release", WorkArea().generate_assignment, a)
        else:
            # The simulated class has a work area of its own, so that it never mixes with
            # (or wipes) a real class graded in work/class. Each run starts it afresh.
            area = WorkArea(workdir=DEMO)
            area.clean()
            run_course(area, class_roster() if args.command == "course" else sample_roster())
    except (NbgraderError, GradingStopped) as exc:
        print(f"\nThe pipeline stopped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
