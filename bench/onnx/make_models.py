"""Writes the small ONNX models, WordPiece vocabulary and reference outputs the ONNX tests use.

Run from the repository root with Debian's Python and PyTorch (python3-torch):

    /usr/bin/python3 bench/onnx/make_models.py [--data-dir ../shared/datasets]

Outputs (committed beside this script; regenerate only to change them):
  vocab.txt              WordPiece vocabulary: specials, the 600 most frequent title words of
                         ml-latest-small, single characters and their ## continuations
  text_encoder.onnx      input_ids, attention_mask (int64, [batch, tokens]) -> embedding [batch, 16]:
                         token embedding, GELU layer, masked mean, projection
  image_encoder.onnx     pixels (float32, [batch, 3, 32, 32]) -> embedding [batch, 16]: conv, ReLU,
                         global average pool, projection
  texts.txt              the texts embedded for the reference
  text_ids.npy           their WordPiece ids by this script's tokenizer, as float32 [texts, tokens], padded with 0
  text_embeddings.npy    the text model's outputs for those ids
  pixels.npy             seeded random normalised images, float32 [4, 3 * 32 * 32]
  image_embeddings.npy   the image model's outputs for those pixels
"""
import argparse
import collections
import csv
import os

import numpy as np
import torch

from wordpiece import basic_tokens, encode

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


class TextEncoder(torch.nn.Module):
    def __init__(self, vocab_size, width=32, out=16):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, width)
        self.hidden = torch.nn.Linear(width, width)
        self.project = torch.nn.Linear(width, out)

    def forward(self, input_ids, attention_mask):
        x = torch.nn.functional.gelu(self.hidden(self.embed(input_ids)))
        mask = attention_mask.unsqueeze(-1).to(x.dtype)
        return self.project((x * mask).sum(1) / mask.sum(1).clamp(min=1))


class ImageEncoder(torch.nn.Module):
    def __init__(self, out=16):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.project = torch.nn.Linear(8, out)

    def forward(self, pixels):
        return self.project(torch.relu(self.conv(pixels)).mean(dim=(2, 3)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(HERE, "..", "..", "..", "shared", "datasets"))
    args = parser.parse_args()
    torch.manual_seed(7)

    with open(os.path.join(args.data_dir, "ml-latest-small", "movies.csv"), encoding="utf-8") as f:
        titles = [row["title"] for row in csv.DictReader(f)]
    counts = collections.Counter(w for t in titles for w in basic_tokens(t))
    chars = sorted({c for t in titles for w in basic_tokens(t) for c in w})
    pieces = SPECIALS + [w for w, _ in counts.most_common(600)]
    pieces += [c for c in chars if c not in pieces] + ["##" + c for c in chars]
    vocab = {p: i for i, p in enumerate(pieces)}
    with open(os.path.join(HERE, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(pieces) + "\n")

    texts = ["Toy Story (1995)", "Jumanji (1995)", "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)",
             "A child in a pink dress is climbing up a set of stairs in an entry way ."]
    ids = [encode(t, vocab) for t in texts]
    width = max(len(i) for i in ids)
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for r, row in enumerate(ids):
        input_ids[r, :len(row)] = row
        mask[r, :len(row)] = 1

    text_model = TextEncoder(len(pieces)).eval()
    with torch.no_grad():
        text_out = text_model(torch.from_numpy(input_ids), torch.from_numpy(mask)).numpy()
    torch.onnx.export(text_model, (torch.from_numpy(input_ids), torch.from_numpy(mask)), os.path.join(HERE, "text_encoder.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["embedding"], opset_version=13,
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}})

    image_model = ImageEncoder().eval()
    pixels = np.random.default_rng(7).standard_normal((4, 3, 32, 32)).astype(np.float32)
    with torch.no_grad():
        image_out = image_model(torch.from_numpy(pixels)).numpy()
    torch.onnx.export(image_model, torch.from_numpy(pixels), os.path.join(HERE, "image_encoder.onnx"),
                      input_names=["pixels"], output_names=["embedding"], opset_version=13,
                      dynamic_axes={"pixels": {0: "batch"}, "embedding": {0: "batch"}})

    with open(os.path.join(HERE, "texts.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
    np.save(os.path.join(HERE, "text_ids.npy"), input_ids.astype(np.float32))
    np.save(os.path.join(HERE, "text_embeddings.npy"), text_out.astype(np.float32))
    np.save(os.path.join(HERE, "pixels.npy"), pixels.reshape(4, -1))
    np.save(os.path.join(HERE, "image_embeddings.npy"), image_out.astype(np.float32))
    print(f"vocab {len(pieces)} pieces; text ids {input_ids.shape}; embeddings {text_out.shape}, {image_out.shape}")


if __name__ == "__main__":
    main()
