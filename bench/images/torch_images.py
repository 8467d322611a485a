"""Reference for `Tandem.Bench images`: decode+resize with Pillow and the same small CNN in PyTorch.

Prints one JSON line: decode items/s (single thread), CNN eval and train-step items/s, versions.
"""
import argparse, glob, json, os, time

import numpy as np
import torch
from PIL import Image


def cnn(channels):
    layers, inputs = [], 3
    for c in channels:
        layers += [torch.nn.Conv2d(inputs, c, 3, padding=1, bias=False), torch.nn.BatchNorm2d(c), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
        inputs = c
    layers += [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(inputs, 64)]
    return torch.nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--images", required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    files = sorted(glob.glob(os.path.join(a.images, "*.jpg")))[: a.count]
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    start = time.perf_counter()
    for f in files:
        img = Image.open(f).convert("RGB").resize((a.size, a.size), Image.BILINEAR)
        x = ((np.asarray(img, np.float32) / 255 - mean) / std).transpose(2, 0, 1)
    decode = len(files) / (time.perf_counter() - start)

    model = cnn([16, 32, 64])
    x = torch.randn(a.batch, 3, a.size, a.size)
    model.eval()
    with torch.no_grad():
        model(x)
        start = time.perf_counter()
        for _ in range(a.steps):
            model(x)
        encode = a.batch * a.steps / (time.perf_counter() - start)
    model.train()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    model(x).sum().backward()
    start = time.perf_counter()
    for _ in range(a.steps):
        opt.zero_grad()
        model(x).square().mean().backward()
        opt.step()
    train = a.batch * a.steps / (time.perf_counter() - start)
    print(json.dumps({"decode": decode, "encode": encode, "train": train, "torch": torch.__version__, "pillow": Image.__version__}))


if __name__ == "__main__":
    main()
