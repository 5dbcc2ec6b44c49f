# The notes' losses by task, with their reductions, on fixed numbers.
import torch
import torch.nn as nn

prediction = torch.tensor([[0.5, 1.5], [2.0, -1.0]])
target = torch.tensor([[1.0, 1.0], [2.5, 0.0]])
for reduction in ["sum", "mean", "none"]:
    loss_fn = torch.nn.MSELoss(reduction=reduction)
    print(f"MSELoss(reduction='{reduction}'):", loss_fn(prediction, target).tolist())
print("L1Loss:", round(nn.L1Loss()(prediction, target).item(), 4))

logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
labels = torch.tensor([0, 1])
criterion = nn.CrossEntropyLoss()
print("CrossEntropyLoss:", round(criterion(logits, labels).item(), 4))
print("NLLLoss(LogSoftmax):", round(nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), labels).item(), 4))
probability = torch.sigmoid(torch.tensor([0.8, -1.2]))
print("BCELoss:", round(nn.BCELoss()(probability, torch.tensor([1.0, 0.0])).item(), 4))
print("BCEWithLogitsLoss:", round(nn.BCEWithLogitsLoss()(torch.tensor([0.8, -1.2]), torch.tensor([1.0, 0.0])).item(), 4))
