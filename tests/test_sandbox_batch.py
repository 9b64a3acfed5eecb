"""Student.batch(): several calls and fetches in one round trip to the sandbox child,
answered in order, stopping at the first failure — with the real sandbox."""

import numpy as np
import pytest

from dlgrade.sandbox import Limits, Session, Student, StudentCodeError, StudentException, StudentMissing, StudentTimeout
from dlgrade.sandbox.remote import RemoteObject

SOURCE = """
import numpy as np
calls = []

class Counter:
    def __init__(self):
        self.n = 0
    def add(self, params, k):
        if k == 'boom':
            raise ValueError('boom at ' + str(self.n))
        if k == 'loop':
            while True:
                pass
        self.n += 1
        params['x'] += k
        return self.n

def pair(x):
    return x, 2 * x

def total(x):
    return float(x.sum())
"""


@pytest.fixture
def student(grading_context):
    session = Session(grading_context.worker, SOURCE, "counter.py", [], Limits(wall_seconds=2, cpu_seconds=10))
    yield Student(session)
    session.close()


def test_batched_calls_and_fetches_come_back_in_order(student):
    counter = student.Counter()
    params = student.keep({"x": np.zeros(2)}, name="params")
    batch = student.batch()
    calls = [batch.call(counter.add, params, k) for k in (1.0, 2.0, 3.0)]
    middle = batch.fetch(params)
    last = batch.call(counter.add, params, 4.0)
    values = batch.run()
    assert [values[i] for i in calls] == [1, 2, 3] and values[last] == 4
    np.testing.assert_array_equal(values[middle]["x"], [6.0, 6.0])  # the value when it was fetched
    np.testing.assert_array_equal(params.fetch()["x"], [10.0, 10.0])
    assert [c[0] for c in student.transcript.calls][-4:] == ["Counter().add"] * 4
    assert student.batch().run() == []


def test_a_failing_call_stops_the_batch_and_is_the_last_call_in_the_transcript(student):
    counter = student.Counter()
    params = student.keep({"x": np.zeros(1)}, name="params")
    batch = student.batch()
    batch.call(counter.add, params, 1.0)
    batch.call(counter.add, params, "boom")
    batch.call(counter.add, params, 1.0)  # never runs
    student.transcript.clear()
    with pytest.raises(StudentException, match="boom at 1"):
        batch.run()
    assert student.transcript.calls[-1][1][1] == "boom" and len(student.transcript.calls) == 2
    np.testing.assert_array_equal(params.fetch()["x"], [1.0])


def test_a_batch_that_never_ends_times_out(student):
    counter = student.Counter()
    params = student.keep({"x": np.zeros(1)}, name="params")
    batch = student.batch()
    batch.call(counter.add, params, 1.0)
    batch.call(counter.add, params, "loop")
    with pytest.raises(StudentTimeout):
        batch.run()


def test_later_items_use_earlier_results_without_a_round_trip(student):
    """An object made by one item is called by the next; a returned pair is reached into."""
    batch = student.batch()
    params = student.keep({"x": np.zeros(1)}, name="params")
    counters = [batch.call(student.Counter) for _ in range(3)]
    counts = [batch.call(c.add, params, 2.0) for c in counters]
    again = batch.call(counters[0].add, params, 1.0)
    pair = batch.call(student.pair, np.arange(3.0))
    total = batch.call(student.total, pair[1])
    values = batch.run()
    assert [values[c] for c in counts] == [1, 1, 1] and values[again] == 2
    assert values[total] == 6.0
    np.testing.assert_array_equal(params.fetch()["x"], [7.0])
    assert student.transcript.calls[-1][0] == "total"
    assert student.transcript.calls[-2][0] == "pair"
    assert "Counter().add" in [c[0] for c in student.transcript.calls]


def test_attributes_are_read_and_methods_called_in_the_batch(student):
    counter = student.Counter()
    params = student.keep({"x": np.zeros(1)}, name="params")
    batch = counter.batch()
    added = batch.call(batch.attr(counter, "add"), params, 5.0)
    n = batch.attr(counter, "n")
    missing = batch.attr(counter, "nothing")
    taken = []
    with pytest.raises(StudentMissing, match="nothing"):
        for value in batch.results():
            taken.append(value)
    method, result, count = taken  # the method's proxy, add's result, then n; the missing one raised
    assert isinstance(method, RemoteObject) and method.type_name == "method"
    assert (result, count) == (1, 1)
    assert (added.index, n.index, missing.index) == (1, 2, 3)
    assert student.transcript.calls[-1][0] == "Counter().add"


class _Counting:
    """Counts the requests a session sends to its child."""

    def __init__(self, session):
        self.session, self.ops = session, []
        original = session.request

        def request(header, blobs=(), timeout=None):
            self.ops.append(header.get("op"))
            return original(header, blobs, timeout)

        session.request = request


