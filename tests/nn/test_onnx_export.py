"""ONNX export of the feed-forward and convolutional models, op by op, checked in onnxruntime; its errors."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import chainrule.nn.functional as F
import numpy as np
import pytest

import chainrule as torch
from chainrule import nn
from tests.nn.onnx_check import assert_runs_alike, exported, onnx, op_types

BATCH = {"input": {0: "batch"}}


@pytest.fixture(autouse=True)
def _seeded() -> None:
    torch.manual_seed(0)


def lenet5() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.LeakyReLU(0.1), nn.Linear(84, 10),
    )  # fmt: skip


def wide_cnn() -> nn.Module:
    """The lessons' wide CNN shape: conv, BatchNorm, ReLU, pool twice, then a global average."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1, stride=2, dilation=1, groups=2), nn.BatchNorm2d(16), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.5), nn.Linear(16, 10), nn.LogSoftmax(dim=1),
    )  # fmt: skip


def test_an_mlp_runs_in_onnxruntime_at_its_batch_and_another_with_gemm_and_named_weights() -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1))
    proto = assert_runs_alike(model, [torch.randn(4, 3, 4)], [torch.randn(7, 3, 4)], dynamic_axes=BATCH)
    assert op_types(proto) == ["Reshape", "Gemm", "Relu", "Gemm", "Softmax"]
    assert {i.name for i in proto.graph.initializer} >= {name for name, _ in model.named_parameters()}
    batch = proto.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch.dim_param == "batch"


def test_lenet5_runs_alike_with_a_dynamic_batch() -> None:
    proto = assert_runs_alike(
        lenet5(), [torch.randn(2, 1, 28, 28)], [torch.randn(5, 1, 28, 28)], dynamic_axes=BATCH
    )
    assert {"Conv", "AveragePool", "MaxPool", "Tanh", "Sigmoid", "LeakyRelu"} <= set(op_types(proto))


def test_a_wide_cnn_with_batch_norm_exports_batch_normalization_with_its_running_statistics() -> None:
    model = wide_cnn()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):  # running statistics and weights away from their initial values
        optimizer.zero_grad()
        model(torch.randn(16, 1, 12, 12) * 3 + 1).sum().backward()
        optimizer.step()
    exported(model, [torch.randn(3, 1, 12, 12)])
    assert model.training  # export leaves the model's mode as it was
    proto = assert_runs_alike(
        model, [torch.randn(3, 1, 12, 12)], [torch.randn(6, 1, 12, 12)], dynamic_axes=BATCH
    )
    assert op_types(proto).count("BatchNormalization") == 2
    assert "GlobalAveragePool" in op_types(proto)
    names = {i.name for i in proto.graph.initializer}
    assert {"1.running_mean", "1.running_var", "5.running_mean", "5.weight"} <= names


def test_an_embedding_with_layer_norm_and_exact_gelu_takes_integer_indices() -> None:
    model = nn.Sequential(nn.Embedding(10, 6), nn.LayerNorm(6), nn.GELU(), nn.Linear(6, 2))
    proto = assert_runs_alike(
        model, [torch.tensor([[1, 2, 3], [4, 5, 9]])], [torch.tensor([[0, 9, 3], [4, 4, 4], [7, 8, 1]])],
        dynamic_axes=BATCH,
    )  # fmt: skip
    assert {"Gather", "LayerNormalization", "Erf"} <= set(op_types(proto))
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64


