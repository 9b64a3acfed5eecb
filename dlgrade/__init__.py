"""dlgrade: exercises and trustworthy grading for a deep-learning course.

In a Jupyter or Colab notebook::

    import dlgrade
    dlgrade.check("ex05")   # grades the functions as the notebook defines them now
    dlgrade.hint("ex05")    # the next hint

Importing dlgrade imports nothing heavy (no NumPy, no TensorFlow): the grading machinery
is imported by the first call.
"""

__version__ = "0.1.0"


def check(exercise, *, seed=None, course=None, lang=None):
    """Grade ``exercise`` (``"ex05"``, ``5``, ``"correlate2d"``) on the functions and classes the
    running notebook defines, in the sandbox; returns the result (``.score``, ``.max_score``,
    ``.checks``), shown as a table when it is a cell's last line.  ``course`` is the course's
    folder when it is not the current folder or above it (or set DLGRADE_HOME)."""
    from dlgrade.notebook.live import check as _check

    return _check(exercise, seed=seed, course=course, lang=lang)


def hint(exercise, number=None, *, course=None, lang=None):
    """The next hint of ``exercise`` (one more each call), or hint ``number``."""
    from dlgrade.notebook.live import hint as _hint

    return _hint(exercise, number, course=course, lang=lang)
