"""TensorFlow oracles run in one worker process: the grading process never imports
TensorFlow, values cross as JSON + .npy, and a failing oracle is a clear error."""

import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

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


def test_an_oracle_computation_with_an_empty_cache_never_imports_tensorflow_here(tmp_path):
    """A grader's module-level function asked through oracle.tf: with an empty cache the
    worker process computes it; the grading process neither imports TensorFlow nor listens."""
    grader = tmp_path / "grader.py"
    grader.write_text("def square_sum(tf, x):\n    return tf.reduce_sum(tf.square(x))\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        import numpy as np
        from dlgrade.grading.oracle import Oracle
        from dlgrade.grading.checks import load_module
        grader = load_module(Path({str(grader)!r}), "dlgrade_graders.example")
        oracle = Oracle()
        value = oracle.tf("square_sum", grader.square_sum, np.arange(4.0))
        assert float(value) == 14.0, value
        assert oracle.computed == 1, "nothing was computed: the cache was not empty"
        assert float(oracle.tf("square_sum", grader.square_sum, np.arange(4.0))) == 14.0
        assert oracle.hits == 1, "the second request was not answered from the cache"
        assert "tensorflow" not in sys.modules
        from dlgrade.grading.oracle_worker import oracle_process
        assert oracle_process()._folder is None, "a single grading opened a listening socket"
        print("ok")
    """)
    env = {"DLGRADE_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_bulk_runs_start_the_worker_only_for_graders_that_ask_tensorflow(course, tmp_path):
    from dlgrade.bulk.grade_class import uses_tensorflow

    # Every grader of the course takes its expected values from NumPy at grading time
    # (the oracle tests hold them to TensorFlow); a grader that asks TensorFlow starts it.
    assert [ex.id for ex in course if uses_tensorflow(ex)] == []
    asking = tmp_path / "grader.py"
    asking.write_text("def check(oracle):\n    return oracle.tf('square', square, 2.0)\n", encoding="utf-8")
    assert uses_tensorflow(SimpleNamespace(grader_path=asking))


def test_the_processes_of_a_bulk_run_share_one_oracle_process(tmp_path):
    """A bulk run's grading processes reach the run's oracle process on its private socket
    (SHARED_ORACLE); none of them imports TensorFlow, and the socket's folder is the user's alone."""
    import os
    import stat

    from dlgrade.grading.oracle_worker import SHARED_ORACLE

    grader = tmp_path / "grader.py"
    grader.write_text("def square_sum(tf, x):\n    return tf.reduce_sum(tf.square(x))\n", encoding="utf-8")
    owner = OracleProcess()
    try:
        address = owner.address
        assert stat.S_IMODE(os.stat(os.path.dirname(address)).st_mode) == 0o700
        script = textwrap.dedent(f"""
            import sys
            from pathlib import Path
            import numpy as np
            from dlgrade.grading.oracle import Oracle
            from dlgrade.grading.checks import load_module
            grader = load_module(Path({str(grader)!r}), "dlgrade_graders.example")
            n = float(sys.argv[1])
            value = Oracle(use_cache=False).tf("square_sum", grader.square_sum, np.full(3, n))
            assert float(value) == 3 * n * n, value
            assert "tensorflow" not in sys.modules
            print("ok")
        """)
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), SHARED_ORACLE: address}
        clients = [subprocess.Popen([sys.executable, "-c", script, str(n)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=env) for n in (2, 3)]
        for client in clients:
            out, err = client.communicate(timeout=300)
            assert client.returncode == 0 and out.strip() == "ok", err[-2000:]
        np.testing.assert_array_equal(owner.run(_module_function, (np.ones(2),), {"scale": 2.0})[0], [2.0, 2.0])
    finally:
        owner.close()
    assert not os.path.exists(address)
