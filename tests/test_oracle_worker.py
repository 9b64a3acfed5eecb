"""TensorFlow oracles run in one worker process: the grading process never imports
TensorFlow, values cross as JSON + .npy, and a failing oracle is a clear error."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from dlgrade.grading.oracle_worker import OracleProcess, OracleProcessError, addressable, decode, encode


# Not conftest's ROOT: the worker imports this module to find the functions below.
ROOT = Path(__file__).resolve().parent.parent


def test_values_round_trip_without_pickle():
    value = ({"a": np.arange(6.0).reshape(2, 3), "b": [1, 2.5, "x", None, True]}, np.float32(1.5), (np.int64(3),),
             [np.zeros((0, 4)), {"nested": (np.array([True, False]),)}])
    blobs = []
    back = decode(encode(value, blobs), blobs)
    assert all(isinstance(b, bytes) and b.startswith(b"\x93NUMPY") for b in blobs)
    np.testing.assert_array_equal(back[0]["a"], value[0]["a"])
    assert back[0]["b"] == [1, 2.5, "x", None, True] and back[1] == 1.5 and back[2] == (3,)
    assert back[3][0].shape == (0, 4) and back[3][1]["nested"][0].dtype == bool


def _module_function(tf, x, *, scale):
    return tf.constant(x) * scale, tf.reduce_sum(x)


def _fails(tf, x):
    raise ValueError("the oracle could not compute this")


def test_a_grader_function_runs_in_the_worker_and_errors_come_back():
    assert addressable(_module_function) and not addressable(lambda tf: 0)
    process = OracleProcess()
    try:
        scaled, total = process.run(_module_function, (np.array([1.0, 2.0]),), {"scale": 3.0})
        np.testing.assert_array_equal(scaled, [3.0, 6.0])
        assert total == 3.0
        with pytest.raises(OracleProcessError, match="the oracle could not compute this"):
            process.run(_fails, (np.zeros(1),), {})
        np.testing.assert_array_equal(process.run(_module_function, (np.ones(1),), {"scale": 2.0})[0], [2.0])
    finally:
        process.close()


def test_grading_with_an_empty_cache_never_imports_tensorflow_here(tmp_path, course):
    """A grader that asks TensorFlow (oracle.tf): with an empty cache the worker computes it."""
    from dlgrade.bulk.runner import uses_tensorflow

    asking = [ex.id for ex in course if uses_tensorflow(ex)]
    if not asking:
        pytest.skip("no grader asks TensorFlow at grading time")
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from dlgrade.course import load_course
        from dlgrade.grading.oracle import Oracle
        from dlgrade.grading.runner import GradingContext, grade
        course = load_course(Path({str(ROOT)!r}))
        ex = course.resolve({asking[0]!r})
        oracle = Oracle()
        with GradingContext.create(oracle=oracle) as context:
            result = grade(ex, ex.solution_path.read_text(), seed=11, context=context)
        assert result.score == result.max_score, result.score
        assert oracle.computed > 0, "nothing was computed: the cache was not empty"
        assert "tensorflow" not in sys.modules
        from dlgrade.grading.oracle_worker import oracle_process
        assert oracle_process()._folder is None, "a single grading opened a listening socket"
        print("ok")
    """)
    env = {"DLGRADE_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_bulk_runs_start_the_worker_only_for_graders_that_ask_tensorflow(course):
    from dlgrade.bulk.runner import uses_tensorflow

    assert [ex.id for ex in course if uses_tensorflow(ex)] == ["ex02", "ex03", "ex06", "ex07"]
