/* cli_notice: `ctis case rights-notice CASE_ID --lang xx --out FILE`, the printable rights notice
 * of a case (src/referral/notice.h) as a PDF file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "i18n/i18n.h"
#include "referral/notice.h"
#include "referral/pathway.h"
#include "util/mem.h"
#include "util/util.h"

struct notice_op {
    int64_t case_id;
    const char *lang;
    struct notice_case c;
    struct pathway_reflection refl; /* refl.start[0] == '\0': no period yet */
    uint8_t *pdf;
    size_t len;
};

/* The transaction reaches the case; the drawing comes after it (see api_notice.c). */
static enum status op_notice(const struct auth_ctx *ctx, void *p)
{
    struct notice_op *o = p;
    enum status st = notice_case_read(ctx, o->case_id, &o->c);
    if (st == STATUS_OK) {
        st = pathway_reflection_get(ctx, o->case_id, &o->refl); /* copied: outlives the transaction */
        if (st == STATUS_NOT_FOUND) {
            err_clear();
            memset(&o->refl, 0, sizeof o->refl);
            st = STATUS_OK;
        }
    }
    return st;
}

static int cmd_case_rights_notice(const struct command *cmd, struct args *args)
{
    struct notice_op o = {.lang = cli_opt(cmd, args, "lang")};
    const char *out = cli_opt(cmd, args, "out");
    enum status st = STATUS_OK;
    if (util_parse_i64(&o.case_id, args->pos[0]) != STATUS_OK || o.case_id <= 0) {
        st = err_set(STATUS_INVALID, "CASE_ID: a number");
    } else if (o.lang == NULL || !i18n_lang_valid(o.lang)) {
        st = err_set_field(STATUS_INVALID, "lang", "--lang: one of ar, en, es, fr, ru, zh");
    } else if (out == NULL || out[0] == '\0') {
        st = err_set_field(STATUS_INVALID, "out", "--out: the file to write (- for standard output)");
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct env e;
    st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    st = auth_run(&e.ctx, op_notice, &o);
    if (st == STATUS_OK) {
        struct notice_reflection_in refl = {o.refl.start, o.refl.end, o.refl.days, o.refl.no_removal};
        st = notice_rights_render_case(&o.c, o.lang, o.refl.start[0] ? &refl : NULL, &o.pdf, &o.len);
    }
    if (st == STATUS_OK && strcmp(out, "-") == 0) {
        if (fwrite(o.pdf, 1, o.len, stdout) != o.len || fflush(stdout) != 0) {
            st = err_set(STATUS_IO, "cannot write to standard output");
        }
    } else if (st == STATUS_OK) {
        /* No personal data in it, but a case number: private to the operator. */
        st = util_file_write_atomic(out, o.pdf, o.len, 0600);
        if (st == STATUS_OK && cli_json_out) {
            json_t *j = json_pack("{sIsssssI}", "case_id", (json_int_t)o.case_id, "lang", o.lang, "file", out, "bytes",
                                  (json_int_t)o.len);
            cli_print_json(j);
        } else if (st == STATUS_OK) {
            fprintf(stderr, "rights notice of case %lld (%s) written to %s\n", (long long)o.case_id, o.lang, out);
        }
    }
    free(o.pdf);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command notice_commands[] = {
    {"case rights-notice",
     "CASE_ID",
     1,
     1,
     "Writes the printable notice of the person's rights (PDF, A4) in their language: the reflection period, "
     "assistance, non-punishment, privacy, residence, compensation, return and contacts. It shows the case number, "
     "never the name.",
     {{"lang", true, "the notice's language: ar, en, es, fr, ru or zh (required)"},
      {"out", true, "the PDF file to write (mode 0600), or - for standard output (required)"}},
     cmd_case_rights_notice},
};

const struct cli_table cli_notice_table = {notice_commands, ARRAY_LEN(notice_commands)};
