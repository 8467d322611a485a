"""Turns results.jsonl into a Markdown table and a recall-vs-QPS plot."""
import argparse, json
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

p = argparse.ArgumentParser()
p.add_argument("results", nargs="+")
p.add_argument("--table", required=True)
p.add_argument("--plot", required=True)
a = p.parse_args()
rows = [json.loads(line) for path in a.results for line in open(path) if line.strip().startswith("{")]

def label(r):
    # The library, its index when the case has several (refine), and Tandem's SIMD level.
    return r["lib"] + (f" {r['spec']}" if r["case"] == "refine" else "") + (f" ({r['simd']})" if "simd" in r else "")

lines = ["| case | library | build wall (s) | build CPU (s) | memory (MB) | setting | recall@10 | QPS (wall) | QPS (CPU) |", "|---|---|---:|---:|---:|---|---:|---:|---:|"]
for r in rows:
    for i, pt in enumerate(r["points"]):
        build = f"{r['build_s']:.1f}" if i == 0 else ""
        cpu = f"{r.get('build_cpu_s', float('nan')):.1f}" if i == 0 else ""
        mem = f"{r['memory_mb']:.0f}" if i == 0 else ""
        lines.append(f"| {r['case']} | {label(r)} | {build} | {cpu} | {mem} | {pt['setting']} | {pt['recall']:.4f} | {pt['qps']:.0f} | {pt.get('cpu_qps', float('nan')):.0f} |")

def best_qps(r, floor):
    ok = [pt.get("cpu_qps", pt["qps"]) for pt in r["points"] if pt["recall"] >= floor]
    return max(ok) if ok else None

lines.append("")
lines.append("Best single-thread CPU QPS at recall@10 >= 0.95 (HNSW) / >= 0.5 and >= 0.6 (IVF-PQ):")
for r in rows:
    if r["case"] == "hnsw":
        lines.append(f"- hnsw {r['lib']}: {best_qps(r, 0.95)}")
    if r["case"] == "ivfpq":
        lines.append(f"- ivfpq {label(r)}: recall>=0.5: {best_qps(r, 0.5)}, recall>=0.6: {best_qps(r, 0.6)}")
    if r["case"] == "refine":
        lines.append(f"- refine {label(r)}: recall>=0.95: {best_qps(r, 0.95)}")
open(a.table, "w").write("\n".join(lines) + "\n")

fig, axes = plt.subplots(1, 4, figsize=(21, 5))
styles = {"tandem": ("tab:blue", "o"), "faiss": ("tab:orange", "s"), "hnswlib": ("tab:green", "^")}
for ax, case, title in zip(axes, ["hnsw", "ivfpq", "flat", "refine"], ["HNSW M=16, efC=200 (1 thread)", "IVF4000,PQ16 (1 thread)", "Flat, batched (2 threads)", "compressed + refine (1 thread)"]):
    for r in rows:
        if r["case"] != case:
            continue
        color, marker = styles.get(r["lib"], ("gray", "x"))
        xs = [pt["recall"] for pt in r["points"]]
        ys = [pt.get("cpu_qps", pt["qps"]) for pt in r["points"]]
        ax.plot(xs, ys, marker=marker, color=color, label=f"{label(r)} (build {r.get('build_s', 0):.0f} s)")
    ax.set_title(title)
    ax.set_xlabel("recall@10")
    ax.set_ylabel("queries per CPU-second of one thread")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
fig.tight_layout()
fig.savefig(a.plot, dpi=110)
print(f"wrote {a.table} and {a.plot}")
