"""The ex06 reference solution agrees with Keras (the grader's own oracle function,
uncached) on random layers and stacks; configurations Keras rejects raise ValueError."""

import numpy as np
import pytest

from dlgrade.grading.oracle import Oracle
from dlgrade.grading.runner import load_grader, load_reference


@pytest.fixture(scope="module")
def ex06(course):
    exercise = course.resolve("ex06")
    return load_grader(exercise), load_reference(exercise), Oracle(use_cache=False)


def _random_layer(rng):
    k, s = int(rng.integers(1, 8)), int(rng.integers(1, 5))
    padding = str(rng.choice(["valid", "same", "VALID", "Same"]))
    if rng.integers(0, 2):
        return {"type": "conv", "filters": int(rng.integers(1, 17)), "kernel": k, "stride": s, "padding": padding,
                "use_bias": bool(rng.integers(0, 2))}
    spec = {"type": "pool", "size": k, "padding": padding}
    if rng.integers(0, 3):
        spec["stride"] = s
    return spec


def test_single_layers_agree_with_keras(ex06):
    grader, reference, oracle = ex06
    rng = np.random.default_rng(6)
    cases = [{"input": [int(rng.integers(1, 40)), int(rng.integers(1, 40)), int(rng.integers(1, 8))],
              "layers": [_random_layer(rng)]} for _ in range(150)]
    rejected = 0
    for case, keras in zip(cases, grader.keras_models(oracle, cases)):
        shape, spec = tuple(case["input"]), case["layers"][0]
        if keras is None:
            rejected += 1
            with pytest.raises(ValueError):
                reference.output_shapes(shape, [spec])
            continue
        assert reference.output_shapes(shape, [spec]) == keras, (shape, spec)
        (out_shape, params), = keras
        h, w, c = shape
        if spec["type"] == "conv":
            sizes = [reference.tf_output_size(n, spec["kernel"], spec["stride"], spec["padding"]) for n in (h, w)]
            assert reference.conv_param_count(spec["kernel"], c, spec["filters"], spec["use_bias"]) == params
        else:
            sizes = [reference.pool_output_size(n, spec["size"], spec.get("stride"), spec["padding"]) for n in (h, w)]
        assert tuple(sizes) == out_shape[:2]
    assert 0 < rejected < len(cases) // 2


def test_lecture_formula_agrees_with_keras_zero_padding(ex06):
    grader, reference, oracle = ex06
    rng = np.random.default_rng(7)
    configs = []
    while len(configs) < 60:
        n, f, s, p = (int(rng.integers(lo, hi)) for lo, hi in ((1, 40), (1, 8), (1, 5), (0, 4)))
        if n + 2 * p >= f and (n + 2 * p - f) % s == 0:
            configs.append((n, f, s, p))
    cases = [{"input": [n, n, 1], "layers": [{"type": "zeropad", "pad": p},
                                             {"type": "conv", "filters": 1, "kernel": f, "stride": s}]}
             for n, f, s, p in configs]
    for (n, f, s, p), keras in zip(configs, grader.keras_models(oracle, cases)):
        assert reference.conv_output_size(n, f, s, p) == keras[1][0][0]
        if f % 2 and s == 1:
            assert reference.conv_output_size(n, f, 1, reference.same_pad(f)) == n


def test_dense_param_counts_agree_with_keras(ex06):
    grader, reference, oracle = ex06
    rng = np.random.default_rng(8)
    configs = [(int(rng.integers(1, 600)), int(rng.integers(1, 300)), bool(rng.integers(0, 2))) for _ in range(30)]
    cases = [{"input": [i], "layers": [{"type": "dense", "units": u, "use_bias": bias}]} for i, u, bias in configs]
    for (i, u, bias), keras in zip(configs, grader.keras_models(oracle, cases)):
        assert keras == [((u,), reference.dense_param_count(i, u, bias))]


def test_stacks_agree_with_keras_sequential(ex06):
    grader, reference, oracle = ex06
    rng = np.random.default_rng(9)
    stacks = [grader._random_stack(rng) for _ in range(60)]
    stacks.append(([28, 28, 1], grader.KERAS_CNN))
    checked = 0
    for (shape, specs), keras in zip(stacks, grader.keras_models(oracle, [{"input": s, "layers": l}
                                                                          for s, l in stacks])):
        if keras is None:
            with pytest.raises(ValueError):
                reference.output_shapes(tuple(shape), specs)
            continue
        assert reference.output_shapes(tuple(shape), specs) == keras, (shape, specs)
        checked += 1
    assert keras == grader.KERAS_CNN_TABLE and sum(p for _, p in keras) == 197210
    assert checked > 40


def test_layer_by_layer_oracle_is_keras_sequential(ex06):
    """The grader asks Keras layer by layer (memoised); a whole keras.Sequential model
    gives the same shapes, counts and rejections, on single layers and on stacks."""
    grader, _, _ = ex06
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()
    rng = np.random.default_rng(10)
    cases = [{"input": [int(rng.integers(1, 30)), int(rng.integers(1, 30)), int(rng.integers(1, 5))],
              "layers": [_random_layer(rng)]} for _ in range(40)]
    cases += [{"input": s, "layers": l} for s, l in (grader._random_stack(rng) for _ in range(30))]
    cases.append({"input": [9, 9, 1], "layers": [{"type": "zeropad", "pad": 1},
                                                  {"type": "conv", "filters": 2, "kernel": 3, "stride": 2}]})
    layered = grader._keras_models(tf, cases)
    rejected = 0
    for case, flat in zip(cases, layered):
        assert flat.tolist() == grader.keras_sequential(tf, case).tolist(), case
        rejected += flat.tolist() == [-1]
    assert 0 < rejected < len(cases) // 2
