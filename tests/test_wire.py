"""What the grader sends to the sandbox child arrives as it was sent (wire.encode on the
trusted side, the child's Codec.decode on the other), and what cannot be sent is refused."""

import numpy as np
import pytest

from dlgrade.sandbox import wire
from dlgrade.sandbox.functions import X
from dlgrade.sandbox.zygote import Codec


def _through(value):
    blobs: list[bytes] = []
    encoded = wire.encode(value, blobs)
    return Codec().decode(encoded, blobs)


@pytest.mark.parametrize("value", [
    None, 0, -7, 2 ** 62, 2.5, -0.0, float("inf"), "한국어 text", True, False,
    [1, 2.0, "x"], (1, (2, 3)), {"w": 1.5, "b": [0, 1]},
])
def test_plain_values_arrive_equal_and_of_the_same_type(value):
    got = _through(value)
    assert got == value and type(got) is type(value)


def test_arrays_keep_dtype_shape_and_values():
    for array in (np.arange(6.0).reshape(2, 3), np.arange(4, dtype=np.float32), np.array(3.0),
                  np.zeros((0, 2)), np.arange(12).reshape(3, 4).T, np.array([True, False])):
        got = _through(array)
        assert type(got) is np.ndarray and got.dtype == array.dtype and got.shape == array.shape
        np.testing.assert_array_equal(got, array)


def test_numpy_scalars_and_subclasses_take_the_general_path():
    assert _through(np.float32(1.5)) == 1.5 and type(_through(np.float64(2.0))) is float
    assert _through(np.int64(4)) == 4 and _through(np.bool_(True)) is True
    from collections import OrderedDict

    assert _through(OrderedDict(a=1)) == {"a": 1}
    assert _through({"nested": {"arrays": [np.ones(2), np.zeros(1)]}})["nested"]["arrays"][0].tolist() == [1.0, 1.0]


def test_a_function_description_becomes_a_callable_in_the_child():
    f = _through(3 * X ** 2 + 1)
    assert f(2.0) == 13.0


def test_what_cannot_cross_is_refused():
    with pytest.raises(TypeError, match="cannot send a object"):
        wire.encode(object(), [])
    with pytest.raises(TypeError, match="cannot send a function"):
        wire.encode(lambda x: x, [])


def test_arrays_of_a_shape_met_before_arrive_equal_and_each_its_own():
    """The .npy header of a shape already met is written and read from a table: the bytes are
    those NumPy itself reads, and every array read is a writable copy of its own."""
    import io

    from dlgrade.sandbox.zygote import npy_array, npy_bytes

    for array in (np.arange(6.0).reshape(2, 3), np.arange(5, dtype=np.int16), np.array(2.5, dtype=np.float32),
                  np.zeros((0, 3)), np.array([[True], [False]])):
        blob = npy_bytes(array)
        assert npy_bytes(array.copy()) == blob
        np.testing.assert_array_equal(np.load(io.BytesIO(blob), allow_pickle=False), array)
        first, second = npy_array(blob), npy_array(blob)
        for got in (first, second):
            assert type(got) is np.ndarray and got.dtype == array.dtype and got.shape == array.shape
            assert got.flags.owndata and got.flags.writeable
            np.testing.assert_array_equal(got, array)
        if array.size:
            first.reshape(-1)[0] = 1 - first.reshape(-1)[0]
            np.testing.assert_array_equal(second, array)


def test_array_data_that_does_not_match_its_known_header_is_refused():
    from dlgrade.sandbox.zygote import npy_array, npy_bytes

    blob = npy_bytes(np.zeros((2, 3)))
    npy_array(blob)  # the header is known from now on
    for bad in (blob[:-8], blob + bytes(8), blob[:60]):
        with pytest.raises(ValueError):
            npy_array(bad)
        with pytest.raises(wire.WireError, match="unreadable array"):
            wire.decode({"$nd": 0}, [bad])


def test_a_frames_blobs_arrive_cut_where_they_were_joined():
    import socket

    from dlgrade.sandbox.zygote import recv_frame, send_frame

    blobs = [b"", b"abc", bytes(range(256)) * 100, b"", b"z"]  # within one socket buffer: one thread
    left, right = socket.socketpair()
    try:
        send_frame(left, {"op": "first"}, blobs)
        send_frame(left, {"op": "second"}, [b"only"])
        send_frame(left, {"op": "third"})
        assert recv_frame(right) == ({"op": "first", "blobs": [len(b) for b in blobs]}, blobs)
        assert recv_frame(right) == ({"op": "second", "blobs": [4]}, [b"only"])
        assert recv_frame(right) == ({"op": "third", "blobs": []}, [])
    finally:
        left.close()
        right.close()


