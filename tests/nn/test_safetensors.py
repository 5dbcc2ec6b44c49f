"""safetensors files (nn/safetensors_file.py, nn/safetensors_model.py): the format written and read here,
checked against the ``safetensors`` package both ways; models moved to and from PyTorch with equal
outputs; tied weights written once and restored tied; hostile files refused before anything is loaded."""

from __future__ import annotations

import json
import re
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule
import nn
from autograd import Tensor
from nn.safetensors_file import HEADER_LIMIT, load_file, read_arrays, read_header, save_file

DTYPES = [
    "float64", "float32", "float16", "int64", "int32", "int16", "int8",
    "uint64", "uint32", "uint16", "uint8", "bool",
]  # fmt: skip


@pytest.fixture(scope="module")
def reference() -> Any:
    return pytest.importorskip("safetensors.numpy", reason="the safetensors package is the reference format")


@pytest.fixture(scope="module")
def torch() -> Any:
    pytest.importorskip("safetensors.torch", reason="the safetensors package moves PyTorch's tensors")
    return pytest.importorskip("torch", reason="the cross-checks load the files into PyTorch models")


def _examples() -> dict[str, np.ndarray]:
    """One array of every dtype written, with a 0-d one and an empty one, non-trivial values."""
    rng = np.random.default_rng(0)
    arrays = {f"x.{d}": (rng.normal(size=(2, 3)) * 50).astype(d) for d in DTYPES}
    arrays["scalar"] = np.array(7, np.int64)
    arrays["empty"] = np.zeros((0, 3), np.float32)
    arrays["odd"] = np.arange(3, dtype=np.int8)  # 3 bytes: the float64s after it must still be aligned
    return arrays


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit: dtype, shape and bytes (NaNs included)."""
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _craft(path: Path, header: Any, data: bytes = b"") -> Path:
    """A file with the given header (a JSON-able value, or raw bytes) and data buffer."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(len(text).to_bytes(8, "little") + text + data)
    return path


# -- the format -------------------------------------------------------------------------------------


def test_every_dtype_round_trips_exactly_with_metadata(tmp_path: Path) -> None:
    arrays = _examples()
    path = save_file(arrays, tmp_path / "a.safetensors", metadata={"format": "pt", "note": "é"})
    loaded = load_file(path)
    assert sorted(loaded) == sorted(arrays)
    assert all(isinstance(t, Tensor) and _same(t.numpy(), arrays[n]) for n, t in loaded.items())
    header = read_header(path)
    assert header.metadata == {"format": "pt", "note": "é"}
    assert header.start % 8 == 0  # the header is padded so the data starts aligned
    assert all(entry.begin % arrays[name].itemsize == 0 for name, entry in header.entries.items())


def test_tensors_and_big_endian_or_strided_arrays_are_written_as_little_endian_c_order(
    tmp_path: Path,
) -> None:
    big = np.arange(6, dtype=">i4").reshape(2, 3)
    strided = np.arange(12.0).reshape(3, 4)[:, ::2].T
    path = save_file({"big": big, "strided": strided, "t": chainrule.ones(2, 2)}, tmp_path / "b.safetensors")
    loaded = load_file(path)
    assert loaded["big"].dtype == np.int32 and np.array_equal(loaded["big"].numpy(), big)
    assert np.array_equal(loaded["strided"].numpy(), strided) and loaded["t"].numpy().sum() == 4


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text("abc._0", min_size=1, max_size=6),
        st.sampled_from(DTYPES).flatmap(
            lambda d: hnp.arrays(d, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
        ),
        max_size=5,
    )
)
def test_random_dicts_round_trip_bit_for_bit(arrays: dict[str, np.ndarray]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        loaded = load_file(save_file(arrays, Path(folder) / "r.safetensors"))
    assert sorted(loaded) == sorted(arrays)
    assert all(_same(loaded[name].numpy(), array) for name, array in arrays.items())


def test_the_reference_reads_our_files_and_we_read_its(tmp_path: Path, reference: Any) -> None:
    from safetensors import safe_open

    arrays = _examples()
    ours = save_file(arrays, tmp_path / "ours.safetensors", metadata={"k": "v"})
    theirs_read = reference.load_file(ours)
    assert sorted(theirs_read) == sorted(arrays)
    assert all(_same(theirs_read[n], a) for n, a in arrays.items())
    with safe_open(ours, "np") as handle:
        assert handle.metadata() == {"k": "v"}
    theirs = tmp_path / "theirs.safetensors"
    reference.save_file(arrays, theirs, metadata={"a": "b"})
    loaded = load_file(theirs)
    assert all(_same(loaded[n].numpy(), a) for n, a in arrays.items())
    assert read_header(theirs).metadata == {"a": "b"}


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.text("xyz.1", min_size=1, max_size=5),
        st.sampled_from(DTYPES).flatmap(lambda d: hnp.arrays(d, hnp.array_shapes(min_dims=0, max_dims=2))),
        max_size=4,
    )
)
def test_random_dicts_agree_with_the_reference_both_ways(
    reference: Any, arrays: dict[str, np.ndarray]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = Path(folder) / "o.safetensors", Path(folder) / "t.safetensors"
        read_by_them = reference.load_file(save_file(arrays, ours))
        reference.save_file(arrays, theirs)
        read_by_us = load_file(theirs)
    assert all(_same(read_by_them[n], a) and _same(read_by_us[n].numpy(), a) for n, a in arrays.items())


def test_bfloat16_reads_as_float32_exactly(tmp_path: Path) -> None:
    bits = np.array([0x3FC0, 0xC2F7, 0x0000, 0x7F80], "<u2")  # 1.5, -123.5, 0, inf
    path = _craft(
        tmp_path / "bf.safetensors",
        {"b": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}},
        bits.tobytes(),
    )
    value = load_file(path)["b"].numpy()
    assert value.dtype == np.float32 and value.tolist() == [1.5, -123.5, 0.0, np.inf]