def test_module_functions_come_with_the_load_and_need_no_lookup(student):
    counting = _Counting(student._session)
    assert student.pair(3) == (3, 6)
    assert student.Counter().add({"x": 0.0}, 1.0) == 1
    assert counting.ops == ["call", "call", "getattr", "call"]  # only the instance's method is looked up
    assert student.calls == []  # a data attribute is read from the child
    assert counting.ops[-1] == "getattr"
    with pytest.raises(StudentMissing, match="no attribute 'missing'"):
        student.missing(1)


def test_a_patched_function_is_looked_up_again(student):
    from dlgrade.sandbox.functions import X

    assert student.total(np.ones(3)) == 3.0
    with student.patched("total", 2 * X):
        assert student.total(5.0) == 10.0
    assert student.total(np.ones(2)) == 2.0


def test_a_tampered_function_list_is_ignored(grading_context):
    # The child's word about its functions is checked: the parent keeps only well-formed
    # handles and looks the rest up.
    from dlgrade.sandbox.worker import _function_handles

    assert _function_handles({'pair': {'$nd': 99}, 'total': 'nonsense', 7: None}) == {}
    assert _function_handles(["not", "a", "dict"]) == {}
    # Student code can no longer replace the harness's own functions to tamper with it:
    # ``__main__`` is the submission itself, not the harness.
    source = SOURCE + (
        "\nimport sys\n"
        "sys.modules['__main__']._module_functions = lambda codec, module: "
        "{'pair': {'$nd': 99}, 'total': 'nonsense', 7: None}\n")
    session = Session(grading_context.worker, source, "counter.py", [], Limits(wall_seconds=2, cpu_seconds=10))
    try:
        student = Student(session)
        assert student.pair(2) == (2, 4)
        assert student.total(np.ones(4)) == 4.0
        assert set(session.functions) == {"Counter", "pair", "total"}
    finally:
        session.close()


def test_values_kept_in_a_batch_are_shared_by_its_calls_and_by_later_ones(student):
    counter = student.Counter()
    add = counter.add
    counting = _Counting(student._session)
    batch = student.batch()
    params = batch.keep({"x": np.zeros(2)}, name="params")
    added = [batch.call(add, params, k) for k in (1.0, 2.0)]
    values = batch.run()
    assert counting.ops == ["batch"]
    assert [values[i] for i in added] == [1, 2]
    kept = values[params]
    assert isinstance(kept, RemoteObject)
    np.testing.assert_array_equal(kept.fetch()["x"], [3.0, 3.0])  # changed in place by both calls
    assert counter.add(kept, 4.0) == 3
    np.testing.assert_array_equal(kept.fetch()["x"], [7.0, 7.0])


def test_a_value_kept_in_a_batch_is_fetched_in_the_same_batch_as_each_call_leaves_it(student):
    counter = student.Counter()
    add = counter.add
    counting = _Counting(student._session)
    batch = student.batch()
    params = batch.keep({"x": np.zeros(2)}, name="params")
    fetched = []
    for k in (1.0, 2.0, "boom", 4.0):
        batch.call(add, params, k)
        fetched.append(batch.fetch(params))
    values = batch.in_order()
    assert counting.ops == ["batch"]
    np.testing.assert_array_equal(values[fetched[0]]["x"], [1.0, 1.0])
    np.testing.assert_array_equal(values[fetched[1]]["x"], [3.0, 3.0])  # the same dict, after both calls
    assert student.transcript.calls[-1][1][1] == 2.0  # taking a fetch enters the calls before it
    with pytest.raises(StudentException, match="boom at 2"):  # the failing call stops the batch
        values[fetched[2]]
    assert student.transcript.calls[-1][1][1] == "boom"
    other = student.batch()
    with pytest.raises(ValueError, match="own batch"):
        other.fetch(params)


def test_a_batched_call_can_show_its_arguments_after_the_call(student):
    counter = student.Counter()
    batch = student.batch()
    seen = batch.call_seeing_inputs(counter.add, {"x": np.ones(3)}, 2.0)
    plain = batch.call(student.total, np.ones(2))
    values = batch.run()
    result, args_after, kwargs_after = values[seen]
    assert result == 1 and kwargs_after == {}
    np.testing.assert_array_equal(args_after[0]["x"], [3.0, 3.0, 3.0])
    assert args_after[1] == 2.0
    assert values[plain] == 2.0
    assert student.transcript.calls[-2][0] == "Counter().add"


def test_outcomes_answer_every_item_even_after_failures(student):
    from dlgrade.sandbox import StudentCodeError

    counter = student.Counter()
    add = counter.add
    batch = student.batch()
    items = [batch.call(add, {"x": 0.0}, k) for k in (1.0, "boom", 2.0, "boom")]
    missing = batch.attr(student, "nothing_here")
    outcomes = list(batch.outcomes())
    assert len(outcomes) == 5 and missing.index == 4
    assert outcomes[0] == 1 and outcomes[2] == 2  # the failure between did not stop the batch
    for i, n in ((1, 1), (3, 2)):  # each raised with the counter as it was then
        assert isinstance(outcomes[i], StudentException) and f"boom at {n}" in outcomes[i].message
    assert isinstance(outcomes[4], StudentMissing) and isinstance(outcomes[4], StudentCodeError)
    assert [c[1][1] for c in student.transcript.calls[-4:]] == [1.0, "boom", 2.0, "boom"]
    assert len(items) == 4


