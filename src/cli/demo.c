/* demo: generated demo data for `make run` and `ctis init --demo`: agencies of several HTCDS
 * types and countries, and users of every built-in role with names in the six UN languages'
 * scripts. Invented people only; everything goes through the domain functions, so it is sealed,
 * indexed and audited like real data. Later parts add their records here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cases/cases.h"
#include "cases/generate.h"
#include "cli/cli.h"
#include "referral/intake.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/status.h"
#include "util/util.h"
#include "vault/vault.h"

static const struct {
    const char *name;
    const char *type;
    const char *country;
} demo_agencies[] = {
    {"Lagos Shelter Network", "NGO", "NGA"},
    {"Federal Anti-Trafficking Police Unit", "LawEnforcement", "NGA"},
    {"Labour Inspectorate Amman", "CentralGovernmentOrganisation", "JOR"},
    {"Casa Esperanza", "NGO", "MEX"},
    {"Office of the Public Prosecutor Kyiv", "LegalService", "UKR"},
    {"Border Guard Service Almaty", "ImmigrationService", "KAZ"},
    {"Centre de santé Dakar", "HealthServiceOrganisation", "SEN"},
    {"Yunnan Women's Federation", "NGO", "CHN"},
    {"Mekong Legal Aid", "LegalService", "THA"},
    {"Municipal Social Services Manila", "LocalGovernmentOrganisation", "PHL"},
};

static const char *const demo_names[] = {
    "Amina Bello",
    "Chukwuemeka Okafor",
    "ليلى حداد",
    "محمد العلي",
    "María Fernanda López",
    "José Hernández",
    "Олена Коваленко",
    "Дмитрий Иванов",
    "Айгерим Нурланова",
    "Fatou Diop",
    "Mamadou Ndiaye",
    "王芳",
    "李伟",
    "Somchai Wongsakul",
    "Maria Santos",
    "Juan dela Cruz",
    "Ngozi Adeyemi",
    "سارة يوسف",
    "Camille Dubois",
    "Ahmed Hassan",
    "Anna Petrova",
    "Luis García",
    "张敏",
    "Nadia Rahman",
};

static void slug(char *out, size_t n, const char *prefix, int i, int j)
{
    snprintf(out, n, "%s%d.%d", prefix, i, j);
}

struct demo_agency {
    size_t index;
    int users;
    int *name_i;
    const char *password;
};

/* All agencies, NULL-terminated. */
static enum status op_demo_find(const struct auth_ctx *ctx, void *p)
{
    struct auth_agency ***out = p;
    size_t n = 0;
    enum status st = auth_agency_list(ctx, 500, 0, out, &n);
    if (st == STATUS_OK) {
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n] = NULL;
    }
    return st;
}

/* One agency and its users, in one transaction. */
static enum status op_demo_agency(const struct auth_ctx *ctx, void *p)
{
    struct demo_agency *d = p;
    size_t nn = sizeof demo_names / sizeof demo_names[0];
    struct auth_agency *a = NULL;
    struct auth_agency_input ai = {demo_agencies[d->index].name, demo_agencies[d->index].type,
                                   demo_agencies[d->index].country, -1};
    enum status st = auth_agency_create(ctx, &ai, &a);
    if (st == STATUS_CONFLICT) {
        return STATUS_OK; /* run twice: the agency is there already */
    }
    for (int j = 0; st == STATUS_OK && j < d->users; j++) {
        const struct auth_builtin_role *role = &auth_builtin_roles[(d->index + (size_t)j) % auth_builtin_roles_count];
        char username[64], email[96];
        slug(username, sizeof username, role->name, (int)d->index, j);
        for (char *q = username; *q; q++) {
            if (*q == '_') {
                *q = '-';
            }
        }
        snprintf(email, sizeof email, "%s@demo.ctis.invalid", username);
        struct auth_user_input ui = {
            .username = username,
            .display_name = demo_names[(size_t)(*d->name_i)++ % nn],
            .email = email,
            .agency_id = a->id,
            .role = role->name,
            .disabled = -1,
            .password = d->password,
        };
        struct auth_user *u = NULL;
        st = auth_user_create(ctx, &ui, &u, NULL);
        auth_user_free(u);
    }
    auth_agency_free(a);
    return st;
}