def test_bfloat16_from_pytorch_equals_its_float32(tmp_path: Path, torch: Any) -> None:
    from safetensors.torch import save_file as torch_save_file

    values = torch.randn(5, 7, dtype=torch.float64).to(torch.bfloat16)
    torch_save_file({"w": values}, tmp_path / "bf.safetensors")
    assert np.array_equal(load_file(tmp_path / "bf.safetensors")["w"].numpy(), values.float().numpy())


def test_any_non_zero_byte_of_a_bool_is_true(tmp_path: Path) -> None:
    path = _craft(
        tmp_path / "b.safetensors",
        {"m": {"dtype": "BOOL", "shape": [3], "data_offsets": [0, 3]}},
        bytes([0, 1, 7]),
    )
    assert load_file(path)["m"].numpy().tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.zeros(2, np.float128) if hasattr(np, "float128") else np.zeros(2, np.clongdouble), "dtype"),
        (np.zeros(2, np.complex64), "dtype complex64"),
        (np.array(["a"]), "dtype <U1"),
        ([1.0, 2.0], "is a list, not a Tensor or an array"),
    ],
)
def test_what_the_format_cannot_hold_is_refused_and_no_file_is_left(
    tmp_path: Path, value: Any, message: str
) -> None:
    target = save_file({"old": np.ones(1)}, tmp_path / "keep.safetensors")
    before = target.read_bytes()
    with pytest.raises(TypeError, match=message):
        save_file({"fine": np.ones(2), "bad": value}, target)
    with pytest.raises(TypeError, match=message):
        save_file({"bad": value}, tmp_path / "new.safetensors")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.safetensors"]  # no temporary file either


