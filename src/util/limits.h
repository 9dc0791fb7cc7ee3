/* limits: every bound in ctis, in one place, each with its reason. Changing one here changes
 * it everywhere; the static assertions keep related limits consistent. */
#ifndef CTIS_UTIL_LIMITS_H
#define CTIS_UTIL_LIMITS_H

/* Errors. */
#define ERR_MESSAGE_BYTES_MAX 256 /* one line of detail */
#define ERR_FIELD_BYTES_MAX 128   /* a JSON pointer or column name */

/* HTTP requests. */
#define HTTP_BODY_BYTES_MAX (1024 * 1024) /* 1 MiB: largest JSON body the API accepts */
#define HTTP_URL_BYTES_MAX 2048
#define HTTP_HEADER_BYTES_MAX 8192
#define HTTP_CONNECTIONS_MAX 512     /* simultaneous connections per server */
#define HTTP_CONNECTION_TIMEOUT_S 30 /* idle connection timeout */
#define HTTP_THREADS_DEFAULT 4
#define HTTP_THREADS_MAX 64
#define HTTP_ROUTE_PARAMS_MAX 4 /* {id} segments in one route pattern */
#define HTTP_QUERY_PARAMS_MAX 32

/* JSON. */
#define JSON_DEPTH_MAX 16           /* nesting deeper than this is refused before parsing */
#define JSON_STRING_BYTES_MAX 65536 /* one string value (a narrative may be long) */
#define JSON_KEYS_MAX 256           /* keys in one object */
#define FIELD_TEXT_BYTES_MAX 4096   /* an ordinary text field (name, title, code) */
#define NAME_BYTES_MAX 200          /* agency names, display names */
#define USERNAME_BYTES_MAX 64
#define PASSWORD_BYTES_MIN 12
#define PASSWORD_BYTES_MAX 1024

/* Paging. */
#define PAGE_ROWS_DEFAULT 50
#define PAGE_ROWS_MAX 500

/* Store. */
#define DB_URL_BYTES_MAX 1024
#define DB_TX_RETRIES_MAX 8                 /* retries on busy, serialization failure, deadlock */
#define DB_BUSY_TIMEOUT_MS 5000             /* SQLite waits this long for a lock before BUSY */
#define DB_PARAMS_MAX 96                    /* bound parameters in one statement (a case row has ~60) */
#define DB_POOL_MAX 64                      /* connections in one pool */
#define DB_COPY_BATCH_ROWS 1000             /* rows per transaction when copying or rotating */
#define BACKUP_LINE_BYTES_MAX (1024 * 1024) /* one line (one row) of a backup file */

/* Vault. */
#define VAULT_PWHASH_CONCURRENT_MAX 2 /* Argon2id hashes at once: each takes 64 MiB */
#define VAULT_SEALED_BYTES_MAX (JSON_STRING_BYTES_MAX + 64)
#define VAULT_PEERS_MAX 1024
#define VAULT_PASSPHRASE_BYTES_MIN 12

/* Auth. */
#define SESSION_IDLE_S (30 * 60)          /* a session unused for 30 minutes ends */
#define SESSION_ABSOLUTE_S (12 * 60 * 60) /* and any session ends after 12 hours */
#define LOGIN_FAILURES_LOCK 5             /* consecutive failures that lock an account */
#define LOGIN_LOCK_S (15 * 60)            /* for this long */
#define LOGIN_CLIENT_WINDOW_S 60          /* per client address: at most ... */
#define LOGIN_CLIENT_ATTEMPTS_MAX 20      /* ... failed attempts per window */
#define TOTP_STEP_S 30
#define TOTP_WINDOW_STEPS 1 /* accept codes one step either side */
#define API_TOKEN_DAYS_MAX 366
#define PERMISSIONS_PER_ROLE_MAX 128
#define ROLE_NAME_BYTES_MAX 64

/* Audit. */
#define AUDIT_DETAIL_BYTES_MAX 512
#define AUDIT_SHOW_ROWS_MAX 10000

/* Files. */
#define FILE_BYTES_MAX (64 * 1024 * 1024) /* largest file read whole (catalogue, key file) */

/* CSV and JSON-lines files (case import and export), read as streams. */
#define CSV_FIELD_BYTES_MAX (JSON_STRING_BYTES_MAX + 1) /* one cell: a narrative, plus a formula guard */
#define CSV_FIELDS_MAX 512                              /* cells in one record (HTCDS has ~150 fields) */
#define CSV_LINE_BYTES_MAX (1024 * 1024)                /* one record, all its cells and lines */
#define IMPORT_JSON_RECORD_BYTES_MAX (1024 * 1024)      /* one case object of a JSON-lines file */
#define IMPORT_BATCH_ROWS 1000                          /* rows per transaction when skipping bad rows */
#define IMPORT_DUPLICATES_PER_ROW 5                     /* likely duplicates listed per imported row */
#define IMPORT_REDO_MAX 16 /* times a batch is run again, each without a case that failed in it */

