#!/usr/bin/env python3
"""Extraction helpers and checks for the Plan of Action text (data/plan/plan.json).

The reference is General Assembly resolution 64/293 in Arabic, extracted from a PDF
(/work/shared/reference/a-res-64-293-ar.txt, or $CTIS_SHARED/reference/...). The extraction
stretches words with tatweel, splits words across spaces, puts page footnotes in the middle of
paragraphs and, on many lines, emits the runs of a justified line in reverse order.

  plan_text.py draft [REF]   print each operative and Annex paragraph after the mechanical
                             cleaning (tatweel removed, footnotes and footnote markers dropped,
                             whitespace collapsed), one extraction line per output line, as the
                             starting point for the reading-order repairs done by hand
  plan_text.py rejoin [REF]  list in plan.json "rejoined" the stored words that are not in the
                             reference as such, with the pieces they were rejoined from
  plan_text.py check [REF]   run the checks on data/plan/plan.json (the same checks as
                             tests/unit/test_plan_text.c): ids, numbers, pillars, instruments,
                             no tatweel, no Latin letters outside document symbols, the word
                             test and the coverage figure

The mechanical cleaning cannot restore reading order; that was done by hand, paragraph by
paragraph, and each repair is checked by the word test (every stored word occurs in the
reference once its tatweel and all whitespace are removed; words whose pieces the extraction
put out of order are listed in plan.json "rejoined" with those pieces)."""
import json
import os
import re
import sys

TATWEEL = "\u0640"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS = "٠١٢٣٤٥٦٧٨٩"


