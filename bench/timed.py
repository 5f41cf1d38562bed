"""Run a command and write how long it took: ``python -m bench.timed RECORD -- COMMAND...``.

Why: on the throwaway standalone cluster (``scripts/spark_cluster.py``) the command starts only
after the master and the worker are up, and the cluster is stopped after it; a real cluster is
already running, so the scaling curve times the command alone, from inside the cluster
script, and the whole thing separately. Arguments holding ``$RENOWN_SPARK_MASTER`` get the
master the cluster script exported (its port is chosen when it starts). The exit status is
the command's; RECORD gets ``{"seconds": ..., "returncode": ...}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

MASTER_VARIABLE = "$RENOWN_SPARK_MASTER"


def main(argv: list[str] | None = None) -> int:
    """Run the command after ``--`` and record its wall time in the file before it."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[1] != "--":
        print("usage: python -m bench.timed RECORD -- COMMAND...", file=sys.stderr)
        return 2
    record, command = Path(args[0]), args[2:]
    master = os.environ.get("RENOWN_SPARK_MASTER", "")
    command = [part.replace(MASTER_VARIABLE, master) for part in command]
    began = time.perf_counter()
    code = subprocess.call(command)
    seconds = time.perf_counter() - began
    record.write_text(json.dumps({"seconds": seconds, "returncode": code}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
