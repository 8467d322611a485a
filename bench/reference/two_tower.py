#!/usr/bin/python3
"""PyTorch reference of Tandem's quickstart two-tower model on MovieLens ml-latest-small.

The model, split, loss and metrics follow bench/reference/README.md exactly; that file is the
spec the C# implementation matches. Run with Debian's /usr/bin/python3 (python3-torch, numpy).
"""
import argparse
import csv
import json
import math
import os
import sys
import time
from bisect import bisect_left

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HISTORY = 50        # most recent training items pooled into the user tower
TEMPERATURE = 0.05
TOP_K = 10
EMBED_STD = 0.1     # embedding tables ~ N(0, EMBED_STD^2)
MASK64 = (1 << 64) - 1


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


class SplitMix64:
    """Portable RNG for the split, so any language can reproduce it bit for bit."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def read_csv(path, fields):
    """Yields (line number, tuple of the named fields); one-line errors name file/line/field."""
    if not os.path.isfile(path):
        fail(f"{path}: file not found (set --data-dir or TANDEM_DATA)")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        missing = [c for c in fields if c not in header]
        if missing:
            fail(f"{path}:1: missing column(s) {', '.join(missing)}")
        cols = [header.index(c) for c in fields]
        for line, row in enumerate(reader, start=2):
            yield line, [row[c] if c < len(row) else "" for c in cols]


def parse_int(path, line, field, text):
    try:
        return int(text)
    except ValueError:
        fail(f"{path}:{line}: field {field} = {text!r} is not an integer")


def load(data_dir):
    root = os.path.join(data_dir, "ml-latest-small")
    ratings_path, movies_path = os.path.join(root, "ratings.csv"), os.path.join(root, "movies.csv")
    ratings = [(parse_int(ratings_path, n, "userId", u), parse_int(ratings_path, n, "movieId", m),
                parse_int(ratings_path, n, "timestamp", t))
               for n, (u, m, t) in read_csv(ratings_path, ["userId", "movieId", "timestamp"])]
    genres = {parse_int(movies_path, n, "movieId", m): g.split("|")
              for n, (m, g) in read_csv(movies_path, ["movieId", "genres"])}
    return ratings, genres


def split_ratings(ratings, seed):
    """Per user (ascending userId), ratings sorted by movieId, Fisher-Yates shuffled with one
    SplitMix64 stream; the first (3n+2)//4 (round half up of 0.75n) go to train."""
    rng, by_user, split = SplitMix64(seed), {}, {}
    for u, m, _ in ratings:
        by_user.setdefault(u, []).append(m)
    for u in sorted(by_user):
        items = sorted(by_user[u])
        for i in range(len(items) - 1, 0, -1):
            j = rng.next() % (i + 1)
            items[i], items[j] = items[j], items[i]
        n_train = (3 * len(items) + 2) // 4
        for k, m in enumerate(items):
            split[(u, m)] = "train" if k < n_train else "test"
    return split


def read_split(path, ratings):
    rated, split = {(u, m) for u, m, _ in ratings}, {}
    for n, (u, m, s) in read_csv(path, ["userId", "movieId", "split"]):
        if s not in ("train", "test"):
            fail(f"{path}:{n}: field split = {s!r} must be 'train' or 'test'")
        key = (parse_int(path, n, "userId", u), parse_int(path, n, "movieId", m))
        if key not in rated:
            fail(f"{path}:{n}: userId={key[0]} movieId={key[1]} is not a rating in ratings.csv")
        split[key] = s
    for u, m, _ in ratings:
        if (u, m) not in split:
            fail(f"{path}: no row for rating userId={u} movieId={m}")
    return split


def write_split(path, ratings, split):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write("userId,movieId,split\n")
        for u, m, _ in sorted(ratings):
            f.write(f"{u},{m},{split[(u, m)]}\n")
    os.replace(tmp, path)


def leave_one_out(idx, k):
    """The user's HISTORY most recent training items other than the k-th: the history the user
    has at evaluation, minus the example's own item."""
    n = len(idx)
    if k < n - HISTORY:
        return idx[n - HISTORY:]
    return idx[max(0, n - HISTORY - 1):k] + idx[k + 1:]