class Zoo(nn.Module):
    """Every listed op of the issue once, each feeding the next, so one file checks them all."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.rand(4) + 0.5)
        self.register_buffer("mask", torch.tril(torch.ones(3, 3)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (N, 3, 4)
        y = (x * 2 - 1) / 3 + x**2 - (-x) + 2**x * 0.1 + 1 / (x.abs() + 1)
        y = torch.sigmoid(y) + torch.tanh(y) + F.leaky_relu(y, 0.2) + F.elu(y) + F.selu(y) + F.softplus(y)
        y = y.exp().log().clamp(-3, 3) * self.scale + torch.sqrt(y.abs() + 1) + F.silu(y) + F.hardsigmoid(y)
        y = F.softmax(y, dim=1) + F.log_softmax(y, dim=-1) + F.gelu(y, approximate="tanh")
        y = y - y.sum(dim=2, keepdim=True) + y.mean(dim=1, keepdim=True) + y.max(dim=-1, keepdim=True).values
        y = y + y.var(dim=2, keepdim=True) + y.amin(dim=1, keepdim=True)
        z = y.permute(0, 2, 1).reshape(-1, 4, 3).transpose(1, 2).unsqueeze(1).squeeze(1)
        z = torch.cat([z, z[:, :, ::-1], z[:, 1:, 1:3].flatten(1).view(-1, 1, 4).expand(-1, 3, 4)], dim=2)
        z = torch.stack([z[..., 0], z[:, -1, None, :3].squeeze(1), z[:, :, -2]], dim=1)
        z = z.masked_fill(self.mask == 0, float("-inf")).softmax(dim=-1) @ z
        z = F.pad(z, (1, 2)) + F.rms_norm(F.pad(z, (1, 2)), (6,))
        return F.scaled_dot_product_attention(z, z, z, is_causal=True).sum(dim=(1, 2)) + z.mean()


def test_every_listed_op_runs_alike() -> None:
    x, other = torch.randn(2, 3, 4) * 0.5, torch.randn(5, 3, 4) * 0.5
    proto = assert_runs_alike(Zoo(), [x], [other], dynamic_axes=BATCH)
    assert {"Pow", "Elu", "Selu", "Softplus", "Clip", "ReduceMax", "Slice", "Concat", "Where", "Pad"} <= set(
        op_types(proto)
    )


def test_an_adaptive_pool_that_does_not_divide_is_written_with_slices_and_means() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.AdaptiveAvgPool2d((2, 3)), nn.Flatten())
    assert_runs_alike(model, [torch.randn(2, 1, 9, 9)], [torch.randn(3, 1, 9, 9)], dynamic_axes=BATCH)


class Inner(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x % 2.0


def test_an_op_without_an_onnx_form_names_the_op_the_module_and_the_opset_and_writes_nothing(
    tmp_path: Path,
) -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Sequential(nn.ReLU(), Inner()))
    target = tmp_path / "model.onnx"
    target.write_bytes(b"the previous file")
    with pytest.raises(torch.onnx.UnsupportedOperatorError, match=r"'remainder'.*1\.1: Inner.*opset 17"):
        torch.onnx.export(model, (torch.randn(2, 3),), target)
    assert target.read_bytes() == b"the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]


def test_a_file_is_written_whole_and_loads(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    target = tmp_path / "linear.onnx"
    assert torch.onnx.export(model, torch.randn(1, 3), target, input_names=["x"], output_names=["y"]) is None
    proto = onnx.load(target)
    assert [i.name for i in proto.graph.input] == ["x"] and [o.name for o in proto.graph.output] == ["y"]


class Branchy(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.exp() if float(x[0, 0]) < float(x[0, 1]) else x.tanh()


class FromNumbers(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + torch.tensor(x.numpy().max())


@pytest.mark.parametrize(
    ("model", "message"),
    [(Branchy(), "branches on the data"), (FromNumbers(), "changes with the input")],
)
def test_graphs_that_one_export_cannot_follow_are_refused(model: nn.Module, message: str) -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match=message):
        exported(model, [torch.arange(6.0).reshape(2, 3)])


def test_bad_arguments_are_named() -> None:
    model = nn.Linear(3, 2)
    with pytest.raises(TypeError, match=r"args\[0\] is a ndarray"):
        torch.onnx.export(model, (np.ones((1, 3)),), io.BytesIO())
    with pytest.raises(ValueError, match="opset_version must lie in 17"):
        torch.onnx.export(model, torch.ones(1, 3), io.BytesIO(), opset_version=11)
    with pytest.raises(ValueError, match="neither inputs nor outputs"):
        torch.onnx.export(model, torch.ones(1, 3), io.BytesIO(), dynamic_axes={"x": {0: "batch"}})
    with pytest.raises(ValueError, match="name axes \\[3\\]"):
        torch.onnx.export(model, torch.ones(1, 3), io.BytesIO(), dynamic_axes={"input": [3]})


def test_without_the_onnx_package_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[onnx\]'"):
        torch.onnx.export(nn.Linear(2, 2), torch.ones(1, 2), io.BytesIO())


@pytest.mark.parametrize("opset", [17, 18, 21])
def test_each_supported_opset_writes_reductions_in_its_own_form(opset: int) -> None:
    model = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4))
    proto = assert_runs_alike(model, [torch.randn(2, 4)], opset_version=opset)
    assert proto.opset_import[0].version == opset


# -- the attention path -----------------------------------------------------------------------------------


def test_the_gpt_lesson_model_with_tied_weights_exports_once_per_weight() -> None:
    from examples.gpt import GPT

    model = GPT(vocabulary=20, layers=2, width=32, heads=4, context=16)
    proto = assert_runs_alike(
        model, [torch.randint(0, 20, (2, 16))], [torch.randint(0, 20, (3, 16))], dynamic_axes=BATCH
    )
    names = [i.name for i in proto.graph.initializer]
    assert "tokens.weight" in names and "head.weight" not in names  # tied: one initializer, two uses
    assert {"LayerNormalization", "Erf", "Softmax", "Gather"} <= set(op_types(proto))


class SelfAttending(nn.Module):
    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.layer(x, x, x, need_weights=True, average_attn_weights=False)


@pytest.mark.parametrize(
    "model",
    [
        nn.TransformerEncoderLayer(16, 4, 32, batch_first=True, activation="gelu", norm_first=True),
        nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, batch_first=True), num_layers=2),
        SelfAttending(nn.MultiheadAttention(16, 4, batch_first=True)),
    ],
    ids=["encoder-layer", "encoder", "multihead-attention-with-weights"],
)
def test_transformer_layers_run_alike(model: nn.Module) -> None:
    assert_runs_alike(model, [torch.randn(2, 5, 16)], [torch.randn(3, 5, 16)], dynamic_axes=BATCH)


class Decoding(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.TransformerDecoderLayer(16, 4, 32)

    def forward(self, target: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        return self.layer(target, memory, tgt_mask=nn.Transformer.generate_square_subsequent_mask(5))


def test_a_decoder_layer_with_a_causal_mask_and_two_inputs_runs_alike() -> None:
    batch = {"target": {1: "batch"}, "memory": {1: "batch"}}
    assert_runs_alike(
        Decoding(),
        [torch.randn(5, 2, 16), torch.randn(4, 2, 16)],
        [torch.randn(5, 3, 16), torch.randn(4, 3, 16)],
        input_names=["target", "memory"],
        dynamic_axes=batch,
    )


# -- masks, sizes and names the traced runs must get right ------------------------------------------------


class Gated(nn.Module):
    def forward(self, scores: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return torch.where(keep, scores, torch.zeros(()) - 5.0).softmax(dim=-1)


def test_a_bool_mask_given_as_an_input_stays_an_input_of_the_graph() -> None:
    first = [torch.randn(2, 4), torch.tensor(np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool))]
    other = [torch.randn(3, 4), torch.tensor(np.array([[1, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]], bool))]
    batch = {"scores": {0: "batch"}, "keep": {0: "batch"}}
    proto = assert_runs_alike(Gated(), first, other, input_names=["scores", "keep"], dynamic_axes=batch)
    assert next(n for n in proto.graph.node if n.op_type == "Where").input[0] == "keep"


class FromComparison(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, x, 0.1 * x)


class Normalised(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x / x.norm(dim=1, keepdim=True)


def test_a_norm_guards_its_zero_vectors_in_the_graph() -> None:
    zero_row = torch.tensor(np.array([[0.0] * 5, [1.0, -2.0, 0.5, 0.0, 3.0]], np.float32))
    assert_runs_alike(Normalised(), [torch.randn(3, 5)], [zero_row], dynamic_axes=BATCH)


@pytest.mark.parametrize("model", [FromComparison()], ids=["where(x > 0)"])
def test_a_mask_computed_from_the_input_outside_the_graph_is_refused_not_frozen(model: nn.Module) -> None:
    with pytest.raises(
        torch.onnx.OnnxExportError, match=r"uses a constant .*its mask.* changed with the input"
    ):
        exported(model, [torch.randn(3, 5)], dynamic_axes=BATCH)


class Attending(nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def test_attention_reads_a_bool_mask_input_and_gives_zeros_where_a_query_sees_nothing() -> None:
    def batch(mask: list[list[int]]) -> list[torch.Tensor]:
        return [
            torch.randn(1, 3, 4),
            torch.randn(1, 3, 4),
            torch.randn(1, 3, 4),
            torch.tensor(np.array(mask, bool)),
        ]

    proto = assert_runs_alike(
        Attending(), batch([[1, 1, 1]] * 3), batch([[1, 0, 0], [0, 0, 0], [1, 1, 0]]), batch([[0, 0, 0]] * 3)
    )
    assert "input_3" in {i for n in proto.graph.node for i in n.input}


class Causal(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(x, x, x, is_causal=True)


def test_a_causal_mask_follows_a_dynamic_sequence_length() -> None:
    steps = {"input": {0: "batch", 1: "steps"}}
    proto = assert_runs_alike(
        Causal(), [torch.randn(2, 4, 8)], [torch.randn(3, 7, 8)], [torch.randn(1, 1, 8)], dynamic_axes=steps
    )
    assert "Trilu" in op_types(proto)


def test_sizes_that_one_more_row_does_not_change_are_still_found_dynamic() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.MaxPool2d(2), nn.Flatten(2))
    height = {"input": {2: "height"}}  # 8 -> 9 rows pools to 4 either way; the probe at 17 gives 8
    assert_runs_alike(model, [torch.randn(2, 3, 8, 8)], [torch.randn(2, 3, 16, 8)], dynamic_axes=height)


class Swapped(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[1], x.shape[0]) * 2


def test_a_reshape_that_swaps_two_dynamic_axes_is_refused_even_when_the_example_is_square() -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="2 of its dimensions vary"):
        exported(Swapped(), [torch.randn(2, 2)], dynamic_axes={"input": {0: "rows", 1: "columns"}})


def test_output_names_may_be_any_name_the_exporter_uses_inside() -> None:
    model = nn.Sequential(nn.Linear(5, 3), nn.Softmax(dim=1))
    proto = assert_runs_alike(model, [torch.randn(2, 5)], output_names=["softmax"])
    assert [o.name for o in proto.graph.output] == ["softmax"]


def test_a_missing_folder_is_an_error_as_in_pytorch(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        torch.onnx.export(nn.Linear(2, 2), torch.ones(1, 2), tmp_path / "missing" / "m.onnx")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("name", ["mlp", "lenet5", "wide"])
def test_the_lessons_networks_run_alike(name: str) -> None:
    from examples.mnist_cnn import lenet5 as lesson_lenet5
    from examples.mnist_cnn import wide
    from examples.mnist_mlp import build_model

    model = {"mlp": lambda: build_model([64, 32], 0.2, 0), "lenet5": lesson_lenet5, "wide": wide}[name]()
    shape = (784,) if name == "mlp" else (1, 28, 28)
    assert_runs_alike(model, [torch.randn(2, *shape)], [torch.randn(9, *shape)], dynamic_axes=BATCH)


def test_an_adaptive_pool_over_a_dynamic_image_size_is_refused_naming_the_module() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.AdaptiveAvgPool2d(2))
    with pytest.raises(torch.onnx.OnnxExportError, match=r"graph of 1 \(AdaptiveAvgPool2d\) changed"):
        exported(model, [torch.randn(1, 1, 8, 8)], dynamic_axes={"input": {2: "height", 3: "width"}})
    assert_runs_alike(  # over a fixed image size it is a fixed window
        model, [torch.randn(1, 1, 8, 8)], [torch.randn(4, 1, 8, 8)], dynamic_axes=BATCH
    )


def test_modules_written_whole_are_not_held_to_their_recorded_constants() -> None:
    pooled = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2)
    )
    image = {"input": {0: "batch", 2: "height", 3: "width"}}
    assert_runs_alike(pooled, [torch.randn(2, 1, 8, 8)], [torch.randn(3, 1, 12, 10)], dynamic_axes=image)
    padded = nn.Sequential(nn.Embedding(10, 3, padding_idx=0), nn.Linear(3, 2))
    assert_runs_alike(padded, [torch.tensor([[0, 1, 2]])], [torch.tensor([[3, 0, 9]])])


class Timestep(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 4)
        self.register_buffer("frequencies", torch.tensor([1.0, 0.5, 0.25, 0.125]))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.linear(x) + torch.sin(t.float()[:, None] * self.frequencies)


@pytest.mark.parametrize("t", [[10], [3, 3]], ids=["one element", "a palindrome"])
def test_an_integer_input_used_outside_the_graph_is_refused_even_when_flipping_leaves_it_alone(
    t: list[int],
) -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="changes with the input"):
        exported(Timestep(), [torch.randn(len(t), 4), torch.tensor(t)])


def test_list_form_dynamic_axes_are_told_apart_as_in_pytorch() -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="2 of its dimensions vary"):
        exported(Swapped(), [torch.randn(3, 3)], dynamic_axes={"input": [0, 1]})


class Banded(nn.Module):
    def __init__(self, width: int = 8, longest: int = 32) -> None:
        super().__init__()
        i = np.arange(longest)
        self.register_buffer(
            "band", torch.tensor((i[:, None] >= i[None, :]) & (i[:, None] - i[None, :] < width))
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        steps = x.shape[1]
        return F.scaled_dot_product_attention(x, x, x, attn_mask=self.band[:steps, :steps])


def test_a_mask_that_looks_causal_at_the_traced_sizes_is_not_taken_for_the_causal_one() -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="mask changed with the input"):
        exported(Banded(), [torch.randn(2, 3, 4)], dynamic_axes={"input": {0: "batch", 1: "steps"}})
    assert_runs_alike(Banded(), [torch.randn(2, 12, 4)], [torch.randn(5, 12, 4)], dynamic_axes=BATCH)


class Picked(nn.Module):
    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return x[:, keep]


def test_indexing_with_a_bool_mask_input_is_refused_by_name() -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="bool mask input 'input_1'"):
        exported(Picked(), [torch.randn(2, 3), torch.tensor(np.array([True, False, True]))])


@pytest.mark.parametrize(("beta", "threshold"), [(1.0, 20.0), (1.0, 1.0), (2.0, 1.0), (0.5, 3.0)])
def test_softplus_exports_its_threshold_switch_whatever_the_example_holds(
    beta: float, threshold: float
) -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Softplus(beta=beta, threshold=threshold))
    small, large = torch.randn(2, 3) * 0.1, torch.randn(4, 3) * 6
    assert_runs_alike(model, [small], [large], dynamic_axes=BATCH)
    assert_runs_alike(model, [large], [small], dynamic_axes=BATCH)


# -- the third round: exports that succeeded with other numbers -------------------------------------------


class ScaledEmbedding(nn.Embedding):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x) * 2.0


def test_a_subclass_or_a_hooked_module_is_written_as_it_ran_not_as_its_base_op() -> None:
    tokens, others = torch.tensor([[2, 3, 4], [5, 6, 7]]), torch.tensor([[1, 1, 9]])
    assert_runs_alike(ScaledEmbedding(10, 4), [tokens], [others], dynamic_axes=BATCH)
    hooked = nn.Embedding(10, 4)
    hooked.register_forward_hook(lambda module, args, out: out * 3.0)
    assert_runs_alike(hooked, [tokens], [others], dynamic_axes=BATCH)


class SummedTo(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum_to(1, 4) * 2


def test_a_sum_over_a_dynamic_axis_traced_at_size_one_is_still_a_sum() -> None:
    assert_runs_alike(SummedTo(), [torch.randn(1, 4)], [torch.randn(3, 4)], dynamic_axes=BATCH)


class Padded(nn.Module):
    def forward(self, q: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, q, q, attn_mask=mask.bool()[:, None, None, :])


def test_a_mask_computed_from_an_input_is_refused_even_when_the_example_never_triggers_it() -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="mask changed with the input"):
        exported(Padded(), [torch.randn(1, 2, 5, 4), torch.ones(1, 5)])


class LastStep(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, np.int64(x.shape[1]) - 1]


def test_numpy_numbers_recorded_from_sizes_are_compared_too() -> None:
    with pytest.raises(torch.onnx.OnnxExportError, match="its index"):
        exported(LastStep(), [torch.randn(2, 5, 3)], dynamic_axes={"input": {0: "batch", 1: "steps"}})


class Normalised2(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, x.shape[1:])


def test_layer_norm_without_a_weight_over_a_dynamic_axis_makes_its_ones_in_the_graph() -> None:
    steps = {"input": {0: "batch", 1: "steps"}}
    assert_runs_alike(Normalised2(), [torch.randn(2, 3, 4)], [torch.randn(3, 7, 4)], dynamic_axes=steps)


# -- the fourth round -------------------------------------------------------------------------------------


class SoftplusKind(nn.Softplus):
    """A subclass that keeps Softplus's forward: still written whole."""


