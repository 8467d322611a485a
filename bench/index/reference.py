"""FAISS and hnswlib on the benchmark files; prints one JSON line per (library, index) case.
Build uses --build-threads threads; recall/QPS sweeps search one query at a time on one thread
(the whole query matrix is handed to the library so no Python overhead is timed), except the
batched Flat case, which searches all queries at once on --flat-threads threads."""
import argparse, json, os, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--lib", choices=["faiss", "hnswlib"], required=True)
p.add_argument("--case", choices=["hnsw", "ivfpq", "flat", "refine"], required=True)
p.add_argument("--spec", default="IVF4000,PQ32x4fs,RFlat", help="FAISS factory string of the refine case")
p.add_argument("--k-factor", type=int, default=16, help="refine shortlist as a multiple of k")
p.add_argument("--build-threads", type=int, default=2)
p.add_argument("--flat-threads", type=int, default=2)
p.add_argument("--flat-queries", type=int, default=1000)
p.add_argument("--train-size", type=int, default=256_000)
p.add_argument("--index", help="load the index from this file when it exists, else build it and save it there (search-only reruns)")
a = p.parse_args()

items = np.load(os.path.join(a.dir, "items.npy"))
queries = np.load(os.path.join(a.dir, "queries.npy"))
truth = np.load(os.path.join(a.dir, "truth.npy")).astype(np.int64)
n, d = items.shape
k = truth.shape[1]

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

def recall(found):
    return float(np.mean([len(set(found[i]) & set(truth[i])) / k for i in range(len(truth))]))

def sweep(search, settings):
    points = []
    for name, apply in settings:
        apply()
        search(queries[:50])  # warm-up
        # Wall time, and this thread's CPU time: the machine is shared, so CPU QPS is the steadier figure.
        t, c = time.perf_counter(), time.thread_time(); found = search(queries); dt, dc = time.perf_counter() - t, time.thread_time() - c
        points.append({"setting": name, "recall": recall(found), "qps": len(queries) / dt, "cpu_qps": len(queries) / dc})
    return points

base = rss_mb()
result = {"lib": a.lib, "case": a.case}
if a.lib == "hnswlib":
    import hnswlib
    index = hnswlib.Index(space="ip", dim=d)
    index.set_num_threads(a.build_threads)
    if a.index and os.path.exists(a.index):
        index.load_index(a.index, max_elements=n)
    else:
        index.init_index(max_elements=n, M=16, ef_construction=200, random_seed=100)
        t, c = time.perf_counter(), time.process_time(); index.add_items(items, np.arange(n)); result["build_s"] = time.perf_counter() - t; result["build_cpu_s"] = time.process_time() - c
        if a.index:
            index.save_index(a.index)
    result["memory_mb"] = rss_mb() - base
    index.set_num_threads(1)
    def set_ef(ef):
        return lambda: index.set_ef(ef)
    result["points"] = sweep(lambda q: index.knn_query(q, k)[0], [(f"efSearch={ef}", set_ef(ef)) for ef in (16, 24, 32, 48, 64, 96, 128)])
else:
    import faiss
    faiss.omp_set_num_threads(a.build_threads)
    if a.case == "hnsw":
        index = faiss.IndexHNSWFlat(d, 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 200
        t, c = time.perf_counter(), time.process_time(); index.add(items); result["build_s"] = time.perf_counter() - t; result["build_cpu_s"] = time.process_time() - c
        settings = [(f"efSearch={ef}", (lambda ef=ef: setattr(index.hnsw, "efSearch", ef))) for ef in (16, 24, 32, 48, 64, 96, 128)]
    elif a.case == "ivfpq":
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFPQ(quantizer, d, 4000, 16, 8, faiss.METRIC_INNER_PRODUCT)
        if a.index and os.path.exists(a.index):
            index = faiss.read_index(a.index)
        else:
            t, c = time.perf_counter(), time.process_time(); index.train(items[:a.train_size]); index.add(items); result["build_s"] = time.perf_counter() - t; result["build_cpu_s"] = time.process_time() - c
            if a.index:
                faiss.write_index(index, a.index)
        settings = [(f"nprobe={p}", (lambda p=p: setattr(index, "nprobe", p))) for p in (8, 16, 32, 64, 128)]
    elif a.case == "refine":
        index = faiss.index_factory(d, a.spec, faiss.METRIC_INNER_PRODUCT)
        t, c = time.perf_counter(), time.process_time(); index.train(items[:a.train_size]); index.add(items); result["build_s"] = time.perf_counter() - t; result["build_cpu_s"] = time.process_time() - c
        index.k_factor = a.k_factor
        result["spec"] = f"{a.spec} k_factor={a.k_factor}"
        params = faiss.ParameterSpace()
        settings = [(f"nprobe={p}", (lambda p=p: params.set_index_parameter(index, "nprobe", p))) for p in (8, 16, 32, 64, 128)]
    else:
        index = faiss.IndexFlatIP(d)
        t, c = time.perf_counter(), time.process_time(); index.add(items); result["build_s"] = time.perf_counter() - t; result["build_cpu_s"] = time.process_time() - c
        settings = None
    result["memory_mb"] = rss_mb() - base
    if settings is None:
        faiss.omp_set_num_threads(a.flat_threads)
        q = queries[:a.flat_queries]
        index.search(q[:50], k)
        times, cpus = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time(); _, found = index.search(q, k); times.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
        dt, dc = sorted(times)[1], sorted(cpus)[1]
        # CPU QPS for a batch on T threads: queries per (process CPU seconds / T).
        result["points"] = [{"setting": f"batch of {len(q)}, {a.flat_threads} threads", "recall": float(np.mean([len(set(found[i]) & set(truth[i])) / k for i in range(len(q))])), "qps": len(q) / dt, "cpu_qps": len(q) / (dc / a.flat_threads)}]
    else:
        faiss.omp_set_num_threads(1)
        result["points"] = sweep(lambda q: index.search(q, k)[1], settings)
print(json.dumps(result), flush=True)
