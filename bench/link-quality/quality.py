#!/usr/bin/env python3
"""bench/link-quality: runs ctis on FEBRL datasets 1-3 and scores the output (see run)."""
import csv, os, re, subprocess, sys, time
from collections import defaultdict
from itertools import combinations

ctis, work, data, schema = sys.argv[1:5]
DB = ['--db', os.path.join(work, 'q.db')]
ANCHOR_P, ANCHOR_R = 1.000, 0.992
FIELDS = 'given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth'


def person(rec_id):
    return re.match(r'rec-(\d+)-', rec_id).group(1)


def read(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f, skipinitialspace=True))
    return rows[0], rows[1:]


def write(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def run(*args):
    t = time.time()
    subprocess.run([ctis, *args, *DB], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.time() - t


def pairs_of(path):
    with open(path) as f:
        r = csv.reader(f)
        assert next(r) == ['a_id', 'b_id', 'score']
        return [(a, b, float(s)) for a, b, s in r]


def prf(found, truth):
    tp = sum(1 for p in found if p in truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def exact_key(h, row):
    g, s, d = row[h.index('given_name')], row[h.index('surname')], row[h.index('date_of_birth')]
    return (g, s, d) if g and s and d else None


def line(name, n, truth_n, p, r, f1, exact_r, secs):
    print(f'{name:<44} {n:>6} {truth_n:>6}  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}   '
          f'R/anchor {r / ANCHOR_R:5.3f}   R/exact {r / exact_r if exact_r else float("nan"):5.2f}   {secs:6.2f} s')


print('== link-quality: FEBRL 1-3, ctis on the command line, against the ground truth')
print(f'anchor: anonlink on FEBRL 4 (5,000 x 5,000, 1024 bits) at 0.8: P {ANCHOR_P:.3f} R {ANCHOR_R:.3f}; '
      'exact: clear given name, surname and birth date all equal (same run)')
print(f'{"run":<44} {"found":>6} {"true":>6}')
for ds in ('dataset1', 'dataset2', 'dataset3'):
    h, rows = read(os.path.join(data, ds + '.csv'))
    rid = h.index('rec_id')
    # Two parties: the originals, and the first duplicate of each person that has one.
    orgs = {person(r[rid]): r for r in rows if r[rid].endswith('-org')}
    dups = {}
    for r in sorted(rows, key=lambda r: r[rid]):
        m = re.match(r'rec-(\d+)-dup-(\d+)', r[rid])
        if m and m.group(1) in orgs and m.group(1) not in dups:
            dups[m.group(1)] = r
    a_rows = list(orgs.values())
    b_rows = list(dups.values())
    truth2 = {(orgs[k][rid], dups[k][rid]) for k in dups}
    pa, pb = os.path.join(work, ds + '-a.csv'), os.path.join(work, ds + '-b.csv')
    write(pa, h, a_rows)
    write(pb, h, b_rows)
    ca, cb = os.path.join(work, ds + '-a.clk'), os.path.join(work, ds + '-b.clk')
    enc = 0.0
    for src, out in ((pa, ca), (pb, cb)):
        enc += run('link', 'encode', '--schema', schema, '--secret-file', os.path.join(work, 'secret'),
                   '--project', 'febrl', '--csv', src, '--id-column', 'rec_id', '--out', out)
    # Exact matching on clear values, the same parties.
    index = defaultdict(list)
    for r in a_rows:
        k = exact_key(h, r)
        if k:
            index[k].append(r[rid])
    used, exact = set(), set()
    for r in b_rows:
        for cand in index.get(exact_key(h, r) or (), []):
            if cand not in used:
                used.add(cand)
                exact.add((cand, r[rid]))
                break
    ep, er, ef = prf(exact, truth2)
    line(f'{ds} 2-party exact (clear values)', len(exact), len(truth2), ep, er, ef, er, 0.0)
    for t in ('0.7', '0.8', '0.9'):
        out = os.path.join(work, f'{ds}-m{t}.csv')
        secs = run('link', 'match', ca, cb, '--threshold', t, '--out', out)
        found = {(a, b) for a, b, _ in pairs_of(out)}
        p, r, f1 = prf(found, truth2)
        line(f'{ds} 2-party CLK 1024 bits, 1-to-1 at {t}', len(found), len(truth2), p, r, f1, er, secs)
    # Deduplication inside the whole file: every pair of records of one person.
    groups = defaultdict(list)
    for r in rows:
        groups[person(r[rid])].append(r[rid])
    truthd = set()
    for ids in groups.values():
        for x, y in combinations(sorted(ids), 2):
            truthd.add((x, y))
    norm = lambda ps: {tuple(sorted((a, b))) for a, b in ps}
    exd = defaultdict(list)
    for r in rows:
        k = exact_key(h, r)
        if k:
            exd[k].append(r[rid])
    exactd = {tuple(sorted(p)) for ids in exd.values() for p in combinations(ids, 2)}
    ep, er, ef = prf(exactd, truthd)
    line(f'{ds} dedup exact (clear values)', len(exactd), len(truthd), ep, er, ef, er, 0.0)
    call = os.path.join(work, ds + '.clk')
    enc += run('link', 'encode', '--schema', schema, '--secret-file', os.path.join(work, 'secret'),
               '--project', 'febrl', '--csv', os.path.join(data, ds + '.csv'), '--id-column', 'rec_id', '--out', call)
    out = os.path.join(work, ds + '-dedup.csv')
    secs = run('link', 'match', call, '--threshold', '0.8', '--out', out)
    found = norm((a, b) for a, b, _ in pairs_of(out))
    p, r, f1 = prf(found, truthd)
    line(f'{ds} dedup CLK 1024 bits, pairs at 0.8', len(found), len(truthd), p, r, f1, er, secs)
    out = os.path.join(work, ds + '-fs.csv')
    secs = run('link', 'dedup', '--csv', os.path.join(data, ds + '.csv'), '--id-column', 'rec_id', '--fields', FIELDS,
               '--threshold', '0.9', '--out', out)
    found = norm((a, b) for a, b, _ in pairs_of(out))
    p, r, f1 = prf(found, truthd)
    line(f'{ds} dedup Fellegi-Sunter (clear), at 0.9', len(found), len(truthd), p, r, f1, er, secs)
print('FEBRL 4 (the anchor\'s own set) is not in ../shared/data; dataset 1 split is its closest shape '
      '(500 originals x 500 duplicates, one true pair each).')
