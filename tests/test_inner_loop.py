"""The developer's loop (issue 13): a documented quick run, and benchmarks kept out of it."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

QUICK = 'python -m pytest -m "not render and not slow"'


def test_readme_documents_the_quick_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert QUICK in readme


def test_the_write_benchmark_lives_in_benchmarks_and_runs() -> None:
    assert not (ROOT / "tests" / "render" / "bench_write.py").exists()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_write.py"), "--sizes", "2,4"]
        + ["--repeat", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT.parent,  # from anywhere
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[:2] for line in proc.stdout.splitlines()] == [
        ["2", "slides"],
        ["4", "slides"],
    ]


def test_pytest_collects_nothing_from_benchmarks() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + [str(ROOT / "benchmarks")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 5, proc.stdout + proc.stderr  # 5: no tests collected
