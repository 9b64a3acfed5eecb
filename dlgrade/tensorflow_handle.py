"""TensorFlow, imported once per process, quietly, on first use.

The one place dlgrade imports TensorFlow.  It sits below both the sandbox (whose symbolic
functions evaluate themselves with TensorFlow ops for GradientTape) and grading (whose
oracle runs TensorFlow computations), so neither has to reach into the other for it.
Importing TensorFlow costs seconds and hundreds of megabytes: nothing imports this module's
``tensorflow()`` at start-up, only when an oracle or a test needs it.
"""

from __future__ import annotations

import os
import threading

_tf = None
_tf_lock = threading.Lock()

#: Held while a TensorFlow computation runs: TensorFlow objects built once and reused
#: (compiled functions, their variables, Keras layers) are not safe to share between
#: threads running at the same time.
run_lock = threading.RLock()


def tensorflow():
    """The tensorflow module, imported once, quietly, on first use (thread-safe)."""
    with _tf_lock:
        return _tf if _tf is not None else _import_tensorflow()


def _import_tensorflow():
    global _tf
    if _tf is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        import tensorflow as tf  # heavy: only here

        tf.get_logger().setLevel("ERROR")  # one trace per compiled oracle is expected, not worth a warning
        _tf = tf
    return _tf
