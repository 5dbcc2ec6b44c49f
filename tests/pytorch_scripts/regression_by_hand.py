# Linear regression twice: PyTorch's by-hand update under no_grad, then nn.Linear + MSELoss + SGD + StepLR.
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
x = torch.rand(100, 1) * 4 - 2
y = 3 * x + 2 + 0.1 * torch.randn(100, 1)

w = torch.randn(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for step in range(200):
    loss = ((x * w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
print(f"by hand: w = {w.item():.2f}, b = {b.item():.2f}")

model = nn.Linear(1, 1)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=50, gamma=0.5)
for epoch in range(200):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler.step()
print(f"nn.Linear: w = {model.weight.item():.2f}, b = {model.bias.item():.2f}, lr = {scheduler.get_last_lr()[0]:.4f}")
print(f"final loss below 0.02: {loss.item() < 0.02}")
