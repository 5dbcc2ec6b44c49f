#!/usr/bin/env python
# pytorch/examples regression/main.py: fit a degree-4 polynomial with one Linear layer, updating the
# weights by hand through .data until the smooth L1 loss is below 1e-3. As in the original, apart from
# --init / --save-init (start from given weights).
import argparse
from itertools import count

import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser(description="PyTorch polynomial regression example")
parser.add_argument("--init", metavar="PATH", help="start from the weights in this state dict file")
parser.add_argument("--save-init", metavar="PATH", help="save the initial weights to this file")
args = parser.parse_args()

POLY_DEGREE = 4
W_target = torch.randn(POLY_DEGREE, 1) * 5
b_target = torch.randn(1) * 5


def make_features(x):
    """Builds features i.e. a matrix with columns [x, x^2, x^3, x^4]."""
    x = x.unsqueeze(1)
    return torch.cat([x**i for i in range(1, POLY_DEGREE + 1)], 1)


def f(x):
    """Approximated function."""
    return x.mm(W_target) + b_target.item()


def poly_desc(W, b):
    """Creates a string description of a polynomial."""
    result = "y = "
    for i, w in enumerate(W):
        result += "{:+.2f} x^{} ".format(w, i + 1)
    result += "{:+.2f}".format(b[0])
    return result


def get_batch(batch_size=32):
    """Builds a batch i.e. (x, f(x)) pair."""
    random = torch.randn(batch_size)
    x = make_features(random)
    y = f(x)
    return x, y


# Define model
fc = torch.nn.Linear(W_target.size(0), 1)
if args.init:
    fc.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(fc.state_dict(), args.save_init)

for batch_idx in count(1):
    # Get data
    batch_x, batch_y = get_batch()

    # Reset gradients
    fc.zero_grad()

    # Forward pass
    output = F.smooth_l1_loss(fc(batch_x), batch_y)
    loss = output.item()

    # Backward pass
    output.backward()

    # Apply gradients
    for param in fc.parameters():
        param.data.add_(-0.1 * param.grad)

    # Stop criterion
    if loss < 1e-3:
        break

print("Loss: {:.6f} after {} batches".format(loss, batch_idx))
print("==> Learned function:\t" + poly_desc(fc.weight.view(-1), fc.bias))
print("==> Actual function:\t" + poly_desc(W_target.view(-1), b_target))