def test_outcomes_still_raise_when_the_time_limit_is_reached(student):
    counter = student.Counter()
    add = counter.add
    batch = student.batch()
    batch.call(add, {"x": 0.0}, "boom")
    batch.call(add, {"x": 0.0}, "loop")
    with pytest.raises(StudentTimeout):
        list(batch.outcomes(timeout=0.5))


def test_a_pending_value_shows_as_its_call_in_feedback(student):
    from dlgrade.grading.grade_submission import format_call

    counter = student.Counter()
    batch = student.batch()
    first = batch.call(counter.add, {"x": 0.0}, 1.0)
    assert format_call("pair", (first,), {}, hidden=False) == "pair(<Counter().add()>)"


def test_an_object_of_a_child_that_ended_is_lost_not_sent_to_the_next_child(grading_context):
    source = SOURCE + "\ndef hang():\n    while True:\n        pass\n"
    session = Session(grading_context.worker, source, "counter.py", [], Limits(wall_seconds=1, cpu_seconds=10))
    try:
        student = Student(session)
        counter, pair = student.Counter(), student.pair
        assert counter.add({"x": 0.0}, 1.0) == 1
        with pytest.raises(StudentTimeout):
            student.hang()
        with pytest.raises(StudentCodeError, match="lost"):
            counter.add({"x": 0.0}, 1.0)  # its handle would name another object in the new child
        with pytest.raises(StudentCodeError, match="lost"):
            pair(1)
        for _ in range(2):  # a module function is looked up in the new child, every time
            assert student.pair(2) == (2, 4)
    finally:
        session.close()


@pytest.mark.parametrize("fatal, error", [("loop", StudentTimeout), ("exit", StudentCodeError)])
def test_a_batch_that_dies_or_hangs_names_the_call_it_was_running(grading_context, fatal, error):
    source = SOURCE + "\nimport os\ndef step(k):\n    if k == 'exit':\n        os._exit(1)\n    if k == 'loop':\n" \
                      "        while True:\n            pass\n    return k\n"
    session = Session(grading_context.worker, source, "counter.py", [], Limits(wall_seconds=1, cpu_seconds=10))
    try:
        student = Student(session)
        batch = student.batch()
        for k in (1, 2, fatal, 4, 5):
            batch.call(student.step, k)
        with pytest.raises(error):
            batch.run()
        assert [args for _path, args, _kw in student.transcript.calls] == [(1,), (2,), (fatal,)]
        student.transcript.clear()
        assert student.step(7) == 7  # a fresh child; a batch that ends well leaves no trace here
        batch = student.batch()
        batch.call(student.step, 8)
        assert batch.run() == [8]
    finally:
        session.close()


def test_in_order_takes_values_as_they_are_judged(student):
    counter = student.Counter()
    add = counter.add
    student.transcript.clear()
    batch = student.batch()
    first, boom, third = (batch.call(add, {"x": 0.0}, k) for k in (1.0, "boom", 2.0))
    values = batch.in_order()
    assert [c[1][1] for c in student.transcript.calls] == []  # nothing taken yet
    assert values[first] == 1 and values(first) == 1  # asked again: the same value
    assert [c[1][1] for c in student.transcript.calls] == [1.0]
    with pytest.raises(StudentException, match="boom at 1"):
        values[third]  # passing over the failing item raises its error, naming its call
    assert student.transcript.calls[-1][1][1] == "boom"
    assert boom.index == 1


def test_an_object_left_in_an_argument_comes_back_as_a_proxy(student):
    counter = student.Counter()
    batch = student.batch()
    seen = batch.call_seeing_inputs(student.pair, [1.0])  # pair does not touch its argument
    values = batch.run()
    assert values[seen][1] == [[1.0]]
    _value, args_after, _ = counter.add.call(({"x": 0.0}, 1.0), {}, inputs_after=True)
    assert args_after[0] == {"x": 1.0}
    source = SOURCE + "\ndef swap(d):\n    d['x'] = Counter()\n"
    session = Session(student._session.worker, source, "counter.py", [], Limits(wall_seconds=2, cpu_seconds=10))
    try:
        other = Student(session)
        batch = other.batch()
        seen = batch.call_seeing_inputs(other.swap, {"x": 0.0})
        (_result, (after,), _kw), = batch.run()
        assert isinstance(after["x"], RemoteObject) and after["x"].add({"x": 0.0}, 2.0) == 1
    finally:
        session.close()