@pytest.mark.parametrize(
    ("tensors", "metadata", "message"),
    [
        ([np.ones(1)], None, "holds a dict of name -> Tensor, not a list"),
        ({1: np.ones(1)}, None, "1 cannot name a tensor"),
        ({"__metadata__": np.ones(1)}, None, "'__metadata__' cannot name a tensor"),
        ({"a": np.ones(1)}, {"k": 1}, "metadata must map strings to strings"),
    ],
)
def test_bad_names_and_metadata_are_refused(
    tmp_path: Path, tensors: Any, metadata: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        save_file(tensors, tmp_path / "x.safetensors", metadata=metadata)
    assert list(tmp_path.iterdir()) == []


def _f32(begin: int, end: int, shape: list[int]) -> dict[str, Any]:
    return {"dtype": "F32", "shape": shape, "data_offsets": [begin, end]}


HOSTILE = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, b"", "nests JSON too deeply", id="deeply nested header"),
    pytest.param(b"\x01\x02", None, "it has 2 bytes, fewer than the 8", id="shorter than 8 bytes"),
    pytest.param(
        (1000).to_bytes(8, "little") + b"{}",
        None,
        "declares 1000 bytes, but only 2 follow",
        id="header longer than the file",
    ),
    pytest.param(
        (HEADER_LIMIT + 1).to_bytes(8, "little"),
        None,
        "over the limit of 100000000",
        id="header over the cap",
    ),
    pytest.param(b"\xff\xfe{}", b"", "the header is not UTF-8", id="not utf-8"),
    pytest.param(b"{'w': 1", b"", "the header is not JSON", id="not json"),
    pytest.param(b"[1, 2]", b"", "the header is a JSON list, not an object", id="not an object"),
    pytest.param(
        b'{"a": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}, "a": {}}',
        bytes(4),
        "names a more than once",
        id="a name twice",
    ),
    pytest.param({"__metadata__": {"k": 1}}, b"", "__metadata__ is not an object of strings", id="metadata"),
    pytest.param({"w": 5}, b"", "the entry 'w' is not an object", id="entry not an object"),
    pytest.param({"w": {"dtype": "F32", "shape": [1]}}, bytes(4), "'w' has no data_offsets", id="no offsets"),
    pytest.param({"w": {"data_offsets": [0, 4]}}, bytes(4), "'w' has no dtype, shape", id="no dtype, shape"),
    pytest.param(
        {"w": _f32(0, 4, [1.5])}, bytes(4), "shape [1.5], not a list of non-negative", id="float dim"
    ),
    pytest.param({"w": _f32(0, 4, ["1"])}, bytes(4), "not a list of non-negative integers", id="string dim"),
    pytest.param({"w": _f32(0, 4, [True])}, bytes(4), "not a list of non-negative integers", id="bool dim"),
    pytest.param({"w": _f32(0, 4, [-1])}, bytes(4), "shape [-1], not a list", id="negative dim"),
    pytest.param({"w": _f32(0, 4, 4)}, bytes(4), "shape 4, not a list", id="shape not a list"),
    pytest.param(
        {"w": {**_f32(0, 4, [1]), "dtype": "F8_E4M3"}},
        bytes(4),
        "dtype 'F8_E4M3', which is not read",
        id="unsupported dtype",
    ),
    pytest.param({"w": {**_f32(0, 4, [1]), "dtype": ["F32"]}}, bytes(4), "dtype ['F32']", id="dtype a list"),
    pytest.param(
        {"w": {**_f32(0, 4, [1]), "data_offsets": [0]}},
        bytes(4),
        "not two non-negative integers",
        id="one offset",
    ),
    pytest.param({"w": _f32(4, 0, [1])}, bytes(4), "reversed data_offsets [4, 0]", id="reversed offsets"),
    pytest.param(
        {"w": _f32(0, 4, [2])}, bytes(4), "'w' has 4 bytes, but F32 of shape [2] needs 8", id="size"
    ),
    pytest.param(
        {"w": _f32(0, 8, [2])}, bytes(4), "'w' ends at byte 8, past the 4 bytes of data", id="past end"
    ),
    pytest.param(
        {"a": _f32(0, 8, [2]), "b": _f32(4, 12, [2])},
        bytes(12),
        "'b' overlaps the tensor before it",
        id="overlap",
    ),
    pytest.param(
        {"a": _f32(0, 4, [1]), "b": _f32(8, 12, [1])},
        bytes(12),
        "bytes 4 to 8 of the data, before 'b'",
        id="hole",
    ),
    pytest.param({"a": _f32(4, 8, [1])}, bytes(8), "bytes 0 to 4 of the data, before 'a'", id="hole first"),
    pytest.param(
        {"a": _f32(0, 4, [1])},
        bytes(8),
        "bytes 4 to 8 of the data, after the last tensor",
        id="bytes after the last tensor",
    ),
]


@pytest.mark.parametrize(("header", "data", "message"), HOSTILE)
def test_a_hostile_file_is_refused_naming_it_and_the_model_is_unchanged(
    tmp_path: Path, header: Any, data: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.safetensors"
    if data is None:
        path.write_bytes(header)  # the bytes of the whole file
    else:
        _craft(path, header, data)
    with pytest.raises(
        ValueError, match=r"bad\.safetensors is not a valid safetensors file: .*" + re.escape(message)
    ):
        load_file(path)
    model = nn.Linear(1, 1)
    before = {name: t.numpy().copy() for name, t in model.state_dict().items()}
    with pytest.raises(ValueError, match=r"bad\.safetensors is not a valid safetensors file"):
        model.load(path)
    assert all(np.array_equal(t.numpy(), before[name]) for name, t in model.state_dict().items())


@pytest.mark.parametrize(
    "offsets", [[0, 4 * 2**40], [0, 8]], ids=["offsets beyond the file", "offsets too short for the shape"]
)
def test_a_header_declaring_terabytes_fails_at_once_without_allocating(
    tmp_path: Path, offsets: list[int]
) -> None:
    path = _craft(
        tmp_path / "huge.safetensors",
        {"w": {"dtype": "F32", "shape": [2**40], "data_offsets": offsets}},
        bytes(8),
    )
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"huge\.safetensors is not a valid safetensors file: 'w'"):
        nn.Linear(1, 1).load(path)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1 and peak < 1_000_000


