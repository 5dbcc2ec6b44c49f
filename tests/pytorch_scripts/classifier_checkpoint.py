# A classifier end to end: data, split, loaders, a custom module, Adam with two parameter groups, gradient
# clipping, evaluation, and a checkpoint saved and reloaded.
import os
import tempfile

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
angles = torch.rand(600) * 6.28
labels = (torch.rand(600) > 0.5).long()
radius = 1.0 + labels.float()
points = torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], dim=1) + 0.1 * torch.randn(600, 2)
train_set, test_set = random_split(TensorDataset(points, labels), [500, 100])
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=100)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.ReLU())
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        return self.head(self.body(x))


model = Classifier()
print("parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))
optimizer = torch.optim.Adam([{"params": model.body.parameters()}, {"params": model.head.parameters(), "lr": 0.005}], lr=0.01)
for epoch in range(30):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()

model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in test_loader:
        pred = model(xb).argmax(dim=1)
        correct += (pred == yb).sum().item()
        accuracy = (pred == yb).float().mean().item()
print(f"test accuracy above 0.9: {accuracy > 0.9}")

path = os.path.join(tempfile.mkdtemp(), "model.pt")
torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 30}, path)
checkpoint = torch.load(path)
again = Classifier()
again.load_state_dict(checkpoint["model"])
again.eval()
probe = torch.randn(5, 2)
print("reloaded outputs equal:", torch.allclose(model(probe), again(probe)))
print("epoch:", checkpoint["epoch"], "groups:", len(checkpoint["optimizer"]["param_groups"]))
