# DropoutModel 784-1200-1200-10 with Dropout(0.5). The runner provides the data as NumPy arrays:
# x_train (N, 784) float32 in [0, 1], y_train (N,) int64, x_test, y_test; and `epochs`.
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class DropoutModel(torch.nn.Module):
    def __init__(self):
        super(DropoutModel, self).__init__()
        self.layer1 = torch.nn.Linear(784, 1200)
        self.dropout1 = torch.nn.Dropout(0.5)
        self.layer2 = torch.nn.Linear(1200, 1200)
        self.dropout2 = torch.nn.Dropout(0.5)
        self.layer3 = torch.nn.Linear(1200, 10)

    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = self.dropout1(x)
        x = F.relu(self.layer2(x))
        x = self.dropout2(x)
        return self.layer3(x)


model = DropoutModel()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
criterion = torch.nn.CrossEntropyLoss()
train_loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=100, shuffle=True)

for epoch in range(epochs):
    model.train()
    total = 0.0
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
    print(f"epoch {epoch + 1}: train loss {total / len(train_loader.dataset):.4f}")

model.eval()
with torch.no_grad():
    prediction = model(torch.tensor(x_test)).argmax(dim=1)
    accuracy = (prediction == torch.tensor(y_test)).float().mean().item()
print(f"test accuracy: {accuracy:.4f}")
