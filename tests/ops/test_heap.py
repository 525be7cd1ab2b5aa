"""A serving process puts what it built at start out of the garbage collector's way (ops.heap)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW_FROZEN = "import gc, wsgi; print(gc.get_freeze_count())"


def test_the_production_entry_point_freezes_what_it_built(tmp_path):
    env = {**os.environ, "SOCIALLAB_ENV": "development", "SOCIALLAB_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'test_heap.db'}", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", SHOW_FROZEN], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # The application alone is tens of thousands of objects; without settle() the count is 0.
    assert int(result.stdout.split()[-1]) > 20_000
