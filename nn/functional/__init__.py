"""Functions on Tensors: activations (the Tensor methods, each written once in the rule table), the
fused linear map, dropout, and the notes' losses by task: squared error (regression), binary
cross-entropy (binary), softmax cross-entropy (multi-class). Losses are fused where that is faster
and more stable."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from autograd import Tensor, where
from autograd.extend import apply, lift
from autograd.rules import losses
from autograd.rules import structural as T
from nn._checks import dropout_probability
from nn.functional.attention import scaled_dot_product_attention
from nn.functional.conv import adaptive_avg_pool2d, avg_pool2d, conv2d, max_pool2d
from nn.functional.normalization import layer_norm, rms_norm
from nn.init import Rng, as_generator

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "dropout2d",
    "elu",
    "gelu",
    "hard_sigmoid",
    "hardsigmoid",
    "identity",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "maxout",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "prelu",
    "relu",
    "rms_norm",
    "scaled_dot_product_attention",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "softsign",
    "sse_loss",
    "step",
    "swish",
    "tanh",
]

# activations: the Tensor methods themselves, each bound to its rule in the derivative table
step = Tensor.step
identity = Tensor.identity
sigmoid = Tensor.sigmoid
tanh = Tensor.tanh
relu = Tensor.relu
leaky_relu = Tensor.leaky_relu
prelu = Tensor.prelu
elu = Tensor.elu
selu = Tensor.selu
gelu = Tensor.gelu
swish = Tensor.swish
silu = Tensor.silu
softsign = Tensor.softsign
hard_sigmoid = Tensor.hard_sigmoid
hardsigmoid = hard_sigmoid  # PyTorch's spelling
maxout = Tensor.maxout
softmax = Tensor.softmax
log_softmax = Tensor.log_softmax


REDUCTIONS = ("mean", "sum", "none")


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold, as PyTorch computes it. With
    PyTorch's defaults one rule-table node: past 20 the two differ by less than e^-20 (2e-9, below
    float32's rounding there); other settings add the switch to x as recorded ops (step), so an
    exported graph switches on its own input."""
    if beta == 1.0 and threshold == 20.0:
        return x.softplus()
    scaled = x * beta
    smooth = scaled.softplus() / beta
    return smooth + (scaled - threshold).step() * (x - smooth)  # recorded ops: no mask of the values


def _require_tensor(function: str, what: str, value: Any) -> None:
    """A clear error, naming the function, where a Tensor is needed and an array or list was given."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{function}: {what} must be a Tensor, got {type(value).__name__} (wrap it: torch.tensor(x))"
        )


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias as one graph node (weight has PyTorch's shape: out × in)."""
    _require_tensor("linear", "the input", x)
    inputs, weights = x._data, weight._data
    if (
        inputs.dtype != weights.dtype
        or inputs.shape[-1:] != weights.shape[1:]
        or (bias is not None and bias._data.dtype != weights.dtype)
        or (bias is not None and bias._data.shape != weights.shape[:1])
    ):
        _refuse_linear(x, weight, bias)
    return apply(T.LINEAR, (x, weight) if bias is None else (x, weight, bias))


def _refuse_linear(x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """The error for operands of ``linear`` that do not fit: dtypes, then the bias, then the features."""
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise RuntimeError(
            f"linear: the input is {x.dtype}, the weight {weight.dtype}"
            + ("" if bias is None else f" and the bias {bias.dtype}")
            + f"; they must share one dtype, as in PyTorch: convert the input with x.to({weight.dtype}) / "
            "x.float(), or the model with model.to(...)"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(
            f"linear: bias has shape {bias.shape}, a weight of shape {weight.shape} "
            f"needs ({weight.shape[0]},)"
        )
    features = x.shape[-1] if x.ndim else "no"
    raise ValueError(
        f"linear: input has {features} features, the weight expects {weight.shape[1]} ({weight.shape})"
    )


def _dropped(x: Tensor, p: float, mask_shape: tuple[int, ...], rng: Rng) -> Tensor:
    """``x`` with each entry of a ``mask_shape`` mask (broadcast over x) zeroed with probability p and the
    rest scaled by 1/(1-p); p = 1 gives zeros, as in PyTorch."""
    if p == 1.0:
        return x * x.dtype.type(0.0)
    keep = as_generator(rng).random(mask_shape, dtype=np.float32) >= p
    return x * (keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - p)))