#define DEMO_CASES_PER_AGENCY 40

struct demo_cases {
    int64_t agency_id;
    uint64_t seed;
};

static enum status demo_tasks_and_tips(const struct auth_ctx *ctx, int64_t agency_id, int64_t case_id);

/* Generated cases for one agency (invented people, from the project's own generator). */
static enum status op_demo_cases(const struct auth_ctx *ctx, void *p)
{
    struct demo_cases *d = p;
    enum status st = STATUS_OK;
    for (int i = 0; st == STATUS_OK && i < DEMO_CASES_PER_AGENCY; i++) {
        struct case_record r;
        case_record_init(&r);
        case_generate_row(&r, d->seed + (uint64_t)i);
        r.agency_id = d->agency_id;
        struct case_record *out = NULL;
        st = case_create(ctx, &r, &out);
        if (st == STATUS_OK) {
            st = case_generate_records(ctx, out->id, d->seed + (uint64_t)i); /* perpetrators, support plans */
        }
        if (st == STATUS_OK && i == 0) {
            st = demo_tasks_and_tips(ctx, d->agency_id, out->id); /* part T */
        }
        case_record_free(out);
        case_record_clear(&r);
    }
    return st;
}

int cli_demo_generate(const struct auth_ctx *ctx, int agencies, int users_per_agency, char **password_out)
{
    *password_out = NULL;
    char *password = vault_token_new(12);
    size_t na = sizeof demo_agencies / sizeof demo_agencies[0];
    int name_i = 0;
    for (size_t i = 0; i < (size_t)agencies && i < na; i++) {
        struct demo_agency d = {i, users_per_agency, &name_i, password};
        enum status st = auth_run(ctx, op_demo_agency, &d);
        struct auth_agency **list = NULL;
        size_t n = 0;
        if (st == STATUS_OK) {
            st = auth_run(ctx, op_demo_find, &list);
        }
        for (size_t k = 0; st == STATUS_OK && list && list[k] != NULL; k++) {
            if (strcmp(list[k]->name, demo_agencies[i].name) == 0) {
                struct demo_cases dc = {list[k]->id, 1000 * (uint64_t)(i + 1)};
                st = auth_run(ctx, op_demo_cases, &dc);
            }
            n = k + 1;
        }
        auth_agency_list_free(list, n);
        if (st != STATUS_OK) {
            free(password);
            fprintf(stderr, "ctis demo: %s\n", err_last());
            return 1;
        }
        if (isatty(STDERR_FILENO)) {
            fprintf(stderr, "\r  demo agencies %zu/%d", i + 1, agencies);
        }
    }
    if (isatty(STDERR_FILENO)) {
        fputc('\n', stderr);
    }
    *password_out = password;
    return 0;
}

/* Part T: tasks on a demo case of each agency (in its queue: one overdue, one this week, one
 * later) and two tips for the receiving agency, one from the public form's channel and one call. */
static enum status demo_tasks_and_tips(const struct auth_ctx *ctx, int64_t agency_id, int64_t case_id)
{
    static const struct {
        const char *title;
        int days;
    } tasks[] = {{"Call the shelter about a bed for tonight", -2},
                 {"Book an interpreter for the interview", 3},
                 {"Prepare the referral to legal aid", 14}};
    int64_t now = util_now_ms();
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < sizeof tasks / sizeof tasks[0]; i++) {
        struct task_new t = {tasks[i].title, case_id, 0, now + (int64_t)tasks[i].days * 86400000, agency_id};
        st = task_create(ctx, &t, NULL);
    }
    static const struct intake_input tips[] = {
        {.channel = "web_form",
         .account = "Several young women are kept in a bar near the market and never go out.",
         .location = "Near the central market",
         .country = "NGA",
         .exploitation = "sexual",
         .anonymous = true},
        {.channel = "helpline_call",
         .account = "A caller says workers at a brick kiln had their passports taken and are not paid.",
         .contact = "Caller's number given on the call",
         .exploitation = "labour",
         .immediate_danger = true},
    };
    for (size_t i = 0; st == STATUS_OK && i < sizeof tips / sizeof tips[0]; i++) {
        st = intake_tip_record(ctx, &tips[i], NULL);
    }
    return st;
}
