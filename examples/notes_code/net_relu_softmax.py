# A small network with ReLU and Softmax, as the notes define it.
import torch

torch.manual_seed(0)


class Net(torch.nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = torch.nn.Linear(4, 8)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(8, 3)
        self.softmax = torch.nn.Softmax(dim=1)

    def forward(self, x):
        x = self.relu(self.fc1(x))
        return self.softmax(self.fc2(x))


model = Net()
print(model)
x = torch.randn(2, 4)
probabilities = model(x)
print("output shape:", tuple(probabilities.shape))
print("row sums:", [round(v, 4) for v in probabilities.sum(dim=1).tolist()])
print("parameters:", sum(p.numel() for p in model.parameters()))
