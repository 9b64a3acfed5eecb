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


@pytest.mark.parametrize("dtype", ["<f8", ">f8", "<f4", "<f2", "|b1", "<i8", ">i4", "|u1", "<u2", "<c16"])
def test_arrays_are_sent_byte_for_byte_as_npy_bytes_writes_them_header_reused_or_not(dtype):
    """array_bytes reuses the header of a (dtype, shape) it has written before: the bytes
    are npy_bytes' own, whatever the order, the strides or how often the shape comes."""
    from dlgrade.sandbox.zygote import npy_array, npy_bytes

    rng = np.random.default_rng(3)
    for shape in [(), (0,), (1,), (3,), (3, 4), (2, 0, 3), (4, 2, 2)]:
        for _ in range(3):  # the first time writes the header, the next ones reuse it
            values = rng.normal(size=shape) * 100
            for array in (values.astype(dtype), np.asfortranarray(values).astype(dtype),
                          values.astype(dtype)[..., ::2] if values.ndim else values.astype(dtype)):
                expected = npy_bytes(array)  # complex: np.save's format, its header never reused
                sent = wire.array_bytes(array)
                assert sent == expected, (dtype, shape)
                np.testing.assert_array_equal(npy_array(sent), array)
    assert all(key[0].kind in "biuf" and key[0].str[0] in "<|" for key in wire._NPY_HEADERS)


def _outcome(read, blob):
    try:
        array = read(blob)
    except Exception as exc:  # noqa: BLE001  (the error itself is what is compared)
        return type(exc), str(exc)
    return array.dtype.str, array.shape, array.tobytes(), array.flags.writeable, array.base is None


def test_replies_read_as_npy_array_reads_them_header_known_or_not():
    """read_array takes a header it has read before from what it read then: every reply,
    well-formed or not, reads as npy_array reads it (the same array, or the same error)."""
    from dlgrade.sandbox.zygote import npy_array, npy_bytes

    rng = np.random.default_rng(5)
    blobs = []
    for dtype in ("<f8", "<f4", "|b1", "<i8", "|u1", ">f8"):
        for shape in [(), (0,), (3,), (3, 4), (2, 1, 3)]:
            blob = npy_bytes((rng.normal(size=shape) * 10).astype(dtype))
            blobs += [blob, blob[:-1], blob + b"\0", blob[:10], blob[:9], b"\x00" + blob[1:]]
            forged = blob.replace(b"'shape': (", b"'shape': (9, ", 1)  # the header claims more data
            blobs += [forged, bytearray(blob)]
    blobs += [b"", b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 40]
    for _ in range(2):  # the second time every well-formed header is known
        for blob in blobs:
            assert _outcome(wire.read_array, blob) == _outcome(npy_array, blob)
    assert wire._READ_HEADERS and all(len(h) <= wire._READ_HEADER_BYTES for h in wire._READ_HEADERS)
