"""A Dask cluster of real processes on loopback, for tests/test_dask.py and
benchmarks/grading_dask.py: `dask scheduler` and `dask worker` of this environment, each
a process of its own talking TCP on 127.0.0.1 (free ports), stopped with their children."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from processes import stop

DASK = Path(sys.executable).parent / "dask"  # the environment's own command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list, folder: Path, name: str, env=None) -> subprocess.Popen:
    """A process in its own session (so that stop() ends its children too), its output
    in ``folder/name.log``."""
    with open(folder / f"{name}.log", "w") as log:
        return subprocess.Popen(command, cwd=folder, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


class Cluster:
    """A scheduler and ``workers`` worker processes (one thread each) on loopback, ``env``
    the workers' environment; ``address`` and ``client`` once all workers are in. Use it
    with ``with``: it stops every process it started."""

    def __init__(self, folder: Path, workers: int, env=None):
        folder.mkdir(parents=True, exist_ok=True)
        self.processes, self.client = [], None
        try:
            self._start(folder, workers, env)
        except BaseException:
            self.close()
            raise

    def _start(self, folder, workers, env):
        file = folder / "scheduler.json"
        self.processes.append(start(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(free_port()),
             "--dashboard-address", f"127.0.0.1:{free_port()}", "--scheduler-file", file],
            folder, "scheduler"))
        deadline = time.monotonic() + 120
        while True:
            try:
                self.address = json.loads(file.read_text())["address"]
                break
            except (FileNotFoundError, json.JSONDecodeError, KeyError):
                assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
                time.sleep(0.2)
        for i in range(workers):
            self.processes.append(start(
                [DASK, "worker", self.address, "--nthreads", "1", "--host", "127.0.0.1",
                 "--no-dashboard", "--local-directory", folder / f"worker-{i}"],
                folder, f"worker-{i}", env))
        from distributed import Client

        self.client = Client(self.address, set_as_default=False)
        self.client.wait_for_workers(workers, timeout=180)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        for process in reversed(self.processes):
            stop(process)
