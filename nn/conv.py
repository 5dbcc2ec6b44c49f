"""Convolutional layers (합성곱 신경망): ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d`` and
``Dropout2d`` on (N, C, H, W) images, with PyTorch's arguments, parameter shapes and initialisation.
A filter is shared by every position of the image: far fewer parameters than a dense layer."""

from __future__ import annotations

import math
from typing import Any

from autograd import Tensor
from autograd.kernels.im2col import pair
from autograd.random import Rng, as_generator
from autograd.tensor.promotion import float_dtype
from nn import functional as F
from nn._checks import dropout_probability, positive_ints
from nn.functional.conv import Size, adaptive_avg_pool2d, avg_pool2d, conv2d, max_pool2d
from nn.module import Module, Parameter


class Conv2d(Module):
    """Cross-correlation of (N, in_channels, H, W) inputs with ``out_channels`` filters of
    ``kernel_size``; weight (out, in/groups, KH, KW) and bias drawn from U(±1/sqrt(fan_in)), as PyTorch.
    ``padding`` may be an int, a pair, ``"valid"`` (0) or ``"same"`` (stride 1; PyTorch's extra row and
    column at the bottom and right for even kernels)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Size,
        stride: Size = 1,
        padding: Size | str = 0,
        dilation: Size = 1,
        groups: int = 1,
        bias: bool = True,
        rng: Rng = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = float_dtype(dtype)  # None: the default float dtype, as PyTorch's layers
        positive_ints("Conv2d", in_channels=in_channels, out_channels=out_channels, groups=groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels {in_channels} and out_channels {out_channels} must divide into "
                f"{groups} groups"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.dilation = (
            pair(kernel_size, "kernel_size"),
            pair(stride, "stride"),
            pair(dilation, "dilation"),
        )
        self.padding = self._padding(padding)
        fan_in = in_channels // groups * self.kernel_size[0] * self.kernel_size[1]
        # a zero-size kernel makes empty weights, refused by the forward pass (as PyTorch does)
        bound, generator = (1.0 / math.sqrt(fan_in) if fan_in else 0.0), as_generator(rng)
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(generator.uniform(-bound, bound, shape).astype(dtype))
        self.bias: Parameter | None = (
            Parameter(generator.uniform(-bound, bound, out_channels).astype(dtype)) if bias else None
        )

    def _padding(self, padding: Size | str) -> tuple[int, int] | str:
        """A pair, or PyTorch's 'valid' / 'same' kept by name (conv2d resolves them, 'same' with an even
        kernel padding one more on the right and bottom)."""
        if padding == "same" and self.stride != (1, 1):
            raise ValueError("Conv2d: padding='same' is not supported for strided convolutions")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(
                    f"Conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}"
                )
            return padding
        return pair(padding, "padding")

    def forward(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and (x.ndim != 4 or x.shape[1] != self.in_channels):
            raise ValueError(
                f"Conv2d({self.in_channels}, {self.out_channels}) expects inputs of shape "
                f"(N, {self.in_channels}, H, W), got {x.shape}"
            )
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        )
        for name, value, default in (("padding", self.padding, (0, 0)), ("dilation", self.dilation, (1, 1)),
                                     ("groups", self.groups, 1)):  # fmt: skip
            if value != default:
                text += f", {name}={value}"
        return text + ("" if self.bias is not None else ", bias=False")


class MaxPool2d(Module):
    """The largest value of each window (풀링): keeps the strongest response, halves 28×28 to 14×14 with 2.
    PyTorch's ``ceil_mode`` and ``return_indices`` (then the forward gives (values, indices))."""

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        dilation: Size = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride  # stride=0 is refused, as in PyTorch
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        return max_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )

    def extra_repr(self) -> str:
        window = f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
        return f"{window}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class AvgPool2d(Module):
    """The mean of each window (padding counts as zeros, as PyTorch's default); PyTorch's ``ceil_mode``,
    ``count_include_pad`` and ``divisor_override``."""

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad, self.divisor_override = (
            ceil_mode,
            count_include_pad,
            divisor_override,
        )

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size (e.g. 1 for global pooling)."""

    def __init__(self, output_size: Size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class Dropout2d(Module):
    """Drops whole channels of (N, C, H, W) inputs with probability p while training (scaled by 1/(1-p))."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: Rng = None) -> None:
        super().__init__()
        dropout_probability("Dropout2d", p)
        self.p, self.inplace, self.rng = p, inplace, as_generator(rng)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout2d(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
