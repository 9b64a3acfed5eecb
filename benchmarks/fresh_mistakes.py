"""Mistakes the self-checks were not written against: how many does a student see at home?

    python benchmarks/fresh_mistakes.py

The test mutants (tests/submissions/*/mutants) were in view when the self-checks were
written, so their share (benchmarks/home_checks.py) may flatter them.  These mistakes are
new: each is one edit of a reference solution (a swapped coefficient, a forgotten factor,
an index off by one, a reversed loop…).  For each that loses points when graded in full,
this prints whether it also fails a public check or a self-check (what the student bundle
runs), and whether the public checks alone would have caught it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlgrade.course import load_course  # noqa: E402
from dlgrade.grading.checks import collect_checks  # noqa: E402
from dlgrade.grading.grade_submission import GradingContext, grade, load_grader  # noqa: E402

#: (exercise, what the mistake is, text of the reference solution, the mistaken text)
MISTAKES = (
    ("ex01", "bias updated with 2·y_k", "b += y_k", "b += 2 * y_k"),
    ("ex01", "converged reported as False after a clean pass", "return w, float(b), True", "return w, float(b), False"),
    ("ex02", "hidden delta without the sigmoid derivative", "delta_hidden = (W2.T @ delta_out) * h * (1.0 - h)",
     "delta_hidden = (W2.T @ delta_out)"),
    ("ex02", "output delta with t − o", "delta_out = (o - t) * o * (1.0 - o)", "delta_out = (t - o) * o * (1.0 - o)"),
    ("ex03", "gradient from f(x + h) and f(x) over 2h", "grad[idx] = (f_plus - f_minus) / (2 * h)",
     "grad[idx] = (f_plus - f(x)) / (2 * h)"),
    ("ex03", "gradient descent with + instead of −", "x = x - lr * df(x)\n        xs.append(x)",
     "x = x + lr * df(x)\n        xs.append(x)"),
    ("ex04", "Adam's β1 and 1 − β1 swapped", "self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * grad",
     "self.m[key] = (1 - self.beta1) * self.m[key] + self.beta1 * grad"),
    ("ex04", "Momentum without the learning rate", "self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]",
     "self.v[key] = self.momentum * self.v[key] - grads[key]"),
    ("ex04", "RMSprop without the square root",
     "(1 - self.decay_rate) * grad * grad\n            params[key] -= self.lr * grad / (np.sqrt(self.h[key]) + EPSILON)",
     "(1 - self.decay_rate) * grad * grad\n            params[key] -= self.lr * grad / (self.h[key] + EPSILON)"),
    ("ex05", "conv2d without the bias", "        out = out + np.asarray(b)", "        out = out"),
    ("ex05", "1-D correlate with the kernel reversed", "out += w[offset] * x[window]",
     "out += w[len(w) - 1 - offset] * x[window]"),
    ("ex06", "conv parameters without the input channels", "return f * f * c * k + (k if use_bias else 0)",
     "return f * f * k + (k if use_bias else 0)"),
    ("ex06", "dense parameters with one bias in all", "return i * u + (u if use_bias else 0)",
     "return i * u + (1 if use_bias else 0)"),
    ("ex01", "perceptron returns the comparison (a bool)", "return 1 if np.dot(w, x) + b > 0 else 0",
     "return np.dot(w, x) + b > 0"),
    ("ex05", "1-D 'valid' with N < F not reversed", "return _valid_correlation(w, x)[::-1].copy()",
     "return _valid_correlation(w, x).copy()"),
    ("ex06", "Keras size through a float ceiling", "size = (positions + s - 1) // s",
     "size = np.ceil(positions / s)"),
    ("ex07", "RNN backward: dh_prev without the transpose", "dh_prev = dt @ Wh.T", "dh_prev = dt @ Wh"),
    ("ex07", "TimeRNN backward in forward time order", "for t in reversed(range(T)):", "for t in range(T):"),
    ("ex07", "RNN backward: db not summed over the batch", "db = dt.sum(axis=0)", "db = dt[0]"),
)


def main() -> None:
    course = load_course(ROOT)
    rows = []
    with GradingContext.create() as context:
        for exercise_id, what, old, new in MISTAKES:
            ex = course.resolve(exercise_id)
            reference = ex.solution_path.read_text(encoding="utf-8")
            if reference.count(old) != 1:
                raise SystemExit(f"{exercise_id}: {what}: the reference solution does not hold {old!r} once")
            source = reference.replace(old, new)
            graded = grade(ex, source, context=context, self_checks=False)
            if graded.score >= graded.max_score:
                rows.append((exercise_id, what, None, None, None))
                continue
            public = [s.name for s in collect_checks(load_grader(ex)) if not s.hidden]
            home = grade(ex, source, context=context, only=public, self_checks=True)
            failed = [c for c in home.checks if not c.passed]
            rows.append((exercise_id, what, graded.max_score - graded.score,
                         any(c.visibility == "public" for c in failed), any(c.visibility == "self" for c in failed)))
    print(f"{'exercise':<9}{'mistake':<52}{'lost':>6}{'public':>8}{'self':>6}  caught at home")
    for exercise_id, what, lost, by_public, by_self in rows:
        if lost is None:
            print(f"{exercise_id:<9}{what:<52}{'—':>6}  (loses no points at grading: not counted)")
            continue
        print(f"{exercise_id:<9}{what:<52}{lost:>6g}{'yes' if by_public else 'no':>8}{'yes' if by_self else 'no':>6}"
              f"  {'yes' if by_public or by_self else 'NO'}")
    counted = [r for r in rows if r[2] is not None]
    caught = sum(1 for r in counted if r[3] or r[4])
    public_only = sum(1 for r in counted if r[3])
    print(f"caught at home: {caught}/{len(counted)} ({caught / max(len(counted), 1):.0%}); "
          f"by the public checks alone: {public_only}/{len(counted)} ({public_only / max(len(counted), 1):.0%})")


if __name__ == "__main__":
    main()
