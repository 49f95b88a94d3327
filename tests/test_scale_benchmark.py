"""benchmarks/scale.py's own measuring: what it reports must be what happened."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from benchmarks.scale import PeakMemory

# A parent that starts a child; the child fills 300 MB (written, so resident) and waits.
# The parent itself holds little: the peak is only right if the child is counted.
CHILD = "b = b'x' * (300 << 20); import time; time.sleep(2)"
PARENT = textwrap.dedent(f"""
    import subprocess, sys
    subprocess.run([sys.executable, "-c", {CHILD!r}], check=True)
""")


def test_peak_memory_counts_the_processes_a_build_starts():
    proc = subprocess.Popen([sys.executable, "-c", PARENT])
    memory = PeakMemory(proc.pid)
    assert proc.wait(timeout=60) == 0
    peak = memory.stop()
    assert 300 <= peak.total_mb < 450
    assert 300 <= peak.largest_mb <= peak.total_mb
    assert peak.largest.startswith("python")
