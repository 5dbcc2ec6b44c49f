# pytorch/tutorials beginner_source/basics/autogradqs_tutorial.py: automatic differentiation with
# torch.autograd on a one-layer network, grad_fn, disabling gradient tracking, and Jacobian-vector
# products accumulating in .grad. The weights are fixed numbers instead of torch.randn so that the
# printed gradients can be compared; the rest is as in the original.
import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor([[0.5, -1.2, 0.3],
                  [1.1, 0.4, -0.7],
                  [-0.2, 0.9, 1.5],
                  [0.8, -0.6, 0.1],
                  [-1.3, 0.2, 0.6]], requires_grad=True)  # fmt: skip
b = torch.tensor([0.1, -0.4, 0.25], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
