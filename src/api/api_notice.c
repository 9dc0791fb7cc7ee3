/* api_notice: the printable rights notice of a case (src/referral/notice.h) as a PDF download.
 * GET /api/v1/cases/{id}/rights-notice.pdf?lang=xx: the case is reached with case.read (audited;
 * out of scope reads as 404); the file name holds the case number and the language, never a name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "auth/auth.h"
#include "i18n/i18n.h"
#include "referral/notice.h"
#include "referral/pathway.h"

struct notice_args {
    int64_t case_id;
    struct notice_case c;
    struct pathway_reflection refl; /* refl.start[0] == '\0': no period yet */
};

/* The transaction reaches the case and reads its number and agency; the drawing comes after it,
 * so that the write lock is not held while the PDF is drawn. */
static enum status op_notice(const struct auth_ctx *ctx, void *p)
{
    struct notice_args *a = p;
    enum status st = notice_case_read(ctx, a->case_id, &a->c);
    if (st == STATUS_OK) {
        st = pathway_reflection_get(ctx, a->case_id, &a->refl); /* copied: outlives the transaction */
        if (st == STATUS_NOT_FOUND) {
            err_clear();
            memset(&a->refl, 0, sizeof a->refl);
            st = STATUS_OK;
        }
    }
    return st;
}

void api_case_rights_notice(struct http_request *req, void *app)
{
    (void)app;
    struct notice_args a = {0};
    const char *lang = http_request_query(req, "lang");
    enum status st = api__path_id(req, &a.case_id);
    if (st == STATUS_OK && (lang == NULL || !i18n_lang_valid(lang))) {
        st = err_set_field(STATUS_INVALID, "lang", "lang: required, one of ar, en, es, fr, ru, zh");
    }
    if (st == STATUS_OK) {
        st = auth_run(api__ctx(req), op_notice, &a);
    }
    uint8_t *pdf = NULL;
    size_t len = 0;
    if (st == STATUS_OK) {
        struct notice_reflection_in refl = {a.refl.start, a.refl.end, a.refl.days, a.refl.no_removal};
        st = notice_rights_render_case(&a.c, lang, a.refl.start[0] ? &refl : NULL, &pdf, &len);
    }
    if (st != STATUS_OK) {
        api__respond(req, st, 200, NULL);
        return;
    }
    char cd[96];
    snprintf(cd, sizeof cd, "attachment; filename=\"rights-notice-%lld-%s.pdf\"", (long long)a.case_id, lang);
    http_response_header(req, "Content-Disposition", cd);
    http_response_header(req, "Cache-Control", "no-store");
    http_respond_bytes(req, 200, "application/pdf", pdf, len, true);
    free(pdf);
}