@pytest.mark.parametrize("hooked", [False, True], ids=["subclass", "hooked"])
def test_softplus_switches_on_its_input_as_a_subclass_or_with_a_hook(hooked: bool) -> None:
    model = SoftplusKind(beta=2.0, threshold=5.0)
    if hooked:  # then written op by op: the switch is recorded ops (a step), not the example's mask
        model.register_forward_hook(lambda module, args, out: out * 1.0)
    assert_runs_alike(model, [torch.tensor([[0.5, -1.0, 1.5, 0.2]])], [torch.tensor([[2.6, 3.0, -1.0, 4.0]])])


class Halved(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum() * 0.5


def test_a_scalar_output_stays_0_d() -> None:
    proto = assert_runs_alike(Halved(), [torch.randn(2, 3)])
    assert len(proto.graph.output[0].type.tensor_type.shape.dim) == 0


class LSTMKind(nn.LSTM):
    """A subclass without a forward of its own: written as ONNX's LSTM."""


class LastOutput(nn.LSTM):
    def forward(self, x: torch.Tensor, hx: Any = None) -> torch.Tensor:
        return super().forward(x, hx)[0][:, -1]


def test_recurrent_subclasses_export_whole_or_are_refused_by_name() -> None:
    assert_runs_alike(
        LSTMKind(3, 4, batch_first=True), [torch.randn(2, 5, 3)], [torch.randn(4, 5, 3)], dynamic_axes=BATCH
    )
    with pytest.raises(
        torch.onnx.OnnxExportError, match="a lstm sequence is written as ONNX's own recurrent op only"
    ):
        exported(LastOutput(3, 4, batch_first=True), [torch.randn(2, 5, 3)])


def test_backward_hooks_are_left_out_of_the_export_and_kept_on_the_model() -> None:
    layer = nn.Linear(3, 5)
    layer.register_full_backward_hook(lambda module, grad_input, grad_output: None)
    assert_runs_alike(layer, [torch.randn(2, 3)], [torch.randn(4, 3)], dynamic_axes=BATCH)
    assert layer.__dict__["_backward_hooks"]
