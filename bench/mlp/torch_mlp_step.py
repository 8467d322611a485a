"""PyTorch side of `Tandem.Bench mlp`: the same 2-layer MLP step, timed the same way.

Forward (256 -> 128 ReLU -> 64), mean squared error against a fixed target, backward and an
Adam step, on a batch of 1024. Prints one JSON line: the median milliseconds per step over
--reps repetitions of --steps steps each.
"""
import argparse, json, statistics, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--reps", type=int, default=7)
p.add_argument("--steps", type=int, default=50)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(42)
model = torch.nn.Sequential(torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x, y = torch.randn(1024, 256), torch.randn(1024, 64)

def step():
    opt.zero_grad(set_to_none=False)
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()

for _ in range(20):
    step()
times = []
for _ in range(a.reps):
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    times.append((time.perf_counter() - start) * 1e3 / a.steps)
print(json.dumps({"torch": torch.__version__, "threads": a.threads, "ms_per_step": statistics.median(times)}))