def test_a_file_cut_after_its_header_was_read_is_named(tmp_path: Path) -> None:
    whole = save_file({"w": np.arange(100.0)}, tmp_path / "whole.safetensors")
    header = read_header(whole)
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(whole.read_bytes()[:-8])
    with pytest.raises(
        ValueError, match=r"cut\.safetensors is not a valid safetensors file: it ends inside 'w'"
    ):
        read_arrays(cut, header, ["w"])


# -- models ----------------------------------------------------------------------------------------


def test_model_save_picks_the_format_by_suffix(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    assert model.save(tmp_path / "m.safetensors").read_bytes()[8:9] == b"{"
    assert model.save(tmp_path / "M.SafeTensors").read_bytes()[8:9] == b"{"  # the suffix in any case
    assert model.save(tmp_path / "m.weights").read_bytes()[:2] == b"PK"  # .npz for every other name
    for name in ("m.safetensors", "M.SafeTensors", "m.weights"):
        other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        other.load(tmp_path / name)
        assert all(_same(other.state_dict()[k].numpy(), v.numpy()) for k, v in model.state_dict().items())


def test_strict_load_names_missing_unexpected_and_wrong_shapes_and_changes_nothing(tmp_path: Path) -> None:
    path = save_file({"weight": np.ones((3, 2)), "extra": np.ones(1)}, tmp_path / "w.safetensors")
    model = nn.Linear(2, 2)
    before = model.weight.numpy().copy()
    expected = (
        r"cannot load .*w\.safetensors into Linear: wrong shape for weight: expected \(2, 2\), got \(3, 2\); "
    )
    with pytest.raises(ValueError, match=expected + "missing bias; unexpected extra"):
        model.load(path)
    with pytest.raises(ValueError, match=r"wrong shape for weight"):
        model.load(path, strict=False)
    assert np.array_equal(model.weight.numpy(), before)
    fitting = save_file({"weight": np.full((2, 2), 3.0), "extra": np.ones(1)}, tmp_path / "fit.safetensors")
    model.load(fitting, strict=False)
    assert model.weight.numpy().tolist() == [[3.0, 3.0], [3.0, 3.0]] and model.weight.dtype == np.float32


def _tied(lib: Any) -> Any:
    """nanoGPT's tie in a small model: the head's weight is the embedding's."""
    model = lib.nn.ModuleDict({"emb": lib.nn.Embedding(5, 3), "head": lib.nn.Linear(3, 5, bias=False)})
    model["head"].weight = model["emb"].weight
    return model


def _randomise(model: Any, lib: Any) -> None:
    with lib.no_grad():
        for parameter in model.parameters():
            parameter.copy_(lib.tensor(np.random.default_rng(parameter.numel()).normal(size=parameter.shape)))


def test_a_tied_weight_is_written_once_and_loads_back_tied(tmp_path: Path) -> None:
    model = _tied(chainrule)
    _randomise(model, chainrule)
    path = model.save(tmp_path / "tied.safetensors")
    header = read_header(path)
    assert sorted(header.entries) == ["emb.weight"] and header.metadata == {"head.weight": "emb.weight"}
    other = _tied(chainrule)
    other.load(path)
    assert other["head"].weight is other["emb"].weight
    assert np.array_equal(other["head"].weight.numpy(), model["emb"].weight.numpy())
    with pytest.raises(ValueError, match=r"missing head\.weight"):
        nn.ModuleDict({"emb": nn.Embedding(5, 3), "head": nn.Linear(3, 5, bias=False)}).load(path)


def test_a_tie_given_twice_must_agree(tmp_path: Path) -> None:
    weight = np.arange(15.0).reshape(5, 3)
    both = save_file({"emb.weight": weight, "head.weight": weight}, tmp_path / "both.safetensors")
    model = _tied(chainrule)
    model.load(both)
    assert model["head"].weight is model["emb"].weight and np.array_equal(model["emb"].weight.numpy(), weight)
    differing = save_file({"emb.weight": weight, "head.weight": weight + 1}, tmp_path / "differ.safetensors")
    with pytest.raises(
        ValueError, match=r"head\.weight and emb\.weight hold one tied tensor, but the file gives"
    ):
        model.load(differing)
    assert np.array_equal(model["emb"].weight.numpy(), weight)


def test_tied_files_go_both_ways_with_safetensors_torch_save_model_and_load_model(
    tmp_path: Path, torch: Any
) -> None:
    from safetensors import safe_open
    from safetensors.torch import load_model, save_model

    ours = _tied(chainrule)
    _randomise(ours, chainrule)
    theirs = _tied(torch)
    load_model(theirs, ours.save(tmp_path / "ours.safetensors"))  # strict
    assert theirs["head"].weight is theirs["emb"].weight
    assert np.array_equal(theirs["emb"].weight.detach().numpy(), ours["emb"].weight.numpy())
    _randomise(theirs, torch)
    save_model(theirs, str(tmp_path / "theirs.safetensors"))
    back = _tied(chainrule)
    back.load(tmp_path / "theirs.safetensors")
    assert back["head"].weight is back["emb"].weight
    assert np.array_equal(back["head"].weight.numpy(), theirs["head"].weight.detach().numpy())
    with (
        safe_open(tmp_path / "ours.safetensors", "np") as a,
        safe_open(tmp_path / "theirs.safetensors", "np") as b,
    ):
        assert (sorted(a.keys()), a.metadata()) == (sorted(b.keys()), b.metadata())  # save_model's choice


def _mlp(lib: Any) -> Any:
    return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3))


