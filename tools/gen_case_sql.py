#!/usr/bin/env python3
"""Generates SQL for the case statements from src/cases/fields.def.

Usage:
  gen_case_sql.py catalog FIELDS_DEF OUTPUT   -> a header of macros used by src/store/catalog.def
  gen_case_sql.py schema FIELDS_DEF DIALECT   -> the columns of the cases table (for migrations)

The column of a field is its name; sealed fields are stored in <name>_enc, and fields with an
exact blind index also have <name>_bidx. Placeholders are numbered (?N)."""
import re
import sys

FIXED = ["id", "agency_id", "owner_id", "restricted", "status", "opened_at_ms", "closed_at_ms",
         "created_at_ms", "updated_at_ms", "version", "source_key", "unknown_mask", "na_mask"]


def fields(path):
    out = []
    for line in open(path, encoding="utf-8"):
        m = re.match(r'\s*FIELD\((\w+),\s*"([^"]*)",\s*(\w+),\s*"([^"]*)",\s*(\w+),\s*(\w+),\s*(\d+)\)', line)
        if m:
            out.append({"name": m.group(1), "type": m.group(3), "bidx": m.group(6)})
    return out


def columns(fs):
    cols = []
    for f in fs:
        if f["type"] in ("CF_SEALED", "CF_SEALED_DATE"):
            cols.append(f["name"] + "_enc")
        else:
            cols.append(f["name"])
    return cols


def bidx_columns(fs):
    return [f["name"] + "_bidx" for f in fs if f["bidx"] == "CB_EXACT"]


def catalog(fs, out):
    cols = columns(fs)
    bcols = bidx_columns(fs)
    every = FIXED + cols + bcols
    n = len(every)
    lines = ["/* Generated from src/cases/fields.def by tools/gen_case_sql.py: do not edit. */",
             "#define CASE_FIELD_COUNT_SQL %d" % len(fs),
             "#define CASE_BIDX_COUNT_SQL %d" % len(bcols),
             "#define CASE_COLUMNS \"%s\"" % ", ".join("c." + c for c in FIXED + cols),
             "#define CASE_INSERT_SQL \"INSERT INTO cases (%s) VALUES (%s)\"" % (
                 ", ".join(every), ", ".join("?%d" % (i + 1) for i in range(n)))]
    # UPDATE: ?1 id, ?2 expected version, ?3 updated_at_ms, ?4 unknown_mask, ?5 na_mask, then fields, bidx.
    sets = ["updated_at_ms = ?3", "version = version + 1", "unknown_mask = ?4", "na_mask = ?5"]
    k = 6
    for c in cols + bcols:
        sets.append("%s = ?%d" % (c, k))
        k += 1
    lines.append("#define CASE_UPDATE_SQL \"UPDATE cases SET %s WHERE id = ?1 AND version = ?2 RETURNING version\"" %
                 ", ".join(sets))
    lines.append("#define CASE_UPDATE_PARAMS %d" % (k - 1))
    # The purge of a case's personal data: every sealed column and every exact blind index.
    personal = [c for c in cols if c.endswith("_enc")] + bcols
    lines.append("#define CASE_PERSONAL_NULLS \"%s\"" % ", ".join("%s = NULL" % c for c in personal))
    lines.append("#define CASE_INSERT_PARAMS %d" % n)
    text = "\n".join(lines) + "\n"
    try:
        if open(out).read() == text:
            return
    except OSError:
        pass
    open(out, "w").write(text)


def schema(fs, dialect):
    integer = "INTEGER" if dialect == "sqlite" else "BIGINT"
    blob = "BLOB" if dialect == "sqlite" else "BYTEA"
    rows = []
    for f in fs:
        t = f["type"]
        if t in ("CF_SEALED", "CF_SEALED_DATE"):
            rows.append("    %s_enc %s," % (f["name"], blob))
        elif t in ("CF_INT", "CF_MULTI"):
            rows.append("    %s %s," % (f["name"], integer))
        elif t == "CF_BOOL":
            rows.append("    %s %s CHECK (%s IN (0, 1))," % (f["name"], integer, f["name"]))
        else:
            rows.append("    %s TEXT," % f["name"])
    for c in bidx_columns(fs):
        rows.append("    %s %s," % (c, blob))
    print("\n".join(rows))


if __name__ == "__main__":
    fs = fields(sys.argv[2])
    if sys.argv[1] == "catalog":
        catalog(fs, sys.argv[3])
    else:
        schema(fs, sys.argv[3])
