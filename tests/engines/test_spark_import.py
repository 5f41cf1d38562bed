"""The Spark engine module must import, and the local engine work, without PySpark."""

from __future__ import annotations

import subprocess
import sys

WITHOUT_PYSPARK = """
import sys
sys.modules["pyspark"] = None  # any `import pyspark...` now raises ImportError
import renown.prominence.engines.spark as engine
assert callable(engine.spark_measures)
try:
    engine.local_spark()
except ImportError:
    print("needs pyspark")
"""


def test_engine_module_imports_without_pyspark() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYSPARK], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "needs pyspark"