def _cnn(lib: Any) -> Any:
    nn_ = lib.nn
    return nn_.Sequential(
        nn_.Conv2d(2, 4, 3, padding=1),
        nn_.BatchNorm2d(4),
        nn_.ReLU(),
        nn_.MaxPool2d(2),
        nn_.Flatten(),
        nn_.Linear(4 * 3 * 3, 3),
    )


def _lstm(lib: Any) -> Any:
    return lib.nn.LSTM(4, 6, num_layers=2, batch_first=True)


MODELS: dict[str, tuple[Callable[[Any], Any], tuple[int, ...]]] = {
    "mlp": (_mlp, (4, 5)),
    "cnn with BatchNorm2d": (_cnn, (3, 2, 6, 6)),
    "lstm": (_lstm, (2, 5, 4)),
}
TOLERANCE = {"float32": 1e-5, "float64": 1e-12}


def _built(name: str, lib: Any, dtype: str) -> Any:
    """The model ``name`` in ``lib``, in ``dtype``, after three training passes (so BatchNorm's running
    statistics and count are not their initial values), then in eval mode."""
    build, shape = MODELS[name]
    model = build(lib).double() if dtype == "float64" else build(lib).float()
    rng = np.random.default_rng(1)
    with lib.no_grad():
        for _ in range(3):
            model(lib.tensor(rng.normal(2.0, 3.0, shape).astype(dtype)))
    return model.eval()


def _output(model: Any, lib: Any, x: np.ndarray) -> np.ndarray:
    with lib.no_grad():
        out = model(lib.tensor(x))
    return (out[0] if isinstance(out, tuple) else out).numpy()  # an LSTM's is (output, (h, c))


def _max_difference(ours: Any, theirs: Any, torch: Any, name: str, dtype: str) -> float:
    """The largest difference of the two models' outputs on one random input, after checking that their
    state dicts hold the same names, dtypes and values bit for bit."""
    mine, other = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(other)
    assert all(_same(mine[k].numpy(), other[k].numpy()) for k in mine)
    x = np.random.default_rng(2).normal(size=MODELS[name][1]).astype(dtype)
    return float(np.abs(_output(ours, chainrule, x) - _output(theirs, torch, x)).max())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", MODELS)
def test_our_model_file_loads_into_pytorch_strictly_with_equal_outputs(
    tmp_path: Path, torch: Any, name: str, dtype: str
) -> None:
    from safetensors.torch import load_file as torch_load_file

    ours = _built(name, chainrule, dtype)
    theirs = _built(name, torch, dtype)
    theirs.load_state_dict(torch_load_file(ours.save(tmp_path / "m.safetensors")), strict=True)
    assert _max_difference(ours, theirs, torch, name, dtype) <= TOLERANCE[dtype]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", MODELS)
def test_a_pytorch_model_file_loads_into_ours_with_equal_outputs(
    tmp_path: Path, torch: Any, name: str, dtype: str
) -> None:
    from safetensors.torch import save_file as torch_save_file

    torch.manual_seed(0)
    theirs = _built(name, torch, dtype)
    torch_save_file(theirs.state_dict(), tmp_path / "m.safetensors")
    ours = _built(name, chainrule, dtype).load(tmp_path / "m.safetensors")
    assert _max_difference(ours, theirs, torch, name, dtype) <= TOLERANCE[dtype]