/* k-anonymised exports (src/cases/kanon.h, ctdc-kanon). */
#define KANON_K_DEFAULT 10      /* CTDC's k since 2021 */
#define KANON_K_MAX 100000      /* the largest k accepted */
#define KANON_ROWS_MAX 20000000 /* rows held in memory (~60 bytes each) */
#define KANON_ROUNDS_MAX 100000 /* greedy rounds before only whole steps are taken */
/* Case records (perpetrators, support plans, attachments). */
#define CASE_ATTACHMENT_BYTES_MAX (10 * 1024 * 1024)    /* one attached file: a scan of several pages */
#define CASE_ATTACHMENT_CHUNK_BYTES 65536               /* content is sealed in pieces of this size */
#define CASE_ATTACHMENT_NAME_BYTES_MAX 255              /* a file name */
#define CASE_RECORD_TEXT_BYTES_MAX 8000                 /* role details, notes, objectives, action plan */
#define CASE_RECORDS_MAX 1000                           /* perpetrators, plans or attachments of one case */
#define HTTP_UPLOAD_BYTES_MAX CASE_ATTACHMENT_BYTES_MAX /* the body of an upload route (raw bytes) */
/* Part R: referral and break-the-glass. */
#define GLASS_MINUTES_MAX 240        /* longest break-the-glass access */
#define GLASS_MINUTES_DEFAULT 60     /* when none is asked */
#define GLASS_REASON_CHARS_MIN 15    /* a reason that says something */
#define REFERRAL_TEXT_BYTES_MAX 4000 /* reason, rejection note, override reason */
#define REFERRAL_ANSWER_DAYS 3       /* referral_unanswered due after this (normal urgency) */
#define REFERRAL_ANSWER_DAYS_URGENT 1
#define PROVIDER_CODES_MAX 32 /* services, languages or areas of one provider */

/* PDF documents (src/pdf): reports and printable notices, rendered whole in memory. */
#define PDF_PAGES_MAX 500                 /* pages of one document */
#define PDF_TEXT_BYTES_MAX (256 * 1024)   /* the text of one block (a paragraph, a list, a table) */
#define PDF_ITEMS_MAX 1000                /* items of one list or rows of one table */
#define PDF_BYTES_MAX (32 * 1024 * 1024)  /* the finished file */
#define PDF_META_BYTES_MAX NAME_BYTES_MAX /* the title or subject in the document's metadata */
#define PDF_TABLE_COLS_MAX 12             /* columns of one grid table */
#define CHART_CATEGORIES_MAX 400          /* categories of one chart (the x axis) */
#define CHART_SERIES_MAX 12               /* series of one chart */
#define CHART_FLOWS_MAX 300               /* flows of one flow diagram */
#define CHART_LABEL_BYTES_MAX 200         /* a category, series or node label */
#define CHART_SIDE_MAX 4000.0             /* width or height, points or pixels */
/* Screening (src/referral/screening.h). */
#define SCREENING_SET_BYTES_MAX (1024 * 1024)    /* one indicator-set file */
#define SCREENING_SET_ITEMS_MAX 200              /* indicators in one set (the ILO/EC sets have 65-67) */
#define SCREENING_LABEL_BYTES_MAX 400            /* one indicator label, in one language */
#define SCREENING_EVIDENCE_BYTES_MAX 2000        /* one evidence note */
#define SCREENING_ANSWERS_BYTES_MAX 60000        /* the sealed answers document of one interview */
#define SCREENING_COMBOS_MAX 16                  /* minimum combinations of the dimension rule */
#define SCREENING_CLAUSES_MAX 8                  /* clauses of the set rule */
#define SCREENINGS_PER_CASE_MAX CASE_RECORDS_MAX /* interviews of one case */
/* Tasks (src/tasks). */
#define TASK_TITLE_BYTES_MAX 500 /* a manual task's title */
#define TASK_SCAN_ROWS_MAX 5000  /* rows a task list reads before paging (case visibility is checked per row) */
#define TASK_DUE_SOON_DAYS 7     /* "due this week" on the my-work page */
/* Public intake (src/referral/intake.h). */
#define HTTP_SMALL_BODY_BYTES_MAX (16 * 1024)  /* the body of a public route flagged HTTP_ROUTE_SMALL_BODY */
#define INTAKE_TIPS_PER_WINDOW 5               /* public tips from one client address ... */
#define INTAKE_WINDOW_S 600                    /* ... in this many seconds */
#define INTAKE_FORM_MIN_S 3                    /* a form sent sooner after it was served is refused */
#define INTAKE_FORM_MAX_S 7200                 /* a form token older than this is refused */
#define INTAKE_ACCOUNT_BYTES_MAX 8000          /* what happened */
#define INTAKE_SHORT_BYTES_MAX 500             /* contact, location */
#define SUBMISSION_YEARS_MAX 20                /* years one federated submission covers */
#define SUBMISSION_ROWS_MAX 100000             /* figures in one submission */
#define SUBMISSION_BYTES_MAX (8 * 1024 * 1024) /* a submission file */
#define SUBMISSION_CATEGORY_BYTES_MAX 100      /* a category's text */

