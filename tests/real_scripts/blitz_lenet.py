# -*- coding: utf-8 -*-
# pytorch/tutorials beginner_source/blitz/neural_networks_tutorial.py (Deep Learning with PyTorch: A 60
# Minute Blitz, "Neural Networks"): define LeNet, backprop, compute a loss, follow grad_fn, update the
# weights by hand and then with optim.SGD. The data is swapped: MNIST digits from the sample bundled here,
# padded to LeNet's 32x32, with their one-hot labels as targets (the tutorial uses random ones), trained
# for a few steps; --init / --save-init start from given weights.
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from mnist_sample import MNIST, SAMPLE

parser = argparse.ArgumentParser(description="PyTorch 60 minute blitz: neural networks")
parser.add_argument("--data-dir", default=SAMPLE, help="folder of the MNIST .gz files")
parser.add_argument("--steps", type=int, default=20, help="training steps with optim.SGD (default: 20)")
parser.add_argument("--init", metavar="PATH", help="start from the weights in this state dict file")
parser.add_argument("--save-init", metavar="PATH", help="save the initial weights to this file")
args = parser.parse_args()


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution
        # kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        # Convolution layer C1: 1 input image channel, 6 output channels,
        # 5x5 square convolution, it uses RELU activation function, and
        # outputs a Tensor with size (N, 6, 28, 28), where N is the size of the batch
        c1 = F.relu(self.conv1(input))
        # Subsampling layer S2: 2x2 grid, purely functional,
        # this layer does not have any parameter, and outputs a (N, 6, 14, 14) Tensor
        s2 = F.max_pool2d(c1, (2, 2))
        # Convolution layer C3: 6 input channels, 16 output channels,
        # 5x5 square convolution, it uses RELU activation function, and
        # outputs a (N, 16, 10, 10) Tensor
        c3 = F.relu(self.conv2(s2))
        # Subsampling layer S4: 2x2 grid, purely functional,
        # this layer does not have any parameter, and outputs a (N, 16, 5, 5) Tensor
        s4 = F.max_pool2d(c3, 2)
        # Flatten operation: purely functional, outputs a (N, 400) Tensor
        s4 = torch.flatten(s4, 1)
        # Fully connected layer F5: (N, 400) Tensor input,
        # and outputs a (N, 120) Tensor, it uses RELU activation function
        f5 = F.relu(self.fc1(s4))
        # Fully connected layer F6: (N, 120) Tensor input,
        # and outputs a (N, 84) Tensor, it uses RELU activation function
        f6 = F.relu(self.fc2(f5))
        # Gaussian layer OUTPUT: (N, 84) Tensor input, and
        # outputs a (N, 10) Tensor
        output = self.fc3(f6)
        return output


net = Net()
if args.init:
    net.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(net.state_dict(), args.save_init)
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's .weight

# The data: 32 digits padded from 28x28 to LeNet's 32x32, and their labels as one-hot targets.
images, labels = MNIST(args.data_dir, train=True, limit=32)[:]
images = F.pad(images, (2, 2, 2, 2))
targets = F.one_hot(labels, 10).float()

input = images[:1]
out = net(input)
print(out)

net.zero_grad()
out.backward(torch.randn(1, 10))

output = net(input)
target = targets[0]  # the first digit's one-hot label
target = target.view(1, -1)  # make it the same shape as output
criterion = nn.MSELoss()

loss = criterion(output, target)
print(loss)

print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU

net.zero_grad()  # zeroes the gradient buffers of all parameters

print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)

loss.backward()

print("conv1.bias.grad after backward")
print(net.conv1.bias.grad)

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)

print("loss after one step by hand:", criterion(net(input), target).item())

# create your optimizer
optimizer = optim.SGD(net.parameters(), lr=0.01)

# in your training loop:
for step in range(args.steps):
    optimizer.zero_grad()  # zero the gradient buffers
    output = net(images)
    loss = criterion(output, targets)
    loss.backward()
    optimizer.step()  # Does the update
    print("step {}: loss {:.6f}".format(step, loss.item()))
