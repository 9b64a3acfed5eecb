"""ex04 and ex05 send a check's calls, and the values they place in the sandbox, in as
few round trips as they can (Batch.keep, Batch.call_seeing_inputs): the feedback still
reads as it did with one round trip per call.  The first wrong value fails the check and
names its call ("last call", where a value placed in the batch shows as <dict params>),
an argument read back from a call is described as a fetch described it, and a function
counts as reached (the forbidden-name scan) or missing only when its call is judged."""

from conftest import ROOT

EX04 = (ROOT / "solutions" / "ex04_adam" / "optimizers.py").read_text(encoding="utf-8")
EX05 = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
SGD_STEP = "            params[key] -= self.lr * grads[key]\n"
ADAGRAD = "class AdaGrad:\n"


def by_name(result):
    return {c.name: c for c in result.checks}


def test_ex04_a_parameter_replaced_by_an_object_is_named_as_a_fetch_named_it(grade_file):
    # From the second update on, SGD puts an object that cannot leave the sandbox in params.
    assert EX04.count(SGD_STEP) == 1
    source = EX04.replace(SGD_STEP, SGD_STEP + "            if getattr(self, 'n', 0):\n"
                                              "                params[key] = object()\n"
                                              "        self.n = getattr(self, 'n', 0) + 1\n"
                                              "        return\n"
                                              "        for key in ():\n"
                                              "            pass\n")
    check = by_name(grade_file("ex04", source))["lecture_sgd"]
    assert check.status == "failed"
    assert check.message == (
        "SGD(lr=0.95), after update 2: params['x'] must stay a numpy.ndarray of shape (1,), got RemoteObject\n"
        "last call: SGD().update(<dict params>, {'x': [-0.6335], 'y': [-3.6]})")


def test_ex04_grads_changed_at_the_second_update_fail_there(grade_file):
    # AdaGrad changes grads from its second update on: the first two updates of the batch
    # are judged, in order, and the message names the second.
    source = EX04.replace(ADAGRAD, ADAGRAD + "    n = 0\n").replace(
        "        for key in params:\n            if key not in self.h:",
        "        self.n += 1\n        if self.n == 2:\n            for g in grads.values():\n"
        "                g *= 2.0\n        for key in params:\n            if key not in self.h:", 1)
    assert source.count("if self.n == 2") == 1
    check = by_name(grade_file("ex04", source))["grads_not_modified"]
    assert (check.status, check.mistake) == ("failed", "grads_modified")
    assert check.message.startswith("AdaGrad(lr=0.25), update 2: grads['first'] was modified")
    assert check.message.endswith(
        "last call: AdaGrad().update(<dict params>, {'first': <float64 array (2, 3)>, "
        "'second': <float64 array (2, 3)>})")


MODIFIES_X = '''
_correlate = correlate


def correlate(x, w, mode="valid"):
    result = _correlate(x, w, mode)
    if mode == "same" and len(x) == 9 and len(w) == 4:
        x += 1.0
    return result
'''


def test_ex05_a_forbidden_function_after_the_failing_call_is_not_reached(grade_file):
    source = EX05 + MODIFIES_X + '''

def convolve(x, w, mode="valid"):
    import scipy.signal
    return scipy.signal.convolve(x, w, mode=mode)
'''
    checks = by_name(grade_file("ex05", source))
    assert checks["random_convolve"].status == "forbidden"
    check = checks["inputs_not_modified"]
    assert (check.status, check.mistake) == ("failed", "input_modified")
    assert check.message.endswith("last call: correlate(<float64 array (9,)>, <float64 array (4,)>, mode='same')")


def test_ex05_a_missing_function_fails_when_its_turn_comes(grade_file):
    check = by_name(grade_file("ex05", EX05 + "\ndel convolve\n"))["inputs_not_modified"]
    assert check.status == "error"
    assert check.message == ("conv.py has no attribute 'convolve'\n"
                             "last call: correlate(<float64 array (9,)>, <float64 array (4,)>, mode='same')")
    check = by_name(grade_file("ex05", EX05 + MODIFIES_X + "\ndel convolve\n"))["inputs_not_modified"]
    assert (check.status, check.mistake) == ("failed", "input_modified")
