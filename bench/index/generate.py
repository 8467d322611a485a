"""Writes the benchmark data: seeded L2-normalised vectors from a mixture of Gaussian clusters,
queries from the same mixture, and exact top-k ground truth by inner product (FAISS IndexFlatIP)."""
import argparse, os
import numpy as np
import faiss

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--n", type=int, default=1_000_000)
p.add_argument("--queries", type=int, default=1000)
p.add_argument("--dim", type=int, default=64)
p.add_argument("--clusters", type=int, default=1000)
p.add_argument("--spread", type=float, default=0.5, help="per-coordinate std-dev around unit-variance centres")
p.add_argument("--k", type=int, default=10)
p.add_argument("--seed", type=int, default=2026)
a = p.parse_args()
os.makedirs(a.out, exist_ok=True)
rng = np.random.default_rng(a.seed)
centres = rng.standard_normal((a.clusters, a.dim), dtype=np.float32)

def draw(n):
    out = np.empty((n, a.dim), dtype=np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        x = centres[rng.integers(0, a.clusters, m)] + a.spread * rng.standard_normal((m, a.dim), dtype=np.float32)
        out[s:s + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out

items, queries = draw(a.n), draw(a.queries)
np.save(os.path.join(a.out, "items.npy"), items)
np.save(os.path.join(a.out, "queries.npy"), queries)
flat = faiss.IndexFlatIP(a.dim)
flat.add(items)
_, truth = flat.search(queries, a.k)
# Stored as float32 (ids < 2^24 are exact) so every reader only needs the float32 .npy path.
np.save(os.path.join(a.out, "truth.npy"), truth.astype(np.float32))
print(f"wrote {a.n} items, {a.queries} queries, top-{a.k} truth to {a.out}")