def reference_path(argv):
    if len(argv) > 2:
        return argv[2]
    shared = os.environ.get("CTIS_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
    path = os.path.join(shared, "reference", "a-res-64-293-ar.txt")
    if not os.path.exists(path):
        path = "/work/shared/reference/a-res-64-293-ar.txt"
    return path


def to_int(s):
    return int("".join(str(DIGITS.index(c)) if c in DIGITS else c for c in s))


FOOTNOTE_LINE = re.compile(r"^\s*(\.?\s*\)[٠-٩]+\(|\([٠-٩]+\)|\)[٠-٩]+\(|\.|[^\n]*\)[٠-٩]+\(\s*$)")


def body_lines(text):
    """The lines of the document without the footnote blocks (a line of underscores and the
    footnote lines after it)."""
    out, skipping = [], False
    for line in text.split("\n"):
        if line.strip().startswith("____"):
            skipping = True
            continue
        if skipping:
            if not line.strip() or FOOTNOTE_LINE.match(line) or re.search(r"\)[٠-٩]+\(\s*$", line) \
                    or re.search(r"[A-Za-z]{3,}", line):
                continue
            skipping = False
        out.append(line)
    return out


MARK = re.compile(r"-\s*([٠-٩]+)\s*$|^\s*\S*\s*-\s+([٠-٩]+)\s")


def clean(s):
    s = s.replace(TATWEEL, "")
    s = re.sub(r"\)[٠-٩]+\(", " ", s)  # footnote markers
    return re.sub(r"\s+", " ", s).strip()


def paragraphs(text):
    """Yields (part, number, [cleaned lines]) for operative paragraphs 1-7 and Annex 1-61."""
    lines = body_lines(text)
    start = next(i for i, l in enumerate(lines) if re.search(r"تتخذ\s+-\s+١\s", l))
    annex = next(i for i, l in enumerate(lines) if l.strip() == "المرفق")
    cur, part, out = None, "resolution", []
    for i in range(start, len(lines)):
        line = lines[i]
        if i == annex:
            part = "annex"
            cur = None
            continue
        nxt = (cur[1] + 1) if cur is not None else 1
        m = re.search(r"(?:^|\s)-\s+(%s)(?=\s|$)" % "".join(DIGITS[int(d)] for d in str(nxt)), line)
        if m:
            cur = [part, to_int(m.group(1)), []]
            out.append(cur)
            line = line[:m.start()] + " " + line[m.end():]
        if cur is not None and clean(line):
            cur[2].append(clean(line))
    return [tuple(p) for p in out]


def draft(ref):
    with open(ref, encoding="utf-8") as f:
        text = f.read()
    for part, num, lines in paragraphs(text):
        print("== %s %d" % ("op" if part == "resolution" else "annex", num))
        for l in lines:
            print("   " + l)


WORD_SPLIT = re.compile(r"[\s\u060c\u061b\u061f.,;:!?()\[\]\"“”«»/\-–—0-9٠-٩]+")
DOC_SYMBOL = re.compile(r"\b[A-Z]+(?:/[A-Za-z0-9.]+)+\b")


def arabic_words(s):
    return [w for w in WORD_SPLIT.split(s.replace(TATWEEL, "")) if w and re.search(r"[\u0600-\u06ff]", w)]


def flat_reference(ref):
    with open(ref, encoding="utf-8") as f:
        return re.sub(r"\s+", "", f.read().replace(TATWEEL, ""))


def split_pieces(word, flat):
    """The fewest pieces, each occurring in flat, that make up word (None if impossible)."""
    best = {0: []}
    for i in range(1, len(word) + 1):
        for j in range(i):
            if j in best and word[j:i] in flat:
                cand = best[j] + [word[j:i]]
                if i not in best or len(cand) < len(best[i]):
                    best[i] = cand
    return best.get(len(word))


def rejoin(ref):
    """Adds to plan.json "rejoined" every stored word the extraction split and put out of order:
    such a word is not a substring of the flattened reference, but its pieces are. Review the
    list by hand: a word that cannot be split this way is a typing error, not a rejoin."""
    path = os.path.join(ROOT, "data", "plan", "plan.json")
    with open(path, encoding="utf-8") as f:
        plan = json.load(f)
    flat = flat_reference(ref)
    known = {r["word"]: r for r in plan.get("rejoined", [])}
    texts = [p["text_ar"] for p in plan["paragraphs"]] + \
        [s.get(k) or "" for s in plan["sections"] for k in ("title_ar", "intro_ar")] + \
        [i.get("name_ar") or "" for i in plan["instruments"]]
    used = set()
    for t in texts:
        for w in arabic_words(t):
            if w in flat:
                continue
            used.add(w)
            if w not in known:
                pieces = split_pieces(w, flat)
                print("%s -> %s" % (w, pieces))
                if pieces:
                    known[w] = {"word": w, "pieces": pieces}
    plan["rejoined"] = [known[w] for w in sorted(known) if w in used]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(plan, f, ensure_ascii=False, indent=1)
        f.write("\n")


def check(ref):
    with open(os.path.join(ROOT, "data", "plan", "plan.json"), encoding="utf-8") as f:
        plan = json.load(f)
    errors = []
    pillars = {p["code"] for p in plan["pillars"]}
    sections = {s["code"] for s in plan["sections"]}
    instruments = {i["code"] for i in plan["instruments"]}
    ids = [p["id"] for p in plan["paragraphs"]]
    want = ["op-%d" % i for i in range(1, 8)] + ["annex-%d" % i for i in range(1, 62)]
    if sorted(ids) != sorted(want) or len(ids) != len(set(ids)):
        errors.append("ids: %s" % sorted(set(want) ^ set(ids)))
    texts = []
    for p in plan["paragraphs"]:
        pid = p["id"]
        if p["pillar"] not in pillars:
            errors.append("%s: pillar %s" % (pid, p["pillar"]))
        if p["section"] not in sections:
            errors.append("%s: section %s" % (pid, p["section"]))
        if not p.get("text_ar") or not p.get("summary_en"):
            errors.append("%s: text or summary missing" % pid)
        for c in p["instruments"]:
            if c not in instruments:
                errors.append("%s: instrument %s" % (pid, c))
        texts.append((pid, p["text_ar"]))
    for s in plan["sections"]:
        for key in ("title_ar", "intro_ar"):
            if s.get(key):
                texts.append(("section %s %s" % (s["code"], key), s[key]))
    for i in plan["instruments"]:
        if i.get("name_ar"):
            texts.append(("instrument " + i["code"], i["name_ar"]))
    for pid, t in texts:
        if TATWEEL in t:
            errors.append("%s: tatweel" % pid)
        rest = DOC_SYMBOL.sub("", t)
        if re.search(r"[A-Za-z]", rest):
            errors.append("%s: Latin letters outside a document symbol" % pid)
    if os.path.exists(ref):
        with open(ref, encoding="utf-8") as f:
            flat = re.sub(r"\s+", "", f.read().replace(TATWEEL, ""))
        rejoined = {r["word"]: r["pieces"] for r in plan.get("rejoined", [])}
        for w, pieces in rejoined.items():
            if "".join(pieces) != w or any(x not in flat for x in pieces):
                errors.append("rejoined %s: pieces %s" % (w, pieces))
        missing = 0
        for pid, t in texts:
            for w in arabic_words(t):
                if w not in flat and w not in rejoined:
                    errors.append("%s: word %s not in the reference" % (pid, w))
                    missing += 1
        # coverage: Arabic letters of the operative and Annex parts vs the stored texts
        with open(ref, encoding="utf-8") as f:
            body = "\n".join(body_lines(f.read()))
        body = body[re.search(r"تتخذ\s+-\s+١", body).start():]
        letters = lambda s: sum(1 for c in s if "\u0621" <= c <= "\u064a" and c != TATWEEL)
        ref_letters = letters(re.sub(r"\)[٠-٩]+\(", "", body))
        stored = sum(letters(p["text_ar"]) for p in plan["paragraphs"]) + \
            sum(letters((s.get("title_ar") or "") + (s.get("intro_ar") or "")) for s in plan["sections"])
        print("coverage: %d of %d letters (%.1f%%)" % (stored, ref_letters, 100.0 * stored / ref_letters))
    else:
        print("reference absent: word test skipped")
    for e in errors:
        print(e)
    print("%d problems" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    ref = reference_path(sys.argv)
    if cmd == "draft":
        draft(ref)
    elif cmd == "rejoin":
        rejoin(ref)
    else:
        sys.exit(check(ref))
