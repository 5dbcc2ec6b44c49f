"""autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp against closed forms and, when torch is
installed, against torch.autograd.functional on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor
from autograd import functional as AF

RNG = np.random.default_rng(3)
X = RNG.normal(size=3)
W = RNG.normal(size=(2, 3))
V3 = RNG.normal(size=3)
V2 = RNG.normal(size=2)


def scalar(x: Tensor) -> Tensor:
    """f(x) = Σ tanh(x) · x + (Σx)³: its Hessian is dense."""
    return (x.tanh() * x).sum() + x.sum() ** 3


def vector(x: Tensor) -> Tensor:
    return (Tensor(W) @ x).exp()


def pair(x: Tensor, w: Tensor) -> Tensor:
    return ((w @ x).sigmoid() * (w @ x)).sum()


def _scalar_hessian(x: np.ndarray) -> np.ndarray:
    t = np.tanh(x)
    s2 = 1 - t * t
    diagonal = 2 * s2 - 2 * x * t * s2
    return np.diag(diagonal) + 6 * x.sum() * np.ones((3, 3))


def test_jacobian_of_a_vector_function_has_output_by_input_shape() -> None:
    jacobian = AF.jacobian(vector, Tensor(X))
    expected = np.exp(W @ X)[:, None] * W
    assert jacobian.shape == (2, 3) and np.allclose(jacobian.data, expected)


def test_hessian_matches_the_closed_form_and_is_symmetric() -> None:
    hessian = AF.hessian(scalar, Tensor(X))
    assert np.allclose(hessian.data, _scalar_hessian(X)) and np.allclose(hessian.data, hessian.data.T)


def test_vjp_jvp_hvp_vhp_agree_with_the_explicit_matrices() -> None:
    jacobian = np.exp(W @ X)[:, None] * W
    out, vjp = AF.vjp(vector, Tensor(X), Tensor(V2))
    assert np.allclose(out.data, np.exp(W @ X)) and np.allclose(vjp.data, V2 @ jacobian)
    _, jvp = AF.jvp(vector, Tensor(X), Tensor(V3))
    assert np.allclose(jvp.data, jacobian @ V3)
    value, hvp = AF.hvp(scalar, Tensor(X), Tensor(V3))
    _, vhp = AF.vhp(scalar, Tensor(X), Tensor(V3))
    assert np.allclose(hvp.data, _scalar_hessian(X) @ V3) and np.allclose(vhp.data, hvp.data)
    assert value.item() == pytest.approx(scalar(Tensor(X)).item())


def test_tuple_inputs_give_tuples_in_pytorch_layout() -> None:
    hessian = AF.hessian(pair, (Tensor(X), Tensor(W)))
    assert [[block.shape for block in row] for row in hessian] == [
        [(3, 3), (3, 2, 3)],
        [(2, 3, 3), (2, 3, 2, 3)],
    ]
    jacobians = AF.jacobian(lambda x, w: w @ x, (Tensor(X), Tensor(W)))
    assert np.allclose(jacobians[0].data, W)
    assert jacobians[1].shape == (2, 2, 3)


def test_create_graph_keeps_results_differentiable() -> None:
    x = Tensor(X, requires_grad=True)
    _, g = AF.vjp(scalar, x, create_graph=True)
    assert g.requires_grad
    from autograd import grad

    (h_row_sum,) = grad(g.sum(), x)
    assert np.allclose(h_row_sum.data, _scalar_hessian(X).sum(axis=0))


def test_bad_vectors_are_named() -> None:
    with pytest.raises(ValueError, match=r"v\[0\] has shape \(2,\), expected \(3,\)"):
        AF.jvp(vector, Tensor(X), Tensor(V2))
    with pytest.raises(ValueError, match="single one-element Tensor"):
        AF.vjp(vector, Tensor(X))
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a Tensor"):
        AF.jacobian(vector, X)  # type: ignore[arg-type]


def test_results_equal_pytorch_functional() -> None:
    torch = pytest.importorskip("torch")
    from torch.autograd import functional as TF

    def torch_scalar(x):  # type: ignore[no-untyped-def]
        return (x.tanh() * x).sum() + x.sum() ** 3

    def torch_vector(x):  # type: ignore[no-untyped-def]
        return (torch.tensor(W) @ x).exp()

    def torch_pair(x, w):  # type: ignore[no-untyped-def]
        return ((w @ x).sigmoid() * (w @ x)).sum()

    tx, tw, tv3, tv2 = (torch.tensor(a) for a in (X, W, V3, V2))
    pairs = [
        (AF.jacobian(vector, Tensor(X)), TF.jacobian(torch_vector, tx)),
        (AF.hessian(scalar, Tensor(X)), TF.hessian(torch_scalar, tx)),
        (AF.vjp(vector, Tensor(X), Tensor(V2))[1], TF.vjp(torch_vector, tx, tv2)[1]),
        (AF.jvp(vector, Tensor(X), Tensor(V3))[1], TF.jvp(torch_vector, tx, tv3)[1]),
        (AF.hvp(scalar, Tensor(X), Tensor(V3))[1], TF.hvp(torch_scalar, tx, tv3)[1]),
        (AF.vhp(scalar, Tensor(X), Tensor(V3))[1], TF.vhp(torch_scalar, tx, tv3)[1]),
    ]
    ours = AF.hessian(pair, (Tensor(X), Tensor(W)))
    theirs = TF.hessian(torch_pair, (tx, tw))
    pairs += [(ours[i][j], theirs[i][j]) for i in range(2) for j in range(2)]
    for mine, reference in pairs:
        assert np.allclose(mine.data, reference.numpy(), rtol=1e-10, atol=1e-12)