class Data:
    """Vocabularies (index 0 = OOV), training examples with their histories, test sets."""

    def __init__(self, ratings, genres, split, causal):
        train = sorted((u, t, m) for u, m, t in ratings if split[(u, m)] == "train")
        self.item_ids = sorted({m for _, _, m in train})
        self.user_ids = sorted({u for u, _, _ in train})
        item_index = {m: i + 1 for i, m in enumerate(self.item_ids)}
        user_index = {u: i + 1 for i, u in enumerate(self.user_ids)}
        n_items = len(self.item_ids) + 1
        self.n_users, self.n_items = len(self.user_ids) + 1, n_items

        genre_vocab = sorted({g for gs in genres.values() for g in gs})
        genre_index = {g: i + 1 for i, g in enumerate(genre_vocab)}   # 0 = padding
        self.n_genres = len(genre_vocab)
        max_g = max(len(gs) for gs in genres.values())
        self.item_genres = torch.zeros(n_items, max_g, dtype=torch.long)
        for m, i in item_index.items():
            if m not in genres:
                fail(f"movies.csv: movieId {m} of ratings.csv has no row")
            gs = [genre_index[g] for g in genres[m]]
            self.item_genres[i, :len(gs)] = torch.tensor(gs)

        counts = np.zeros(n_items)
        users, items, hists, self.eval_hist = [], [], [], {}
        per_user = {}
        for u, t, m in train:
            per_user.setdefault(u, []).append((t, m))
        for u, events in per_user.items():   # events already sorted by (timestamp, movieId)
            times = [t for t, _ in events]
            idx = [item_index[m] for _, m in events]
            for k, (t, m) in enumerate(events):
                if causal:
                    j = bisect_left(times, t)         # strictly earlier timestamps only
                    hists.append(idx[max(0, j - HISTORY):j])
                else:
                    hists.append(leave_one_out(idx, k))
                users.append(user_index[u])
                items.append(item_index[m])
                counts[item_index[m]] += 1
            self.eval_hist[u] = idx[-HISTORY:]
        self.users = torch.tensor(users)
        self.items = torch.tensor(items)
        self.hists = pad(hists)
        self.log_q = torch.tensor(np.log(np.maximum(counts, 1) / len(train)), dtype=torch.float32)
        self.counts = counts

        self.train_items, self.test_items = {}, {}
        for u, m, _ in ratings:
            target = self.train_items if split[(u, m)] == "train" else self.test_items
            target.setdefault(u, set()).add(m)
        self.user_index, self.item_index = user_index, item_index


def pad(lists):
    """Rows of item indices padded with 0, which the EmbeddingBags exclude from the mean."""
    out = torch.zeros(len(lists), HISTORY, dtype=torch.long)
    for r, xs in enumerate(lists):
        out[r, :len(xs)] = torch.tensor(xs, dtype=torch.long)
    return out


def embedding_bag(rows, dim, sparse):
    bag = nn.EmbeddingBag(rows, dim, mode="mean", padding_idx=0, sparse=sparse)
    nn.init.normal_(bag.weight, 0.0, EMBED_STD)
    with torch.no_grad():
        bag.weight[0].zero_()
    return bag


def embedding(rows, dim, sparse):
    emb = nn.Embedding(rows, dim, sparse=sparse)
    nn.init.normal_(emb.weight, 0.0, EMBED_STD)
    return emb


class TwoTower(nn.Module):
    """Linear layers keep PyTorch's default init: weight and bias ~ U(-1/sqrt(fan_in), +)."""

    def __init__(self, n_users, n_items, n_genres, sparse):
        super().__init__()
        self.user_emb = embedding(n_users, 64, sparse)
        self.hist_emb = embedding_bag(n_items, 64, sparse)
        self.user_mlp = nn.Sequential(nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 64))
        self.item_emb = embedding(n_items, 64, sparse)
        self.genre_emb = embedding_bag(n_genres + 1, 16, sparse)
        self.item_mlp = nn.Sequential(nn.Linear(80, 128), nn.ReLU(), nn.Linear(128, 64))

    def users(self, user, hist):
        x = torch.cat([self.user_emb(user), self.hist_emb(hist)], dim=1)
        return F.normalize(self.user_mlp(x), dim=1)

    def items(self, item, item_genres):
        x = torch.cat([self.item_emb(item), self.genre_emb(item_genres[item])], dim=1)
        return F.normalize(self.item_mlp(x), dim=1)


def in_batch_softmax(u, v, items, log_q):
    """Sampled softmax over the batch's items with logQ correction and accidental-hit removal."""
    logits = u @ v.T / TEMPERATURE - log_q[items][None, :]
    same = items[:, None] == items[None, :]
    same.fill_diagonal_(False)
    logits = logits.masked_fill(same, float("-inf"))
    return F.cross_entropy(logits, torch.arange(len(items)))


def train(data, args):
    torch.manual_seed(args.seed)
    model = TwoTower(data.n_users, data.n_items, data.n_genres, args.sparse)
    if args.sparse:
        emb = [p for n, p in model.named_parameters() if n.endswith("emb.weight")]
        rest = [p for n, p in model.named_parameters() if not n.endswith("emb.weight")]
        optims = [torch.optim.SparseAdam(emb, lr=args.lr), torch.optim.Adam(rest, lr=args.lr)]
    else:
        optims = [torch.optim.Adam(model.parameters(), lr=args.lr)]
    shuffle = np.random.default_rng(args.seed)
    n, losses, seconds = len(data.items), [], 0.0
    for _ in range(args.epochs):
        order = torch.from_numpy(shuffle.permutation(n))
        total = 0.0
        start = time.perf_counter()
        for b in range(0, n, args.batch):
            idx = order[b:b + args.batch]
            items = data.items[idx]
            u = model.users(data.users[idx], data.hists[idx])
            v = model.items(items, data.item_genres)
            loss = in_batch_softmax(u, v, items, data.log_q)
            for o in optims:
                o.zero_grad(set_to_none=True)
            loss.backward()
            for o in optims:
                o.step()
            total += loss.item() * len(idx)
        seconds += time.perf_counter() - start
        losses.append(total / n)
        print(f"epoch {len(losses)}: loss {losses[-1]:.4f}", file=sys.stderr)
    return model, losses, n * args.epochs / seconds, seconds


