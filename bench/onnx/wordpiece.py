"""BERT uncased WordPiece, written from the algorithm: the reference the C# tokenizer is tested against."""
import re
import unicodedata


def basic_tokens(text):
    """BERT's basic tokenization for an uncased vocabulary: lower-case, strip accents, split off punctuation."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    out = []
    for word in text.split():
        out.extend(t for t in re.split(r"([^\w\s]|_)", word) if t)
    return out


def wordpiece(word, vocab):
    """Greedy longest-match-first, as BERT: [UNK] for a word with an unmatchable rest."""
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:
            return ["[UNK]"]
        pieces.append(piece)
        start = end
    return pieces


def encode(text, vocab):
    ids = [vocab["[CLS]"]]
    for word in basic_tokens(text):
        ids.extend(vocab[p] for p in wordpiece(word, vocab))
    return ids + [vocab["[SEP]"]]