_Static_assert(GLASS_MINUTES_DEFAULT <= GLASS_MINUTES_MAX, "default glass time within the maximum");

_Static_assert(PAGE_ROWS_DEFAULT <= PAGE_ROWS_MAX, "default page within the maximum");
_Static_assert(FIELD_TEXT_BYTES_MAX <= JSON_STRING_BYTES_MAX, "a field fits in a JSON string");
_Static_assert(JSON_STRING_BYTES_MAX < HTTP_BODY_BYTES_MAX, "a string fits in a body");
_Static_assert(SESSION_IDLE_S <= SESSION_ABSOLUTE_S, "idle expiry before absolute expiry");
_Static_assert(HTTP_THREADS_DEFAULT <= HTTP_THREADS_MAX, "default threads within the maximum");
_Static_assert(CSV_FIELD_BYTES_MAX <= CSV_LINE_BYTES_MAX, "a cell fits in a record");
_Static_assert(CASE_ATTACHMENT_CHUNK_BYTES <= VAULT_SEALED_BYTES_MAX, "a chunk fits in one envelope");
_Static_assert(HTTP_UPLOAD_BYTES_MAX >= HTTP_BODY_BYTES_MAX, "uploads are the larger bodies");
_Static_assert(SCREENING_ANSWERS_BYTES_MAX + 64 <= VAULT_SEALED_BYTES_MAX, "the answers fit in one envelope");

/* International cooperation requests (src/justice/coop.h; issue 5, part J6). */
#define COOP_DEADLINE_NOTICE_DAYS 14 /* a coop_deadline task is due this many days before a cooperation deadline */
#define COOP_TEXT_BYTES_MAX 300      /* authority names, references, treaty name, person sought, document title */
#define COOP_DOCUMENTS_MAX 50        /* documents given with one cooperation request or update */

/* .xlsx reading (src/xlsx): an .xlsx is a zip of XML parts, read as a stream; a part that
 * inflates past its limit (a zip bomb) or a sheet past its rows or columns is refused. */
#define XLSX_PART_BYTES_MAX (256 * 1024 * 1024)     /* one uncompressed XML part (the real GLOTIP sheet is ~15 MiB) */
#define XLSX_SMALL_PART_BYTES_MAX (4 * 1024 * 1024) /* workbook.xml and its relationships */
#define XLSX_ROWS_MAX 1048576                       /* Excel's own row limit */
#define XLSX_COLUMNS_MAX 512                        /* cells in one row (column XS); GLOTIP has 13 */
#define XLSX_CELL_BYTES_MAX (32767 * 4)             /* Excel's 32,767 characters, each up to 4 UTF-8 bytes */
#define XLSX_SHARED_STRINGS_MAX 2000000             /* distinct strings in sharedStrings.xml */
/* .xlsx writing (src/xlsx/xlsx_write, over libxlsxwriter). */
#define XLSX_WRITE_SHEETS_MAX 64                /* worksheets in one workbook */
#define XLSX_SHEET_NAME_CHARS_MAX 31            /* Excel's limit on a sheet name, in characters */
#define XLSX_WRITE_TEXT_CHARS_MAX 32767         /* Excel's limit on one cell's text, in characters */
#define XLSX_WRITE_INT_MAX 9007199254740992LL   /* 2^53: integers written exactly (cells are doubles) */
#define XLSX_WRITE_WIDTH_MAX 255.0              /* a column's width in characters (Excel's limit) */
#define XLSX_WRITE_BYTES_MAX (64 * 1024 * 1024) /* a workbook built in memory */

/* GLOTIP import (src/stats/glotip). */
#define GLOTIP_ROWS_MAX 1000000          /* data rows of one file (the 2025 file has 58,769) */
#define GLOTIP_UNMAPPED_REPORTED_MAX 100 /* unmapped citizenship categories listed in a summary */

/* The Trust Fund's ledger (src/fund/ledger.c; issue 8, part L). */
#define FUND_LEDGER_LINES_MAX 64 /* lines of one entry */
#define FUND_LEDGER_REF_TYPE_BYTES_MAX 32
#define FUND_LEDGER_MEMO_BYTES_MAX 200 /* a short memo without personal data */
#define FUND_LEDGER_LIST_DEFAULT 200   /* entries listed when no limit is given */
#define FUND_LEDGER_LIST_MAX 100000    /* entries listed at most (a statement's workbook) */

#endif