def rank_metrics(data, top_items_for):
    """Mean Recall@10 and NDCG@10 over users with test items; top_items_for(u) -> movieIds."""
    discount = 1.0 / np.log2(np.arange(2, TOP_K + 2))
    recalls, ndcgs = [], []
    for u in sorted(data.test_items):
        test = data.test_items[u]
        hits = np.array([m in test for m in top_items_for(u)], dtype=float)
        recalls.append(hits.sum() / len(test))
        ndcgs.append((hits * discount[:len(hits)]).sum() / discount[:min(len(test), TOP_K)].sum())
    return float(np.mean(recalls)), float(np.mean(ndcgs))


def evaluate(model, data):
    model.eval()
    ids = np.array(data.item_ids)
    with torch.no_grad():
        catalogue = torch.arange(1, data.n_items)
        v = model.items(catalogue, data.item_genres)
        users = sorted(data.test_items)
        u = model.users(torch.tensor([data.user_index[x] for x in users]),
                        pad([data.eval_hist[x] for x in users]))
        scores = u @ v.T
        for r, x in enumerate(users):
            seen = [data.item_index[m] - 1 for m in data.train_items[x]]
            scores[r, seen] = float("-inf")
        top = torch.topk(scores, TOP_K, dim=1).indices.numpy()
    row = {x: r for r, x in enumerate(users)}
    return rank_metrics(data, lambda x: ids[top[row[x]]])


def popular(data):
    order = sorted(range(1, data.n_items), key=lambda i: (-data.counts[i], data.item_ids[i - 1]))
    ranked = [data.item_ids[i - 1] for i in order]

    def top(u):
        seen = data.train_items[u]
        return [m for m in ranked if m not in seen][:TOP_K]
    return rank_metrics(data, top)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    default_data = os.environ.get("TANDEM_DATA") or os.path.join(repo, "..", "shared", "datasets")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=default_data)
    p.add_argument("--seed", type=int, default=42, help="init and shuffling")
    p.add_argument("--split-seed", type=int, default=42, help="the split's SplitMix64 seed")
    p.add_argument("--split", help="read the split from this CSV (userId,movieId,split)")
    p.add_argument("--write-split", help="write the split to this CSV")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sparse", action="store_true", help="sparse embeddings + SparseAdam")
    p.add_argument("--causal", action="store_true",
                   help="train on causal histories (items strictly before the example) instead of leave-one-out")
    p.add_argument("--baseline", choices=["popular"], help="evaluate a baseline, no training")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    ratings, genres = load(args.data_dir)
    split = read_split(args.split, ratings) if args.split else split_ratings(ratings, args.split_seed)
    if args.write_split:
        write_split(args.write_split, ratings, split)
    data = Data(ratings, genres, split, args.causal)
    n_test = sum(len(s) for s in data.test_items.values())
    cold = sum(m not in data.item_index for s in data.test_items.values() for m in s)
    result = {"dataset": "ml-latest-small", "train": len(data.items), "test": n_test,
              "test_cold_items": cold, "users": data.n_users - 1, "items": data.n_items - 1,
              "torch": torch.__version__, "threads": torch.get_num_threads()}
    if args.baseline:
        recall, ndcg = popular(data)
        result.update(model="popular")
    else:
        model, losses, eps, seconds = train(data, args)
        recall, ndcg = evaluate(model, data)
        result.update(model="two_tower", optimizer="sparse_adam" if args.sparse else "adam",
                      histories="causal" if args.causal else "leave_one_out",
                      seed=args.seed, epochs=args.epochs, batch=args.batch, lr=args.lr,
                      examples_per_s=round(eps, 1), train_seconds=round(seconds, 3),
                      loss=[round(x, 4) for x in losses])
    result.update(recall_at_10=round(recall, 4), ndcg_at_10=round(ndcg, 4))
    print(json.dumps(result))
    what = result["model"] + (f" ({result['optimizer']}, seed {args.seed})" if not args.baseline else "")
    speed = f", {result['examples_per_s']:.0f} examples/s" if not args.baseline else ""
    print(f"{what}: Recall@10 {recall:.4f}, NDCG@10 {ndcg:.4f}{speed}", file=sys.stderr)


if __name__ == "__main__":
    main()
