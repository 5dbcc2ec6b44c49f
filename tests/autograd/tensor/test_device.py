"""Devices (autograd/tensor/device.py), the CPU only, as PyTorch spells them: device objects with an
index, device= on every factory, and a clear error for any other device."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as torch
from tests.twin import check


def test_devices_are_the_cpu_only() -> None:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.ones(2).to(device)
    assert str(x.device) == "cpu" and x.cpu() is x and x.to(device, torch.float64).dtype == np.float64
    assert x.to(torch.zeros(1, dtype=torch.int64)).dtype == np.int64
    model = torch.nn.Linear(2, 2).to(device)
    assert model.to(torch.float64).weight.dtype == np.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.device("cuda")


# -- Second reliability review, C8, C9, C12, K11: devices take an index, every factory takes device= ---------


DEVICE_FORMS = {
    "cpu:0": lambda t: (str(t.device("cpu:0")), repr(t.device("cpu:0")), t.device("cpu:0").index),
    "index": lambda t: (str(t.device("cpu", 1)), t.device("cpu", 1) == t.device("cpu:1")),
    "copy": lambda t: repr(t.device(t.device("cpu:2"))),
    "unequal": lambda t: (t.device("cpu") == t.device("cpu:0"), t.device("cpu") == t.device("cpu")),
    "negative": lambda t: t.device("cpu", -1),
    "bad string": lambda t: t.device("cpu:x"),
    "float index": lambda t: t.device("cpu", 1.0),
    "factories": lambda t: [
        str(make(device=where).device)
        for where in ("cpu", "cpu:0", t.device("cpu"), None)
        for make in (
            lambda **d: t.tensor([1.0], **d),
            lambda **d: t.zeros(2, **d),
            lambda **d: t.ones(2, **d),
            lambda **d: t.full((2,), 1.0, **d),
            lambda **d: t.zeros_like(t.ones(2), **d),
            lambda **d: t.ones_like(t.ones(2), **d),
            lambda **d: t.arange(3, **d),
            lambda **d: t.linspace(0, 1, 3, **d),
            lambda **d: t.eye(2, **d),
            lambda **d: t.randn(2, **d),
            lambda **d: t.rand(2, **d),
            lambda **d: t.randn_like(t.ones(2), **d),
            lambda **d: t.rand_like(t.ones(2), **d),
            lambda **d: t.randint(3, (2,), **d),
            lambda **d: t.randperm(3, **d),
            lambda **d: t.as_tensor([1.0], **d),
        )
    ],
}


@pytest.mark.parametrize("form", DEVICE_FORMS)
def test_devices_take_an_index_and_every_factory_takes_device(form: str) -> None:
    check(DEVICE_FORMS[form])


def test_factories_refuse_a_device_other_than_the_cpu() -> None:
    import chainrule

    for make in (lambda: chainrule.zeros(2, device="cuda"), lambda: chainrule.randn(2, device="cuda:0")):
        with pytest.raises(RuntimeError, match="chainrule runs on the CPU only"):
            make()
