# -*- coding: utf-8 -*-
# Hooks as the PyTorch tutorials and docs use them: Tensor.register_hook (the docs' doubling example),
# the ConvNet of pytorch/tutorials beginner_source/former_torchies/nnft_tutorial.py with its forward
# hook printing a layer's input and output and its backward hook printing the gradients, retain_grad
# on intermediate results reached through forward hooks, and gradient clipping done by hooks on the
# parameters during training. The data is digits from the MNIST sample bundled here; --init /
# --save-init start from given weights.
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from mnist_sample import MNIST, SAMPLE

parser = argparse.ArgumentParser(description="PyTorch hooks")
parser.add_argument("--data-dir", default=SAMPLE, help="folder of the MNIST .gz files")
parser.add_argument("--steps", type=int, default=15, help="training steps (default: 15)")
parser.add_argument("--clip", type=float, default=0.05, help="clip each gradient entry to [-clip, clip]")
parser.add_argument("--init", metavar="PATH", help="start from the weights in this state dict file")
parser.add_argument("--save-init", metavar="PATH", help="save the initial weights to this file")
args = parser.parse_args()

########################################################################
# A hook on a Tensor: it sees the gradient, and what it returns replaces it.

v = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)  # double the gradient
v.backward(torch.tensor([1.0, 2.0, 3.0]))
print("v.grad:", v.grad)
h.remove()  # removes the hook


########################################################################
# The ConvNet of the tutorial


class MNISTConvNet(nn.Module):
    def __init__(self):
        # this is the place where you instantiate all your modules
        # you can later access them using the same names you've given them in
        # here
        super(MNISTConvNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    # it's the forward function that defines the network structure
    # we're accepting only a single input in here, but if you want,
    # feel free to use more
    def forward(self, input):
        x = self.pool1(F.relu(self.conv1(input)))
        x = self.pool2(F.relu(self.conv2(x)))

        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return x


net = MNISTConvNet()
if args.init:
    net.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(net.state_dict(), args.save_init)
print(net)

images, labels = MNIST(args.data_dir, train=True, limit=64)[:]
input = images[:1]
out = net(input)
print(out.size())

target = labels[:1]  # the first digit's label
loss_fn = nn.CrossEntropyLoss()  # LogSoftmax + ClassNLL Loss
err = loss_fn(out, target)
err.backward()

print(err)

print(net.conv1.weight.grad.size())
print(net.conv1.weight.data.norm())  # norm of the weight
print(net.conv1.weight.grad.data.norm())  # norm of the gradients


########################################################################
# Forward hook on conv2


def printnorm(self, input, output):
    # input is a tuple of packed inputs
    # output is a Tensor. output.data is the Tensor we are interested
    print("Inside " + self.__class__.__name__ + " forward")
    print("")
    print("input: ", type(input))
    print("input[0]: ", type(input[0]))
    print("output: ", type(output))
    print("")
    print("input size:", input[0].size())
    print("output size:", output.data.size())
    print("output norm:", output.data.norm())


handle = net.conv2.register_forward_hook(printnorm)
out = net(input)
handle.remove()


########################################################################
# Backward hook on conv2


def printgradnorm(self, grad_input, grad_output):
    print("Inside " + self.__class__.__name__ + " backward")
    print("Inside class:" + self.__class__.__name__)
    print("")
    print("grad_input: ", type(grad_input))
    print("grad_input[0]: ", type(grad_input[0]))
    print("grad_output: ", type(grad_output))
    print("grad_output[0]: ", type(grad_output[0]))
    print("")
    print("grad_input size:", grad_input[0].size())
    print("grad_output size:", grad_output[0].size())
    print("grad_input norm:", grad_input[0].norm())


handle = net.conv2.register_full_backward_hook(printgradnorm)
out = net(input)
err = loss_fn(out, target)
err.backward()
handle.remove()


########################################################################
# Gradients of intermediate results: forward hooks keep each layer's output and ask autograd to retain
# its gradient (only leaves keep .grad otherwise).

activations = {}


def keep_output(name):
    def hook(module, input, output):
        output.retain_grad()
        activations[name] = output

    return hook


handles = [getattr(net, name).register_forward_hook(keep_output(name)) for name in ("conv1", "conv2", "fc1")]
net.zero_grad()
err = loss_fn(net(input), target)
err.backward()
for name, output in activations.items():
    print(f"gradient norm of {name}'s output: {output.grad.norm().item():.6f}")
for handle in handles:
    handle.remove()


########################################################################
# Gradient clipping by hooks: each parameter's gradient is clamped as it is computed.

for p in net.parameters():
    p.register_hook(lambda grad: torch.clamp(grad, -args.clip, args.clip))

optimizer = optim.SGD(net.parameters(), lr=0.1)
for step in range(args.steps):
    optimizer.zero_grad()
    err = loss_fn(net(images), labels)
    err.backward()
    optimizer.step()
    largest = max(p.grad.abs().max().item() for p in net.parameters())
    print(f"step {step}: loss {err.item():.6f}, largest gradient entry {largest:.4f}")
