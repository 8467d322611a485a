"""Reference for the data benchmark: the same read-and-encode work with pandas' C CSV parser.

Reads user,item,rating,timestamp; builds user and item vocabularies (ids by first appearance,
like Tandem's key codes, then re-ranked by count as Tandem's vocabularies are); z-scores the
rating; derives hour of day, day of week and age in days from the timestamp. Prints one line in
the format of `Tandem.Bench.Data run`.
"""
import resource
import sys
import time

import numpy as np
import pandas as pd

path = sys.argv[1]
start = time.perf_counter()
df = pd.read_csv(path, engine="c")
read = time.perf_counter() - start
features = 0
for column in ("userId", "movieId"):
    codes, uniques = pd.factorize(df[column])
    counts = np.bincount(codes)
    order = np.lexsort((uniques.astype(str), -counts))  # count descending, then key
    rank = np.empty_like(order)
    rank[order] = np.arange(1, len(order) + 1)  # 0 is the out-of-vocabulary id
    ids = rank[codes]
    features += 1
rating = df["rating"].to_numpy()
z = ((rating - rating.mean()) / rating.std()).astype(np.float32)
t = df["timestamp"].to_numpy()
hour = (t % 86400) // 3600
dow = (t // 86400 + 4) % 7
age = np.log1p((t.max() - t) / 86400.0).astype(np.float32)
features += 4
total = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"rows={len(df)} users={df['userId'].nunique()} items={df['movieId'].nunique()} features={features} "
      f"read_s={read:.2f} read_encode_s={total:.2f} rows_per_s={len(df) / total:.0f} peak_mb={peak_mb}")