def dropout2d(x: Tensor, p: float = 0.5, training: bool = True, rng: Rng = None) -> Tensor:
    """Channel dropout: zero each (sample, channel) map of an (N, C, H, W) input with probability p. As
    in PyTorch, a 3-D input is taken as (N, C, L) (channel-wise 1-D dropout) and other ranks as (N, C,
    ...), each with PyTorch's warning."""
    dropout_probability("dropout2d", p)
    if x.ndim < 2:
        raise ValueError(f"dropout2d expects (N, C, H, W) inputs, got {x.shape}")
    if x.ndim not in (3, 4):
        warnings.warn(_DROPOUT2D_RANK.format(x.ndim), stacklevel=2)
    if x.ndim == 3:
        warnings.warn(_DROPOUT2D_3D, stacklevel=2)
    if not training or p == 0.0:
        return x
    return _dropped(x, p, (*x.shape[:2], *(1,) * (x.ndim - 2)), rng)


_DROPOUT2D_RANK = (  # PyTorch's words
    "dropout2d: Received a {}-D input to dropout2d, which is deprecated and will result in an error in a "
    "future release. To retain the behavior and silence this warning, please use dropout instead. Note that "
    "dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
    "dimension, and an optional batch dimension (i.e. 3D or 4D inputs)."
)
_DROPOUT2D_3D = (
    "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
    "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
    "change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, "
    "W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead."
)


def pad(x: Tensor, pad: tuple[int, ...], mode: str = "constant", value: float = 0.0) -> Tensor:
    """PyTorch's F.pad: ``pad`` lists (before, after) pairs from the last dimension backwards, e.g.
    (left, right, top, bottom) for images. Only constant padding."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in pad):
        raise TypeError(f"pad: the pad widths must be ints, got {pad!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: {pad} must hold (before, after) pairs for at most {x.ndim} dimensions")
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)]
    widths = [(0, 0)] * (x.ndim - len(pairs)) + pairs[::-1]
    return x.pad(widths, value=value)


def dropout(x: Tensor, p: float = 0.5, training: bool = True, rng: Rng = None) -> Tensor:
    """Inverted dropout: zero each element with probability p, scale the rest by 1/(1-p); identity in eval."""
    dropout_probability("dropout", p)
    if not training or p == 0.0:
        return x
    return _dropped(x, p, x.shape, rng)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64, any shape) as rows of ``num_classes`` int64 zeros with a 1 at the index;
    ``num_classes=-1`` takes one more than the largest index, as PyTorch does."""
    _require_tensor("one_hot", "the input", tensor)
    if tensor.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    labels = tensor.numpy()
    if num_classes == -1:
        if labels.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if labels.size and labels.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor(labels[..., None] == np.arange(num_classes), dtype=np.int64)


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _check_same_shape(name: str, prediction: Tensor, target: Tensor) -> None:
    if prediction.shape != target.shape:
        raise ValueError(
            f"{name}: prediction has shape {prediction.shape} but target has shape {target.shape}"
        )


