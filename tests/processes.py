"""Processes the tests start in a session of their own (servers, clusters, hubs)."""

import os
import signal
import subprocess


def stop(process: subprocess.Popen, grace: float = 20) -> None:
    """End ``process`` and everything in its session: SIGTERM, then SIGKILL after
    ``grace`` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
