"""What does an ml_dtypes release add to every TensorFlow import? (A benchmark, not a test.)

TensorFlow and Keras import ml_dtypes (NumPy types such as bfloat16). Every kernel that
uses TensorFlow pays that import: each graded submission of assignments 2 and 3, each
student's notebook. This makes one small virtual environment per ml_dtypes version (the
course's NumPy, from pip's cache or index), then times ``import ml_dtypes`` in fresh
interpreters, alternating versions round by round so that a change of load hits all
alike, and prints CPU seconds per import and the ratio to the first version. It ends
with the import of TensorFlow in this environment and the ml_dtypes installed here.

    .venv/bin/python benchmarks/import_cost.py [--versions 0.6.0 0.7.0] [--rounds 10]
"""

import argparse
import importlib.metadata
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

CHILD_CPU = "import os, {module}; t = os.times(); print(t.user + t.system)"


def cpu_seconds(python: str, module: str) -> float:
    """CPU seconds of a fresh interpreter that imports ``module`` (start included)."""
    done = subprocess.run([python, "-c", CHILD_CPU.format(module=module)], check=True,
                          capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return float(done.stdout.split()[-1])


def make_env(folder: Path, version: str) -> str:
    venv.create(folder, with_pip=True)
    python = str(folder / "bin" / "python")
    numpy = importlib.metadata.version("numpy")
    subprocess.run([python, "-m", "pip", "install", "--quiet", f"numpy=={numpy}",
                    f"ml_dtypes=={version}"], check=True)
    return python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", nargs="+", default=["0.6.0", "0.7.0"])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pythons = {v: make_env(Path(tmp) / v, v) for v in args.versions}
        for python in pythons.values():  # once unmeasured: caches warm for all alike
            cpu_seconds(python, "ml_dtypes")
        totals = dict.fromkeys(args.versions, 0.0)
        for _ in range(args.rounds):
            for v, python in pythons.items():
                totals[v] += cpu_seconds(python, "ml_dtypes")
        print(f"import ml_dtypes, fresh interpreter, NumPy {importlib.metadata.version('numpy')}"
              f", {args.rounds} rounds alternating (CPU seconds per import):")
        first = args.versions[0]
        for v in args.versions:
            mean = totals[v] / args.rounds
            print(f"  ml_dtypes {v:8} {mean:5.2f} s   {mean / (totals[first] / args.rounds):4.1f}"
                  f" x ml_dtypes {first}")
        for v in args.versions[1:]:
            print(f"  {v} costs {(totals[v] - totals[first]) / args.rounds:+.2f} s per import")
    here = importlib.metadata.version("ml_dtypes")
    tf = [cpu_seconds(sys.executable, "tensorflow") for _ in range(3)]
    print(f"import tensorflow here (ml_dtypes {here}): {min(tf):.2f} to {max(tf):.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