def mse_loss(prediction: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: mean((prediction - target)²)."""
    _require_tensor("mse_loss", "the prediction", prediction)
    target = lift(target, prediction)
    _check_same_shape("mse_loss", prediction, target)
    difference = prediction - target
    return _reduce(difference * difference, reduction)


def l1_loss(prediction: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: mean(|prediction - target|) (robust to outliers; the gradient is sign(error))."""
    _require_tensor("l1_loss", "the prediction", prediction)
    target = lift(target, prediction)
    _check_same_shape("l1_loss", prediction, target)
    return _reduce((prediction - target).abs(), reduction)


def smooth_l1_loss(prediction: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error near the target, absolute error further off: ½ e² / beta where |e| < beta, else
    |e| - ½ beta (e = prediction - target); the gradient is e / beta, then sign(e). beta 0 is l1_loss."""
    _require_tensor("smooth_l1_loss", "the prediction", prediction)
    target = lift(target, prediction)
    _check_same_shape("smooth_l1_loss", prediction, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    difference = prediction - target
    size = difference.abs()
    if beta == 0:
        return _reduce(size, reduction)
    return _reduce(where(size < beta, 0.5 * difference * difference / beta, size - 0.5 * beta), reduction)


def sse_loss(prediction: Tensor, target: Any) -> Tensor:
    """The notes' sum of squares error (오차제곱합): ½ Σ (prediction - target)² over every element."""
    _require_tensor("sse_loss", "the prediction", prediction)
    target = lift(target, prediction)
    _check_same_shape("sse_loss", prediction, target)
    difference = prediction - target
    return (difference * difference).sum() * 0.5


def binary_cross_entropy(probability: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1], as one node with PyTorch's numerics:
    each log is floored at -100 and the gradient (p - t) / max(p(1 - p), 1e-12) stays finite at p = 0 and
    1. From logits, ``binary_cross_entropy_with_logits`` is exact where a sigmoid would saturate."""
    _require_tensor("binary_cross_entropy", "the probability", probability)
    target = lift(target, probability)
    _check_same_shape("binary_cross_entropy", probability, target)
    values = probability.numpy()
    inside = (values >= 0) & (values <= 1)  # False for NaN too
    if not inside.all():
        outside = values[~inside]
        raise RuntimeError(
            "binary_cross_entropy: all elements of input should be between 0 and 1 (probabilities), got "
            f"{len(outside)} outside, e.g. {outside[:3].tolist()}; for scores use "
            "binary_cross_entropy_with_logits"
        )
    return _reduce(apply(losses.BCE, (probability, target)), reduction)


def binary_cross_entropy_with_logits(logits: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Sigmoid + binary cross-entropy in one stable step: max(x, 0) - x t + log(1 + e^-|x|)."""
    _require_tensor("binary_cross_entropy_with_logits", "the logits", logits)
    target = lift(target, logits)
    _check_same_shape("binary_cross_entropy_with_logits", logits, target)
    return _reduce(apply(losses.BCE_WITH_LOGITS, (logits, target)), reduction)


def cross_entropy(
    logits: Tensor,
    targets: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax + cross-entropy (교차 엔트로피): ``-log softmax(logits)[target]`` per row.

    ``logits`` is (N, C); ``targets`` are N integer labels or (N, C) rows of probabilities (one-hot).
    Plain, it is one fused graph node whose gradient per row is softmax - target (the reduction inside:
    a separate mean node cost an MNIST step ~4%). PyTorch's options ``weight`` (per class),
    ``ignore_index`` (labels that count for nothing) and ``label_smoothing`` follow PyTorch's formulas,
    the 'mean' dividing by the summed weights of the counted rows; they are composed of graph ops.
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    _require_tensor("cross_entropy", "the logits", logits)
    if logits.ndim != 2:
        options = {"weight": weight, "ignore_index": ignore_index, "label_smoothing": label_smoothing}
        return _per_position(cross_entropy, logits, targets, reduction, options)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    rows, ignored = _target_rows(logits, targets, ignore_index)
    if weight is None and label_smoothing == 0.0 and not ignored:
        return apply(losses.CROSS_ENTROPY, (logits,), targets=rows, reduction=reduction, saved={})
    return _weighted_nll(logits.log_softmax(1), rows, weight, ignore_index, reduction, label_smoothing)


def _per_position(loss: Any, scores: Tensor, targets: Any, reduction: str, options: dict[str, Any]) -> Tensor:
    """PyTorch's other layouts of a classification loss, as rows of (N, C): unbatched (C,) scores with one
    label, or (N, C, d1, ...) scores (a class per position) with (N, d1, ...) labels or (N, C, d1, ...)
    probabilities; a 'none' result comes back in the labels' shape."""
    if scores.ndim == 0:
        raise ValueError(f"{loss.__name__}: expected scores of shape (C,), (N, C) or (N, C, d1, ...), got ()")
    array = targets.numpy() if isinstance(targets, Tensor) else np.asarray(targets)
    if scores.ndim == 1:
        soft = array.dtype.kind == "f" and array.ndim == 1
        if not soft and array.size != 1:
            raise ValueError(
                f"{loss.__name__}: unbatched ({scores.shape[0]},) scores take one label, got {array.shape}"
            )
        out = loss(
            scores.unsqueeze(0), array[None] if soft else array.reshape(1), reduction=reduction, **options
        )
        return out.squeeze(0) if reduction == "none" else out
    order = (0, *range(2, scores.ndim), 1)
    rows = scores.permute(order).reshape(-1, scores.shape[1])
    if array.dtype.kind == "f" and array.ndim == scores.ndim:  # class probabilities per position
        labels = (
            targets.permute(order).reshape(-1, scores.shape[1])
            if isinstance(targets, Tensor)
            else (array.transpose(order).reshape(-1, scores.shape[1]))
        )
    else:
        labels = array.reshape(-1)
    out = loss(rows, labels, reduction=reduction, **options)
    return out.reshape((scores.shape[0], *scores.shape[2:])) if reduction == "none" else out


def nll_loss(
    log_probabilities: Tensor,
    targets: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: ``-weight[t] * log_probabilities[i, t]`` per row (t = targets[i]), for
    (N, C) log-probabilities (log_softmax's output) and N integer labels; log_softmax + nll_loss =
    cross_entropy. Rows labelled ``ignore_index`` count for nothing; 'mean' divides by their weights."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    _require_tensor("nll_loss", "the log-probabilities", log_probabilities)
    if log_probabilities.ndim != 2:
        options = {"weight": weight, "ignore_index": ignore_index}
        return _per_position(nll_loss, log_probabilities, targets, reduction, options)
    labels, _ = _target_rows(log_probabilities, targets, ignore_index)
    if labels.ndim != 1:
        raise ValueError(
            f"nll_loss: targets must be ({len(labels)},) integer labels, got shape {labels.shape}"
        )
    return _weighted_nll(log_probabilities, labels, weight, ignore_index, reduction, 0.0)


def _weighted_nll(
    log_p: Tensor, rows: np.ndarray, weight: Any, ignore_index: int, reduction: str, smoothing: float
) -> Tensor:
    """PyTorch's weighted, ignoring, label-smoothed NLL on (N, C) log-probabilities: per row
    (1 - ε)·(-w[t]·log p[t]) + ε/C·(-Σ_c w_c·log p_c); 'mean' divides by Σ w[t] over counted rows (by
    N for probability rows, where the smoothing mixes ε/C into the targets instead)."""
    n, classes = log_p.shape
    dtype = log_p.dtype
    weights = np.ones(classes, dtype) if weight is None else _class_weights(weight, classes, dtype)
    if rows.ndim == 2:  # probability rows
        mixed = rows * dtype.type(1.0 - smoothing) + dtype.type(smoothing / classes)
        losses = -(log_p * (mixed * weights)).sum(axis=1)
        return (
            losses.sum() * dtype.type(1.0 / max(n, 1)) if reduction == "mean" else _reduce(losses, reduction)
        )
    counted = rows != ignore_index
    labels = np.where(counted, rows, 0)
    row_weights = (weights[labels] * counted).astype(dtype)
    losses = -log_p[np.arange(n), labels] * row_weights
    if smoothing:
        spread = -(log_p * weights).sum(axis=1) * counted.astype(dtype)
        losses = losses * dtype.type(1.0 - smoothing) + spread * dtype.type(smoothing / classes)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):  # nothing counted: 0 / 0 = NaN, as in PyTorch
            return losses.sum() * (np.ones((), dtype) / row_weights.sum(dtype=dtype))
    return _reduce(losses, reduction)


def _class_weights(weight: Any, classes: int, dtype: np.dtype) -> np.ndarray:
    """A per-class weight (Tensor or array) of shape (C,), in the logits' dtype: a constant of the loss."""
    if isinstance(weight, str):
        raise TypeError(
            f"cross_entropy: weight must be a Tensor of per-class weights, got the string {weight!r} (the "
            "third argument is weight, as in PyTorch: pass reduction= by name)"
        )
    values = np.asarray(weight.numpy() if isinstance(weight, Tensor) else weight, dtype=dtype)
    if values.shape != (classes,):
        raise ValueError(
            f"cross_entropy: weight must have shape ({classes},), one per class, got {values.shape}"
        )
    return values


def _target_rows(logits: Tensor, targets: Any, ignore_index: int = -100) -> tuple[np.ndarray, bool]:
    """Targets checked against (N, C) logits: N integer labels (``ignore_index`` allowed besides the
    classes), or (N, C) rows in the logits' dtype; and whether any label is ``ignore_index``."""
    n, classes = logits.shape
    if isinstance(targets, Tensor) and targets.requires_grad:
        raise ValueError(
            "cross_entropy: targets that require grad are not differentiated here; pass targets.detach(), "
            "or write -(targets * F.log_softmax(logits, axis=1)).sum(axis=1).mean() to learn the targets too"
        )
    array = np.asarray(targets._data if isinstance(targets, Tensor) else targets)
    if array.shape == logits.shape:
        return array.astype(logits.dtype, copy=False), False
    if array.ndim != 1:
        raise ValueError(
            f"cross_entropy: targets must be ({n},) labels or ({n}, {classes}) rows, got {array.shape}"
        )
    if array.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: integer labels expected, got dtype {array.dtype}")
    if array.shape[0] != n:
        raise ValueError(f"cross_entropy: {n} rows of logits but {array.shape[0]} labels")
    if n and _all_below(array, classes):
        return array, 0 <= ignore_index < classes and bool(np.any(array == ignore_index))
    counted = array != ignore_index
    labels = array[counted]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"cross_entropy: labels must lie in [0, {classes}) (or be ignore_index={ignore_index}), got "
            f"{labels.min()}..{labels.max()}"
        )
    return array, labels.size != array.size


def _all_below(labels: np.ndarray, classes: int) -> bool:
    """Whether every label lies in [0, classes): for a small batch in Python (a NumPy reduction costs
    more than the list), else in one pass read as unsigned, where a negative label is huge."""
    if len(labels) <= 32:
        values = labels.tolist()
        return min(values) >= 0 and max(values) < classes
    return bool(np.maximum.reduce(labels.view(_UNSIGNED[labels.dtype.itemsize])) < classes)


_UNSIGNED = {size: np.dtype(f"u{size}") for size in (1, 2, 4, 8)}
