#!/usr/bin/python3
"""Independent numpy EASE (Steck 2019) on a split file, to cross-check Tandem's EaseScorer.

Reads a split written by `tandem experiment baselines --write-splits DIR` (or by two_tower.py
--write-split): `userId,movieId,split` rows, split `train` or `test`. Follows the protocol of
README.md: the catalogue is the movies seen in training, ascending movieId; each user's training
movies are excluded from their ranking; ties go to the smaller movieId; Recall@10's denominator
counts every test movie, cold ones included. EASE in its textbook item-space form:
P = (XᵀX + λI)⁻¹ in float64, B = I − P / diag(P) (diagonal zero), scores = X·B.
Prints one JSON line per λ: lambda, recall_at_10, ndcg_at_10, users.
"""
import argparse
import csv
import json
import sys

import numpy as np

TOP_K = 10


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def read_split(path):
    train, test = [], []
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    with f:
        reader = csv.reader(f)
        if next(reader, []) != ["userId", "movieId", "split"]:
            fail(f"{path}:1: the header must be userId,movieId,split")
        for line, row in enumerate(reader, start=2):
            if len(row) != 3:
                fail(f"{path}:{line}: expected 3 fields, got {len(row)}")
            try:
                pair = (int(row[0]), int(row[1]))
            except ValueError:
                fail(f"{path}:{line}: userId and movieId must be integers, got {row[0]!r}, {row[1]!r}")
            if row[2] == "train":
                train.append(pair)
            elif row[2] == "test":
                test.append(pair)
            else:
                fail(f"{path}:{line}: field split is {row[2]!r}, not train or test")
    return train, test


def evaluate(scores, users, train_sets, test_sets, cold_counts):
    """Mean Recall@10 and NDCG@10 over users with test items; scores: users × catalogue."""
    recall = ndcg = 0.0
    count = 0
    discounts = 1 / np.log2(np.arange(2, TOP_K + 2))
    for row, user in enumerate(users):
        held = test_sets.get(user, set())
        relevant = len(held) + cold_counts.get(user, 0)
        if relevant == 0:
            continue
        s = scores[row].copy()
        s[list(train_sets[user])] = -np.inf
        # Highest score first, ties by lower index (= lower movieId): a stable sort of -s.
        top = np.argsort(-s, kind="stable")[:TOP_K]
        hits = np.array([i in held for i in top], dtype=float)
        recall += hits.sum() / relevant
        ndcg += (hits * discounts).sum() / discounts[:min(relevant, TOP_K)].sum()
        count += 1
    return recall / count, ndcg / count, count


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--split", required=True, help="split file (userId,movieId,split)")
parser.add_argument("--lambdas", default="300", help="comma-separated L2 weights (default 300)")
args = parser.parse_args()
try:
    lambdas = [float(x) for x in args.lambdas.split(",")]
except ValueError:
    fail(f"--lambdas: {args.lambdas!r} is not a comma-separated list of numbers")

train, test = read_split(args.split)
users = sorted({u for u, _ in train} | {u for u, _ in test})
movies = sorted({m for _, m in train})
user_row = {u: r for r, u in enumerate(users)}
movie_col = {m: c for c, m in enumerate(movies)}
X = np.zeros((len(users), len(movies)))
train_sets = {u: set() for u in users}
for u, m in train:
    X[user_row[u], movie_col[m]] = 1
    train_sets[u].add(movie_col[m])
test_sets, cold_counts = {}, {}
for u, m in test:
    if m in movie_col:
        if movie_col[m] not in train_sets[u]:
            test_sets.setdefault(u, set()).add(movie_col[m])
    else:
        cold_counts[u] = cold_counts.get(u, 0) + 1

G = X.T @ X
for lam in lambdas:
    P = np.linalg.inv(G + lam * np.eye(len(movies)))
    B = -P / np.diag(P)
    np.fill_diagonal(B, 0)
    recall, ndcg, count = evaluate(X @ B, users, train_sets, test_sets, cold_counts)
    print(json.dumps({"lambda": lam, "recall_at_10": round(recall, 6), "ndcg_at_10": round(ndcg, 6), "users": count}), flush=True)
