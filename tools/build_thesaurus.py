#!/usr/bin/env python3
"""Builds src/text/thesaurus.tsv, the word relations the matcher uses, from WordNet 3.0.

Source: Princeton WordNet 3.0 as packaged by Debian (`apt-get install wordnet-base`,
files in /usr/share/wordnet). Licence: the WordNet 3.0 licence (see src/text/thesaurus.LICENSE),
which allows use, copying and redistribution with its notice.

For every single-word lemma that occurs in the sense-tagged corpus (tag count >= 1, i.e.
an everyday word), it collects:
  * D: derivationally related forms (WordNet "+" pointers: defend -> defence, defender);
  * S: the other words of its most frequent sense in each part of speech (talk -> speak).
Words are reduced to Snowball English stems (the `snowballstemmer` package, the same
algorithm as the Rust `rust-stemmers` crate), merged by stem, and written one stem a line,
sorted: `stem<TAB>derived,stems<TAB>synonym,stems`.

With `--verbs` it writes instead src/text/verbs.txt: the stems whose tagged senses
(WordNet's cntlist.rev, single-word lemmas, counts summed over the lemmas of one stem) are
more than half verbs' (`take`, `happen`; not `tall`, `wife`, `school`), one a line, sorted.

usage: pip install snowballstemmer && python3 tools/build_thesaurus.py > src/text/thesaurus.tsv
       python3 tools/build_thesaurus.py --verbs > src/text/verbs.txt
"""
import collections
import re
import sys

import snowballstemmer

WN = "/usr/share/wordnet/"
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
WORD = re.compile(r"^[a-z]+$")


def base(word):
    return re.sub(r"\(.*\)", "", word.lower())


def read_synsets():
    synsets = {}
    for pos, name in FILES.items():
        for line in open(WN + "data." + name, encoding="latin-1"):
            if line.startswith("  "):
                continue
            f = line.split(" | ")[0].split()
            count = int(f[3], 16)
            words = [base(f[4 + 2 * i]) for i in range(count)]
            i = 4 + 2 * count
            pointers = []
            for _ in range(int(f[i])):
                pointers.append(tuple(f[i + 1:i + 5]))
                i += 4
            synsets[(pos, f[0])] = (words, pointers)
    return synsets


def read_index():
    senses = collections.defaultdict(list)
    tagged = collections.Counter()
    for pos, name in FILES.items():
        for line in open(WN + "index." + name, encoding="latin-1"):
            if line.startswith("  "):
                continue
            f = line.split()
            pointer_count = int(f[3])
            senses[f[0]].append((pos, f[4 + pointer_count + 2:]))
            tagged[f[0]] += int(f[4 + pointer_count + 1])
    return senses, tagged


def verbs():
    stem = snowballstemmer.stemmer("english").stemWord
    counts = collections.defaultdict(collections.Counter)
    for line in open(WN + "cntlist.rev", encoding="latin-1"):
        key, _number, count = line.split()
        lemma, rest = key.split("%")
        if not WORD.match(lemma):
            continue
        pos = {1: "n", 2: "v", 3: "a", 4: "r", 5: "a"}[int(rest.split(":")[0])]
        counts[stem(lemma)][pos] += int(count)
    for key in sorted(k for k, c in counts.items() if 2 * c["v"] > sum(c.values())):
        print(key)


def main():
    if sys.argv[1:] == ["--verbs"]:
        return verbs()
    synsets = read_synsets()
    senses, tagged = read_index()
    stem = snowballstemmer.stemmer("english").stemWord
    derived = collections.defaultdict(set)
    synonyms = collections.defaultdict(set)
    for word, entries in senses.items():
        if not WORD.match(word) or tagged[word] < 1:
            continue
        key = stem(word)
        for pos, offsets in entries:
            for rank, offset in enumerate(offsets):
                words, pointers = synsets[(pos, offset)]
                number = words.index(word) + 1 if word in words else 0
                for symbol, target, target_pos, source_target in pointers:
                    if symbol != "+" or int(source_target[:2], 16) != number:
                        continue
                    target_pos = "a" if target_pos == "s" else target_pos
                    other = synsets[(target_pos, target)][0][int(source_target[2:], 16) - 1]
                    if WORD.match(other):
                        derived[key].add(stem(other))
                if rank == 0:
                    synonyms[key].update(stem(w) for w in words if WORD.match(w))
    for key in sorted(set(derived) | set(synonyms)):
        d = sorted(derived[key] - {key})
        s = sorted(synonyms[key] - {key} - set(d))
        if d or s:
            print(f"{key}\t{','.join(d)}\t{','.join(s)}")


if __name__ == "__main__":
    sys.exit(main())