def test_what_the_child_sends_back_arrives_as_it_was():
    """The child's Codec.encode read by the grader's wire.decode: types and values kept,
    what cannot be compared refused as an invalid value."""
    child, blobs = Codec(), []
    value = {"w": np.arange(3.0), "n": np.int32(4), "f": np.float32(0.5), "ok": np.bool_(True), "flag": False,
             "t": (1, None, "text"), "l": [2.5, np.zeros((0, 2), dtype=np.int8)], "x": 1.25,
             "strings": np.array(["a"]), "sub": np.arange(2).view(np.matrix), "z": 1j}
    got = wire.decode(child.encode(value, blobs), blobs)
    np.testing.assert_array_equal(got["w"], value["w"])
    assert type(got["n"]) is np.int32 and got["n"] == 4
    assert type(got["f"]) is np.float32 and got["f"] == 0.5
    assert got["ok"] is True and got["flag"] is False and got["x"] == 1.25 and type(got["x"]) is float
    assert got["t"] == (1, None, "text") and type(got["t"]) is tuple
    assert got["l"][0] == 2.5 and got["l"][1].shape == (0, 2) and got["l"][1].dtype == np.int8
    for key in ("strings", "sub", "z"):
        assert isinstance(got[key], wire.InvalidValue), key


@pytest.mark.parametrize("dtype", ["<f8", ">f8", "<f4", "<f2", "|b1", "<i8", ">i4", "|u1", "<u2", "<c16"])
def test_arrays_are_sent_byte_for_byte_as_numpy_saves_them_header_reused_or_not(dtype):
    """npy_bytes reuses the header of a (dtype, shape) it has written before: the bytes are
    np.save's own, whatever the order, the strides or how often the shape comes."""
    import io

    from dlgrade.sandbox.zygote import npy_array, npy_bytes

    rng = np.random.default_rng(3)
    for shape in [(), (0,), (1,), (3,), (3, 4), (2, 0, 3), (4, 2, 2)]:
        for _ in range(3):  # the first time writes the header, the next ones reuse it
            values = rng.normal(size=shape) * 100
            for array in (values.astype(dtype), np.asfortranarray(values).astype(dtype),
                          values.astype(dtype)[..., ::2] if values.ndim else values.astype(dtype)):
                array = np.asarray(array)
                saved = io.BytesIO()
                np.save(saved, array, allow_pickle=False)
                if array.ndim and not array.flags.c_contiguous:  # np.save keeps Fortran order; we send C order
                    saved = io.BytesIO()
                    np.save(saved, np.ascontiguousarray(array), allow_pickle=False)
                blobs = []
                assert wire.encode(array, blobs) == {"$nd": 0} and blobs == [npy_bytes(array)]
                assert blobs[0] == saved.getvalue(), (dtype, shape)
                np.testing.assert_array_equal(npy_array(blobs[0]), array)


def test_replies_read_as_numpy_loads_them_header_known_or_not():
    """npy_array takes a header it has read before from what it read then: every reply,
    well-formed or not, reads as np.load reads it (the same array), or is refused."""
    import io

    from dlgrade.sandbox.zygote import npy_bytes

    def loaded(blob):
        try:
            array = np.load(io.BytesIO(bytes(blob)), allow_pickle=False)
        except Exception:  # noqa: BLE001  (refused either way is what is compared)
            return "refused"
        return array.dtype.str, array.shape, array.tobytes()

    def read(blob):
        try:
            array = wire.decode({"$nd": 0}, [blob])
        except wire.WireError:
            return "refused"
        assert array.flags.writeable
        return array.dtype.str, array.shape, array.tobytes()

    rng = np.random.default_rng(5)
    blobs, whole = [], []
    for dtype in ("<f8", "<f4", "|b1", "<i8", "|u1", ">f8"):
        for shape in [(), (0,), (3,), (3, 4), (2, 1, 3)]:
            blob = npy_bytes(np.asarray((rng.normal(size=shape) * 10).astype(dtype)))
            whole += [blob, bytearray(blob)]
            blobs += [blob, blob[:-1], blob + b"\0", blob[:10], blob[:9], b"\x00" + blob[1:]]
            forged = blob.replace(b"'shape': (", b"'shape': (9, ", 1)  # the header claims more data
            blobs += [forged, bytearray(blob)]
    blobs += [b"", b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 40]
    for _ in range(2):  # the second time every well-formed header is known
        for blob in blobs:  # stricter than np.load (trailing bytes refused), never other values
            assert read(blob) in ("refused", loaded(blob)), bytes(blob[:80])
        for blob in whole:
            assert read(blob) == loaded(blob) != "refused"
