/* sdc_audit: the linear-programming audit of a suppressed table (sdc.h), the only file that
 * includes GLPK. One variable per suppressed cell (>= 0); one equality per group that holds a
 * suppressed cell: the suppressed members minus the suppressed total equal the published total
 * minus the published members. For every suppressed cell the simplex method gives the least
 * and the greatest value it can take (unbounded above: INFINITY); a cell is exposed when the
 * interval is narrower than the protection width. */
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/sdc.h"
#include "util/mem.h"

/* GLPK prints to stdout unless told not to; the hook swallows what it would print. */
static int quiet(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1;
}

static double snap(double v)
{
    double r = round(v);
    return fabs(v - r) < 1e-6 ? r : v;
}

static enum status solve(glp_prob *p, int dir, double *value, bool *unbounded)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    glp_set_obj_dir(p, dir);
    int rc = glp_simplex(p, &parm);
    if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND) { /* start again from the standard basis */
        glp_std_basis(p);
        rc = glp_simplex(p, &parm);
    }
    if (rc != 0) {
        return err_set(STATUS_IO, "sdc audit: the LP solver failed (%d)", rc);
    }
    int s = glp_get_status(p);
    *unbounded = s == GLP_UNBND;
    if (s != GLP_OPT && s != GLP_UNBND) {
        return err_set(STATUS_IO, "sdc audit: the LP has no optimum (status %d)", s);
    }
    *value = s == GLP_OPT ? snap(glp_get_obj_val(p)) : INFINITY;
    return STATUS_OK;
}

enum status sdc_audit(const struct sdc_table *t, double width, struct sdc_audit *out)
{
    memset(out, 0, sizeof *out);
    out->ncells = t->ncells;
    out->cells = xcalloc(t->ncells ? t->ncells : 1, sizeof *out->cells);
    int *col = xcalloc(t->ncells ? t->ncells : 1, sizeof *col); /* cell -> LP column (1-based), 0 = published */
    int ncols = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        out->cells[i].min = out->cells[i].max = (double)t->value[i];
        if (t->state[i] != SDC_PUBLISHED) {
            col[i] = ++ncols;
        }
    }
    out->suppressed = (size_t)ncols;
    if (ncols == 0) {
        free(col);
        return STATUS_OK;
    }
    glp_term_hook(quiet, NULL);
    glp_prob *p = glp_create_prob();
    glp_add_cols(p, ncols);
    for (int j = 1; j <= ncols; j++) {
        glp_set_col_bnds(p, j, GLP_LO, 0.0, 0.0);
    }
    int *ind = xcalloc(t->ncells + 2, sizeof *ind);
    double *val = xcalloc(t->ncells + 2, sizeof *val);
    for (size_t g = 0; g < t->ngroups; g++) {
        const struct sdc_group *gr = &t->groups[g];
        int len = 0;
        double rhs = 0;
        if (col[gr->total]) {
            ind[++len] = col[gr->total];
            val[len] = -1.0;
        } else {
            rhs += (double)t->value[gr->total];
        }
        for (size_t k = 0; k < gr->count; k++) {
            size_t m = gr->members[k];
            if (col[m]) {
                ind[++len] = col[m];
                val[len] = 1.0;
            } else {
                rhs -= (double)t->value[m];
            }
        }
        if (len == 0) {
            continue;
        }
        int row = glp_add_rows(p, 1);
        glp_set_row_bnds(p, row, GLP_FX, rhs, rhs);
        glp_set_mat_row(p, row, len, ind, val);
    }
    enum status st = STATUS_OK;
    for (size_t i = 0; i < t->ncells && st == STATUS_OK; i++) {
        if (!col[i]) {
            continue;
        }
        glp_set_obj_coef(p, col[i], 1.0);
        bool unbounded = false;
        double lo = 0, hi = 0;
        st = solve(p, GLP_MIN, &lo, &unbounded);
        if (st == STATUS_OK) {
            st = solve(p, GLP_MAX, &hi, &unbounded);
        }
        glp_set_obj_coef(p, col[i], 0.0);
        out->cells[i].min = lo;
        out->cells[i].max = hi;
        out->cells[i].exposed = st == STATUS_OK && hi - lo < width - 1e-9;
        out->exposed += out->cells[i].exposed;
    }
    glp_delete_prob(p);
    glp_term_hook(NULL, NULL);
    glp_free_env(); /* GLPK's environment is per thread (TLS): free it, the server's threads live long */
    free(ind);
    free(val);
    free(col);
    if (st != STATUS_OK) {
        sdc_audit_free(out);
    }
    return st;
}
