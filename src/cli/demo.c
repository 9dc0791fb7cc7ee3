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
#include "cases/consent.h"
#include "cases/generate.h"
#include "cases/records.h"
#include "referral/child.h"
#include "referral/pathway.h"
#include "cli/cli.h"
#include "referral/assist.h"
#include "referral/legal.h"
#include "referral/referral.h"
#include "util/limits.h"
#include "referral/screening.h"
#include "referral/intake.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/status.h"
#include "util/util.h"
#include "vault/vault.h"
#include "justice/entities.h"
#include "link/clk.h"
#include "link/match.h"
#include "link/review.h"
#include "link/schema.h"
#include "justice/caselaw.h"
#include "justice/investigation.h"
#include "justice/proceedings.h"
#include "justice/victims.h"
#include "stats/glotip.h"
#include "util/buf.h"
#include "fund/applications.h" /* issue 8, part A */
#include "plan/practices.h"    /* issue 9, part K */

static enum status op_demo_plan_practices(const struct auth_ctx *ctx, void *p); /* issue 9, part K: at the end */
#include "plan/nap.h"                                                           /* issue 9, part N */
#include "plan/prevent.h"                                                       /* issue 9, part N */
#include "fund/board.h"
#include "fund/donors.h"
#include "fund/calls.h"
#include "justice/coop.h"
#include "fund/generate.h"
#include "justice/assets.h"
#include "stats/publication.h"
#include "stats/regions.h"
#include "fund/grants.h"
#include "fund/reports.h"
#include "plan/partners.h"
#include "plan/ratify.h"
#include "util/buf.h"

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

static enum status demo_assistance(const struct auth_ctx *ctx, int64_t case_id, int i);
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
        if (st == STATUS_OK) {
            st = demo_assistance(ctx, out->id, i); /* services and legal status (part A) */
        }
        if (st == STATUS_OK && i == 0) {
            st = demo_tasks_and_tips(ctx, d->agency_id, out->id); /* part T */
        }
        case_record_free(out);
        case_record_clear(&r);
    }
    return st;
}

static enum status op_demo_referrals(const struct auth_ctx *ctx, void *p);
static enum status op_demo_entities(const struct auth_ctx *ctx, void *p);
static enum status op_demo_coop(const struct auth_ctx *ctx, void *p);
static enum status op_demo_assets(const struct auth_ctx *ctx, void *p);
static enum status op_demo_caselaw(const struct auth_ctx *ctx, void *p);
static enum status op_demo_glotip(const struct auth_ctx *ctx, void *p);
static enum status op_demo_dashboard(const struct auth_ctx *ctx, void *p); /* issue 6, item 4 */
static enum status op_demo_justice(const struct auth_ctx *ctx, void *p);
static enum status op_demo_population(const struct auth_ctx *ctx, void *arg);  /* issue 6, part S1 */
static enum status op_demo_networks(const struct auth_ctx *ctx, void *p);      /* issue 7, part G */
static enum status op_demo_linkage(const struct auth_ctx *ctx, void *p);       /* issue 7, item 3 */
static enum status op_demo_fund_apps(const struct auth_ctx *ctx, void *p);     /* issue 8, part A */
static enum status op_demo_ratifications(const struct auth_ctx *ctx, void *p); /* issue 9, part R */
static enum status op_demo_plan_nap(const struct auth_ctx *ctx, void *p);      /* issue 9, part N */
/* The referral pathway (issue 4, part P): a move of a demo case, at the pathway's current version. */
static enum status demo_move(const struct auth_ctx *ctx, int64_t case_id, struct pathway_move m)
{
    struct pathway *p = NULL;
    enum status st = pathway_get(ctx, case_id, &p);
    if (st == STATUS_OK) {
        if (m.reason == NULL) {
            m.reason = "Demo: decided at the case conference";
        }
        st = pathway_move(ctx, case_id, p->version, &m);
    }
    pathway_free(p);
    return st;
}

#define DEMO_MOVE(id, ...) demo_move(ctx, (id), (struct pathway_move){.no_removal = -1, __VA_ARGS__})

/* Some demo cases at various stages of the pathway, one found not to be a victim, and a child with
 * a guardian and a best-interests determination who returns home. */
static enum status op_demo_pathway(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct case_filter f = {.limit = 5, .codes_only = true};
    struct case_record **list = NULL;
    size_t n = 0;
    enum status st = case_list(ctx, &f, &list, &n);
    if (st != STATUS_OK || n < 5) {
        case_list_free(list, n);
        return st;
    }
    /* Run again (`ctis demo` on a database that has its data): the cases have moved already. */
    bool moved = false;
    for (size_t i = 0; st == STATUS_OK && i < 5 && !moved; i++) {
        struct pathway *pw = NULL;
        st = pathway_get(ctx, list[i]->id, &pw);
        moved = st == STATUS_OK && pw->version != 0;
        pathway_free(pw);
    }
    if (st != STATUS_OK || moved) {
        case_list_free(list, n);
        return st;
    }
    int64_t agency_id = list[0]->agency_id;
    /* 0: screening; 1: reflection; 2: identified; 3: assistance (its generated support plans); 4: not a victim. */
    for (size_t i = 0; st == STATUS_OK && i < 4; i++) {
        static const char *const path[] = {"screening", "reasonable_grounds", "reflection", "identified", "assistance"};
        static const size_t upto[] = {1, 3, 4, 5};
        for (size_t k = 0; st == STATUS_OK && k < upto[i]; k++) {
            st = DEMO_MOVE(list[i]->id, .to = path[k], .decided_by = "NonPoliceGovernmentalOrganization");
        }
        if (st == STATUS_CONFLICT && i == 3) {
            err_clear(); /* no support plan generated for this one: it stays identified */
            st = STATUS_OK;
        }
    }
    if (st == STATUS_OK) {
        st = DEMO_MOVE(list[4]->id, .to = "screening");
    }
    if (st == STATUS_OK) {
        struct pathway *pw = NULL;
        st = pathway_get(ctx, list[4]->id, &pw);
        struct pathway_not_victim nv = {"NGO", NULL, "Demo: a labour dispute without trafficking indicators",
                                        "Labour Inspectorate Amman", "AdditionalServicesRequired"};
        if (st == STATUS_OK) {
            st = pathway_not_victim(ctx, list[4]->id, pw->version, &nv);
        }
        pathway_free(pw);
    }
    case_list_free(list, n);
    /* The child. */
    struct case_record r;
    case_record_init(&r);
    r.agency_id = agency_id;
    struct case_record *child = NULL;
    if (st == STATUS_OK) {
        st = case_value_parse(&r, CASE_F_age, "15");
    }
    if (st == STATUS_OK) {
        st = case_value_parse(&r, CASE_F_gender, "Feminine");
    }
    if (st == STATUS_OK) {
        st = case_create(ctx, &r, &child);
    }
    case_record_clear(&r);
    int64_t id = child ? child->id : 0;
    case_record_free(child);
    static const char *const child_path[] = {"screening", "reasonable_grounds", "reflection", "identified"};
    for (size_t k = 0; st == STATUS_OK && k < 4; k++) {
        st = DEMO_MOVE(id, .to = child_path[k], .decided_by = "CourtOrProsecution");
    }
    struct case_support_plan plan;
    memset(&plan, 0, sizeof plan);
    snprintf(plan.type, sizeof plan.type, "Health");
    snprintf(plan.status, sizeof plan.status, "InProgress");
    if (st == STATUS_OK) {
        st = case_support_plan_add(ctx, id, &plan, NULL);
    }
    if (st == STATUS_OK) {
        st = child_flags_set(
            ctx, id,
            &(struct child_flags){
                .presume_minor = -1, .child_friendly_interview = 1, .interview_date = NULL, .reason = NULL});
    }
    if (st == STATUS_OK) {
        st = child_guardian_add(ctx, id, "Ngozi Adeyemi", "Lagos Shelter Network", NULL, NULL);
    }
    if (st == STATUS_OK) {
        st = child_bid_add(ctx, id, "determination", NULL, "State Child Protection Panel", "return",
                           "Demo: family traced; safe return assessed", NULL);
    }
    if (st == STATUS_OK) {
        st = DEMO_MOVE(id, .to = "assistance");
    }
    if (st == STATUS_OK) {
        st = DEMO_MOVE(id, .to = "return", .voluntary = true, .risk_level = "low", .risk_date = "2026-01-15");
    }
    return st;
}
static enum status demo_screenings(const struct auth_ctx *ctx);

static enum status op_demo_fund_ledger(const struct auth_ctx *ctx, void *p);   /* issue 8, part L (the end) */
static enum status op_demo_fund_grants(const struct auth_ctx *ctx, void *arg); /* issue 8, part G */

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
    if (auth_run(ctx, op_demo_pathway, NULL) != STATUS_OK) {
        free(password);
        fprintf(stderr, "ctis demo: pathway: %s\n", err_last());
        return 1;
    }
    if (demo_screenings(ctx) != STATUS_OK) { /* part S */
        free(password);
        fprintf(stderr, "ctis demo: screenings: %s\n", err_last());
        return 1;
    }
    if (agencies >= 2 && auth_run(ctx, op_demo_referrals, NULL) != STATUS_OK) {
        free(password);
        fprintf(stderr, "ctis demo: referrals: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_coop, NULL) != STATUS_OK) { /* issue 5, part J6 */
        free(password);
        fprintf(stderr, "ctis demo: cooperation requests: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_caselaw, NULL) != STATUS_OK) { /* issue 5 part J3 */
        free(password);
        fprintf(stderr, "ctis demo: court decisions: %s\n", err_last());
        return 1;
    }
    if (agencies >= 2 && auth_run(ctx, op_demo_justice, NULL) != STATUS_OK) { /* issue 5, part J1 */
        free(password);
        fprintf(stderr, "ctis demo: justice: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_population, NULL) != STATUS_OK) { /* issue 6, part S1 */
        free(password);
        fprintf(stderr, "ctis demo: population: %s\n", err_last());
        return 1;
    }
    if (agencies >= 2 && auth_run(ctx, op_demo_assets, NULL) != STATUS_OK) { /* issue 5, part J5 */
        free(password);
        fprintf(stderr, "ctis demo: assets: %s\n", err_last());
        return 1;
    }
    if (agencies >= 2 && auth_run(ctx, op_demo_entities, NULL) != STATUS_OK) { /* issue 5, part J2 */
        free(password);
        fprintf(stderr, "ctis demo: entities: %s\n", err_last());
        return 1;
    }
    if (agencies >= 2 && auth_run(ctx, op_demo_networks, NULL) != STATUS_OK) { /* issue 7, part G */
        free(password);
        fprintf(stderr, "ctis demo: networks: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_linkage, NULL) != STATUS_OK) { /* issue 7, item 3 */
        free(password);
        fprintf(stderr, "ctis demo: linkage run: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_fund_ledger, NULL) != STATUS_OK) { /* issue 8, part L */
        free(password);
        fprintf(stderr, "ctis demo: Trust Fund year: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_glotip, NULL) != STATUS_OK) { /* issue 6, item 6 */
        free(password);
        fprintf(stderr, "ctis demo: GLOTIP figures: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_dashboard, NULL) != STATUS_OK) { /* issue 6, item 4 */
        free(password);
        fprintf(stderr, "ctis demo: public dashboard: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_fund_grants, NULL) != STATUS_OK) { /* issue 8, part G */
        free(password);
        fprintf(stderr, "ctis demo: Trust Fund grants: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_fund_apps, NULL) != STATUS_OK) { /* issue 8, part A */
        free(password);
        fprintf(stderr, "ctis demo: Trust Fund calls: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_ratifications, NULL) != STATUS_OK) { /* issue 9, part R */
        free(password);
        fprintf(stderr, "ctis demo: ratifications and partnerships: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_plan_nap, NULL) != STATUS_OK) { /* issue 9, part N */
        free(password);
        fprintf(stderr, "ctis demo: national action plan and prevention: %s\n", err_last());
        return 1;
    }
    if (auth_run(ctx, op_demo_plan_practices, NULL) != STATUS_OK) { /* issue 9, part K */
        free(password);
        fprintf(stderr, "ctis demo: good practices: %s\n", err_last());
        return 1;
    }
    *password_out = password;
    return 0;
}

/* Part R: providers and referrals. A provider for each of the first demo agencies (the first two
 * in ctis, one outside), and referrals from the first agency's cases to the second's shelter in
 * every state (with the consent to share recorded first). */
static int64_t demo_agency_id(struct auth_agency **list, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++) {
        if (strcmp(list[k]->name, name) == 0) {
            return list[k]->id;
        }
    }
    return 0;
}

static enum status op_demo_referrals(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct auth_agency **ag = NULL;
    size_t na = 0;
    struct auth_user **users = NULL;
    size_t nu = 0;
    struct case_record **cases = NULL;
    size_t nc = 0;
    enum status st = auth_agency_list(ctx, PAGE_ROWS_MAX, 0, &ag, &na);
    int64_t from = st == STATUS_OK ? demo_agency_id(ag, na, demo_agencies[0].name) : 0;
    int64_t to = st == STATUS_OK ? demo_agency_id(ag, na, demo_agencies[1].name) : 0;
    if (st != STATUS_OK || from == 0 || to == 0) {
        goto out;
    }
    struct {
        struct provider_input in;
        int64_t id;
    } prov[] = {
        {{"Lagos Safe House", to, "shelter;psychological;medical", "en;yo;ha", "NGA;lagos", 24, 6, "+234 1 000 0000",
          1},
         0},
        {{"Legal Aid Clinic Ikeja", from, "legal_aid;interpretation", "en;fr", "NGA", 0, 0, "clinic@example.org", 1},
         0},
        {{"Regional Vocational Centre", 0, "vocational_training;education", "en;ar", "NGA;GHA", 40, 12,
          "+233 30 000 0000", 1},
         0},
    };
    for (size_t i = 0; st == STATUS_OK && i < sizeof prov / sizeof prov[0]; i++) {
        struct provider *out = NULL;
        st = provider_create(ctx, &prov[i].in, &out);
        prov[i].id = out ? out->id : 0;
        provider_free(out);
    }
    /* A receiving user for acceptances. */
    int64_t receiver = 0;
    if (st == STATUS_OK) {
        st = auth_user_list(ctx, PAGE_ROWS_MAX, 0, &users, &nu);
    }
    for (size_t i = 0; st == STATUS_OK && i < nu && receiver == 0; i++) {
        if (users[i]->agency_id == to && !users[i]->disabled && strcmp(users[i]->role, "case_supervisor") == 0) {
            receiver = users[i]->id;
        }
    }
    struct case_filter f = {.limit = PAGE_ROWS_MAX, .codes_only = true};
    if (st == STATUS_OK) {
        st = case_list(ctx, &f, &cases, &nc);
    }
    static const char *const ends[] = {"pending", "accepted", "rejected", "completed", "revoked", "transfer"};
    size_t made = 0;
    for (size_t i = 0; st == STATUS_OK && i < nc && made < sizeof ends / sizeof ends[0]; i++) {
        if (cases[i]->agency_id != from) {
            continue;
        }
        struct consent_change ch = {CONSENT_DATA_USE, CONSENT_GIVEN, "", NULL};
        st = consent_set(ctx, cases[i]->id, &ch, 1);
        const char *end = ends[made++];
        bool transfer = strcmp(end, "transfer") == 0;
        struct referral_input in = {.provider_id = prov[0].id,
                                    .kind = transfer ? "transfer" : "referral",
                                    .services = "shelter;psychological",
                                    .groups = transfer ? "identity;contact;narrative;legal;health;location"
                                                       : "narrative;health",
                                    .reason = "Needs a safe place and counselling",
                                    .urgency = made % 2 ? "urgent" : "normal"};
        struct referral *r = NULL;
        if (st == STATUS_OK) {
            st = referral_create(ctx, cases[i]->id, &in, &r);
        }
        int64_t id = r ? r->id : 0;
        referral_free(r);
        if (st != STATUS_OK || strcmp(end, "pending") == 0 || receiver == 0) {
            continue;
        }
        if (strcmp(end, "rejected") == 0) {
            st = referral_reject(ctx, id, -1, "no_capacity", NULL);
        } else if (strcmp(end, "revoked") == 0) {
            st = referral_revoke(ctx, id, -1);
        } else {
            st = referral_accept(ctx, id, -1, receiver);
            if (st == STATUS_OK && strcmp(end, "completed") == 0) {
                st = referral_complete(ctx, id, -1, false);
            }
        }
    }
out:
    case_list_free(cases, nc);
    auth_user_list_free(users, nu);
    auth_agency_list_free(ag, na);
    return st;
}

/* Services delivered and legal status for some demo cases (part A): every second case has
 * services, every third a residence permit and a compensation claim, every fifth a voluntary
 * return being planned, every seventh a non-punishment decision. Invented, non-identifying. */
static enum status demo_assistance(const struct auth_ctx *ctx, int64_t case_id, int i)
{
    static const char *const services[] = {
        "{\"type\":\"shelter\",\"provider\":\"Demo Safe House\",\"start_date\":\"2026-02-01\","
        "\"status\":\"ongoing\",\"notes\":\"Demo shelter note\"}",
        "{\"type\":\"medical\",\"provider\":\"Demo Clinic\",\"start_date\":\"2026-02-03\","
        "\"end_date\":\"2026-02-20\",\"status\":\"completed\",\"outcome\":\"achieved\"}",
        "{\"type\":\"psychological\",\"provider\":\"Demo Counselling Centre\",\"status\":\"ongoing\"}",
        "{\"type\":\"legal_aid\",\"provider\":\"Demo Legal Aid Society\",\"status\":\"planned\"}",
        "{\"type\":\"vocational_training\",\"provider\":\"Demo Training Institute\",\"status\":\"planned\"}",
    };
    enum status st = STATUS_OK;
    json_error_t e;
    for (size_t k = 0; st == STATUS_OK && i % 2 == 0 && k < 2; k++) {
        json_t *in = json_loads(services[((size_t)i / 2 + k) % ARRAY_LEN(services)], 0, &e);
        st = assist_service_add(ctx, case_id, in, NULL);
        json_decref(in);
    }
    if (st == STATUS_OK && i % 3 == 0) {
        json_t *permit = json_pack("{ssssssss}", "kind", "temporary_victim", "applied_date", "2026-03-01", "authority",
                                   "Demo Immigration Office", "decision", i % 2 ? "pending" : "granted");
        if (i % 2 == 0) {
            json_object_set_new(permit, "decision_date", json_string("2026-03-15"));
            json_object_set_new(permit, "valid_from", json_string("2026-03-15"));
            json_object_set_new(permit, "valid_until", json_string("2027-03-14"));
        }
        st = legal_add(ctx, LEGAL_PERMIT, case_id, 0, permit, NULL);
        json_decref(permit);
        json_t *claim = json_pack("{sssssssIsb}", "kind", "labour_claim", "against", "employer", "currency", "EUR",
                                  "amount_claimed", (json_int_t)(250000 + 1000 * i), "legal_aid", 1);
        if (st == STATUS_OK) {
            st = legal_add(ctx, LEGAL_CLAIM, case_id, 0, claim, NULL);
        }
        json_decref(claim);
    }
    if (st == STATUS_OK && i % 5 == 0) {
        /* Planning only: approving a child's return needs a best-interests determination. */
        json_t *ret = json_pack("{sssbssssssssssssss}", "destination", "NGA", "consent_confirmed", 1, "consent_date",
                                "2026-04-01", "risk_level", "low", "risk_date", "2026-04-02", "risk_assessed_by",
                                "Demo Return Agency", "planned_date", "2026-06-01", "receiving_org",
                                "Demo Reintegration Centre", "status", "planning");
        st = legal_add(ctx, LEGAL_RETURN, case_id, 0, ret, NULL);
        json_decref(ret);
    }
    if (st == STATUS_OK && i % 7 == 0) {
        json_t *np = json_pack("{sbssssss}", "applies", 1, "reason", "immigration_offence", "decided_date",
                               "2026-03-10", "decided_by", "Demo Prosecution Service");
        st = legal_non_punishment_put(ctx, case_id, 0, np, NULL);
        json_decref(np);
    }
    return st;
}
/* Screening (part S): screening interviews of the first demo cases, with invented, non-identifying
 * evidence notes: every kind of result, for adults and children, labour and sexual exploitation
 * (the latter resting on the Protocol elements, no set being shipped), half of them decided. */
#define DEMO_SCREENINGS 12

static enum status op_demo_screenings(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct case_filter f = {.limit = DEMO_SCREENINGS, .codes_only = true};
    struct case_record **list = NULL;
    size_t n = 0;
    enum status st = case_list(ctx, &f, &list, &n);
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        json_t *in = NULL;
        switch (i % 4) {
        case 0: /* act, means and purpose */
            in = json_pack("{s[s]s{s{s{ssss}}s{ss}s{s{ssss}}}}", "exploitation", "labour", "protocol", "acts",
                           "recruitment", "answer", "yes", "evidence", "demo: recruited through an agent", "means",
                           "deception", "yes", "purposes", "forced_labour", "answer", "yes", "evidence",
                           "demo: unpaid work in a workshop");
            break;
        case 1: /* act and purpose, no means */
            in = json_pack("{s[s]s{s{ss}s{ss}s{ss}}}", "exploitation", "labour", "protocol", "acts", "transportation",
                           "yes", "means", "fraud", "no", "purposes", "forced_labour", "yes");
            break;
        case 2: /* purpose only, with ILO indicators */
            in = json_pack("{s[s]s{s{ss}s{ss}}}", "exploitation", "labour", "protocol", "acts", "recruitment",
                           "unknown", "purposes", "servitude", "yes");
            break;
        default: /* sexual exploitation: the Protocol elements decide */
            in = json_pack("{s[s]s{s{ss}s{ss}s{s{ssss}}}}", "exploitation", "sexual", "protocol", "acts", "harbouring",
                           "yes", "means", "abuse_of_vulnerability", "yes", "purposes", "sexual_exploitation", "answer",
                           "yes", "evidence", "demo: described by the person");
        }
        json_t *answers = NULL;
        st = screening_answers_check(in, &answers);
        json_decref(in);
        struct screening_record rec;
        memset(&rec, 0, sizeof rec);
        if (st == STATUS_OK) {
            st = screening_add(ctx, list[i]->id, answers, &rec);
        }
        if (st == STATUS_OK && i % 2 == 0) {
            st = screening_decide(ctx, list[i]->id, rec.id, rec.version, "agree", NULL);
        }
        screening_record_clear(&rec);
        json_decref(answers);
    }
    case_list_free(list, n);
    return st;
}

static enum status demo_screenings(const struct auth_ctx *ctx)
{
    return auth_run(ctx, op_demo_screenings, NULL);
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

/* Issue 5, part J6: international cooperation requests held by the first demo agency: an
 * outgoing extradition request past its deadline (overdue), an incoming MLA request executed,
 * one refused, and an outgoing one in progress with its deadline ahead (a coop_deadline task). */
static enum status op_demo_coop(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct auth_agency **list = NULL;
    enum status st = op_demo_find(ctx, &list);
    size_t n = 0;
    while (list != NULL && list[n] != NULL) {
        n++;
    }
    if (st != STATUS_OK || n == 0) {
        auth_agency_list_free(list, n);
        return st;
    }
    int64_t agency = list[0]->id, now = util_now_ms(), day = 24LL * 3600 * 1000;
    auth_agency_list_free(list, n);
    char d[6][32];
    static const int64_t offsets[] = {-120, -10, -90, -30, -40, 45}; /* days from now */
    for (size_t i = 0; i < 6; i++) {
        util_time_iso(d[i], now + offsets[i] * day);
        d[i][10] = '\0';
    }
    json_t *reqs[] = {
        json_pack("{ss ss ss ss ss ss ss ss ss ss s[ss] sI}", "direction", "outgoing", "kind", "extradition",
                  "requesting_state", "NGA", "requested_state", "GBR", "requesting_authority",
                  "Central Authority Unit, Federal Ministry of Justice", "legal_basis", "untoc_16", "our_reference",
                  "CAU/EXT/2026/014", "sent_at", d[0], "deadline", d[1], "person_sought",
                  "Demo person (invented), born 1984", "measures", "arrest", "surrender", "agency_id",
                  (json_int_t)agency),
        json_pack("{ss ss ss ss ss ss ss ss s[ss] sI}", "direction", "incoming", "kind", "mla", "requesting_state",
                  "ITA", "requested_state", "NGA", "legal_basis", "untoc_18", "their_reference", "MLA-IT-7781",
                  "received_at", d[2], "deadline", d[5], "measures", "evidence_taking", "witness_hearing", "agency_id",
                  (json_int_t)agency),
        json_pack("{ss ss ss ss ss ss ss ss s[s] sI}", "direction", "incoming", "kind", "mla", "requesting_state",
                  "ESP", "requested_state", "NGA", "legal_basis", "bilateral_treaty", "treaty_name",
                  "Spain–Nigeria MLA treaty", "received_at", d[4], "their_reference", "ES-2026-33", "measures",
                  "asset_tracing", "agency_id", (json_int_t)agency),
        json_pack("{ss ss ss ss ss ss ss ss s[ss] sI}", "direction", "outgoing", "kind", "mla", "requesting_state",
                  "NGA", "requested_state", "ARE", "legal_basis", "untoc_18", "our_reference", "CAU/MLA/2026/051",
                  "sent_at", d[3], "deadline", d[5], "measures", "asset_tracing", "asset_freezing", "agency_id",
                  (json_int_t)agency),
    };
    int64_t ids[4] = {0};
    for (size_t i = 0; i < 4; i++) {
        if (st == STATUS_OK) {
            st = coop_add(ctx, reqs[i], &ids[i]);
        }
        json_decref(reqs[i]);
    }
    static const struct {
        size_t req;
        const char *status, *reason;
        size_t at;
    } moves[] = {{1, "acknowledged", NULL, 2},          {1, "executed", NULL, 3},     {2, "in_progress", NULL, 4},
                 {2, "refused", "dual_criminality", 1}, {3, "acknowledged", NULL, 3}, {3, "in_progress", NULL, 1}};
    for (size_t i = 0; st == STATUS_OK && i < sizeof moves / sizeof moves[0]; i++) {
        json_t *in = json_pack("{ss ss}", "status", moves[i].status, "at", d[moves[i].at]);
        if (moves[i].reason) {
            json_object_set_new(in, "reason", json_string(moves[i].reason));
        }
        st = coop_status_set(ctx, ids[moves[i].req], 0, in);
        json_decref(in);
    }
    return st;
}

/* Issue 5 part J3: a few invented court decisions in several languages for the case-law
 * collection. Every court, case number and citation is fictional ("Fictional Law Reports"). */
static enum status op_demo_caselaw(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    static const char *const decisions[] = {
        "{\"court_name\":\"Audiencia Provincial de Villaejemplo (fictional)\",\"court_level\":\"first_instance\","
        "\"country\":\"ESP\",\"decision_date\":\"2025-03-14\",\"case_number\":\"DEMO-ES-12/2025\","
        "\"summary\":\"Las víctimas fueron captadas en su país de origen con falsas ofertas de trabajo en hostelería, "
        "trasladadas por carretera y sometidas a explotación sexual en un club; se les retuvieron los pasaportes.\","
        "\"charges\":[{\"article\":\"Art. 177 bis CP\",\"form\":\"sexual_exploitation\"}],\"verdict\":\"convicted\","
        "\"sentences\":[{\"defendant\":\"Acusado 1\",\"imprisonment_months\":96,\"fine_amount\":1200000,"
        "\"fine_currency\":\"EUR\",\"confiscation\":true},{\"defendant\":\"Acusada 2\",\"imprisonment_months\":60}],"
        "\"victims\":{\"female_adult\":4,\"female_child\":1},\"forms\":[\"sexual_exploitation\"],"
        "\"countries\":[{\"country\":\"NGA\",\"role\":\"origin\"},{\"country\":\"MAR\",\"role\":\"transit\"},"
        "{\"country\":\"ESP\",\"role\":\"destination\"}],\"source\":\"Fictional Law Reports 2025/ES/1\","
        "\"language\":\"es\"}",
        "{\"court_name\":\"Cour d'appel d'Exempleville (fictive)\",\"court_level\":\"appeal\",\"country\":\"FRA\","
        "\"decision_date\":\"2024-09-30\",\"case_number\":\"DEMO-FR-24/0456\",\"summary\":\"Des mineurs ont été "
        "contraints à la mendicité forcée et à commettre des vols dans le métro; la cour confirme la traite des êtres "
        "humains pour l'un des prévenus et relaxe l'autre.\",\"charges\":[{\"article\":\"Art. 225-4-1 CP\","
        "\"form\":\"forced_begging\"},{\"article\":\"Art. 225-4-1 CP\",\"form\":\"forced_criminality\"}],"
        "\"verdict\":\"partly\",\"sentences\":[{\"defendant\":\"Prévenu 1\",\"imprisonment_months\":48}],"
        "\"victims\":{\"male_child\":3,\"female_child\":2},\"forms\":[\"forced_begging\",\"forced_criminality\"],"
        "\"countries\":[{\"country\":\"ROU\",\"role\":\"origin\"},{\"country\":\"FRA\",\"role\":\"destination\"}],"
        "\"source\":\"Fictional Law Reports 2024/FR/7\",\"language\":\"fr\"}",
        "{\"court_name\":\"المحكمة الابتدائية النموذجية "
        "(خيالية)\",\"court_level\":\"first_instance\",\"country\":\"JOR\","
        "\"decision_date\":\"2024-11-02\",\"case_number\":\"DEMO-JO-2024/88\",\"summary\":\"استغل المتهم عمالاً "
        "مهاجرين في مزرعة وصادر جوازات سفرهم وحرمهم من أجورهم، وهو الاتجار بالبشر بغرض العمل القسري.\","
        "\"charges\":[{\"article\":\"المادة 3\",\"form\":\"forced_labour\"}],\"verdict\":\"convicted\","
        "\"sentences\":[{\"defendant\":\"المتهم 1\",\"imprisonment_months\":84,\"fine_amount\":500000,"
        "\"fine_currency\":\"JOD\",\"confiscation\":false}],\"victims\":{\"male_adult\":7},"
        "\"forms\":[\"forced_labour\"],\"countries\":[{\"country\":\"EGY\",\"role\":\"origin\"},"
        "{\"country\":\"JOR\",\"role\":\"destination\"}],\"source\":\"Fictional Law Reports 2024/JO/3\","
        "\"language\":\"ar\"}",
        "{\"court_name\":\"High Court of Exampleland (fictional)\",\"court_level\":\"supreme\",\"country\":\"GBR\","
        "\"decision_date\":\"2023-05-18\",\"case_number\":\"DEMO-UK-2023-11\",\"summary\":\"Workers recruited "
        "abroad were held in domestic servitude in a private household; the court found no evidence of control by the "
        "accused and acquitted.\",\"charges\":[{\"article\":\"Modern Slavery Act s.1\",\"form\":\"servitude\"}],"
        "\"verdict\":\"acquitted\",\"victims\":{\"female_adult\":1},\"forms\":[\"servitude\"],"
        "\"countries\":[{\"country\":\"PHL\",\"role\":\"origin\"},{\"country\":\"GBR\",\"role\":\"destination\"}],"
        "\"source\":\"Fictional Law Reports 2023/UK/2\",\"language\":\"en\"}",
    };
    enum status st = STATUS_OK;
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(decisions); i++) {
        json_t *in = json_loads(decisions[i], 0, NULL);
        st = in != NULL ? caselaw_add(ctx, in, NULL) : err_set(STATUS_IO, "demo court decision %zu", i);
        json_decref(in);
    }
    return st;
}

/* Issue 5, part J1: justice. Three investigations of the police unit (the second demo agency)
 * with offences, suspects (natural and legal persons) and charges at every stage of the funnel,
 * a victim by reference (a demo case) and a protection measure. */
static enum status demo_justice_add(const struct auth_ctx *ctx, int64_t inv, int kind, const char *json, int64_t *id)
{
    json_t *in = json_loads(json, 0, NULL);
    enum status st = in == NULL ? err_set(STATUS_INVALID, "demo justice: bad JSON") : STATUS_OK;
    if (st == STATUS_OK) {
        st = kind == 0   ? justice_offence_add(ctx, inv, in, id)
             : kind == 1 ? justice_suspect_add(ctx, inv, in, id)
             : kind == 2 ? justice_charge_add(ctx, inv, in, id)
                         : justice_protection_add(ctx, inv, in, id);
    }
    json_decref(in);
    return st;
}

static enum status op_demo_justice(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct auth_agency **ag = NULL;
    size_t na = 0;
    struct case_record **cases = NULL;
    size_t nc = 0;
    enum status st = auth_agency_list(ctx, PAGE_ROWS_MAX, 0, &ag, &na);
    int64_t police = st == STATUS_OK ? demo_agency_id(ag, na, demo_agencies[1].name) : 0;
    int64_t shelter = st == STATUS_OK ? demo_agency_id(ag, na, demo_agencies[0].name) : 0;
    static const struct {
        const char *reference, *title, *opened, *form, *article;
        bool group;
    } invs[] = {
        {"FATPU/2024/0113", "Operation Lagoon", "2024-03-04", "sexual_exploitation", "s.13 TIPPEA 2015", true},
        {"FATPU/2025/0021", "Construction sites, Lekki", "2025-01-20", "forced_labour", "s.22 TIPPEA 2015", false},
        {"FATPU/2025/0188", "Street begging ring", "2025-09-02", "forced_begging", "s.21 TIPPEA 2015", true},
    };
    static const struct {
        const char *json;
        const char *contacted, *prosecuted, *outcome, *decided;
    } people[] = {
        {"{\"kind\":\"natural\",\"name\":\"Chidi Okeke\",\"role\":\"RecruiterOrIntermediary\",\"sex\":\"male\","
         "\"age\":44,\"citizenship\":\"NGA\"}",
         "2024-03-10", "2024-08-01", "convicted", "2025-04-15"},
        {"{\"kind\":\"natural\",\"name\":\"Grace Mensah\",\"sex\":\"female\",\"age_band\":\"30--38\","
         "\"citizenship\":\"GHA\"}",
         "2024-03-10", "2024-08-01", "acquitted", "2025-04-15"},
        {"{\"kind\":\"legal\",\"name\":\"Lekki Build Services Ltd\",\"citizenship\":\"NGA\"}", "2025-02-03",
         "2025-06-30", "", ""},
        {"{\"kind\":\"natural\",\"name\":\"Musa Bello\",\"sex\":\"male\",\"age\":37,\"citizenship\":\"NGA\"}",
         "2025-09-10", "", "", ""},
    };
    if (st != STATUS_OK || police == 0) {
        goto out;
    }
    struct case_filter f = {.limit = 3};
    if (shelter != 0) {
        st = case_list(ctx, &f, &cases, &nc);
    }
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(invs); i++) {
        struct investigation_input in = {.reference = invs[i].reference,
                                         .title = invs[i].title,
                                         .opened = invs[i].opened,
                                         .country = "NGA",
                                         .agency_id = police};
        int64_t inv = 0, off = 0, sus = 0, chg = 0, vic = 0;
        st = investigation_create(ctx, &in, &inv);
        char buf[512];
        snprintf(buf, sizeof buf,
                 "{\"article_code\":\"%s\",\"form\":\"%s\",\"modality\":\"%s\",\"organised_group\":%s,"
                 "\"linked_crimes\":[%s]}",
                 invs[i].article, invs[i].form, i == 2 ? "organising" : "commission", invs[i].group ? "true" : "false",
                 i == 0 ? "\"money_laundering\"" : "");
        if (st == STATUS_OK) {
            st = demo_justice_add(ctx, inv, 0, buf, &off);
        }
        /* Investigation 0 has the first two people, 1 the third, 2 the fourth. */
        size_t lo = i == 0 ? 0 : i + 1, hi = i == 0 ? 2 : i + 2;
        for (size_t k = lo; st == STATUS_OK && k < hi; k++) {
            st = demo_justice_add(ctx, inv, 1, people[k].json, &sus);
            snprintf(buf, sizeof buf, "{\"suspect_id\":%lld,\"offence_id\":%lld,\"contacted\":\"%s\"}", (long long)sus,
                     (long long)off, people[k].contacted);
            if (st == STATUS_OK) {
                st = demo_justice_add(ctx, inv, 2, buf, &chg);
            }
            if (st == STATUS_OK && people[k].prosecuted[0]) {
                json_t *ch = json_pack("{ss}", "prosecuted", people[k].prosecuted);
                if (people[k].outcome[0]) {
                    json_object_set_new(ch, "outcome", json_string(people[k].outcome));
                    json_object_set_new(ch, "decided", json_string(people[k].decided));
                }
                st = justice_charge_update(ctx, inv, chg, 0, ch);
                json_decref(ch);
            }
        }
        if (st == STATUS_OK && i < nc) {
            st = justice_victim_link(ctx, inv, cases[i]->id, "victim", &vic);
            snprintf(buf, sizeof buf, "{\"type\":\"%s\",\"victim_id\":%lld,\"start_date\":\"%s\"}",
                     i == 0 ? "video_link" : "identity_protection", (long long)vic, invs[i].opened);
            if (st == STATUS_OK) {
                st = demo_justice_add(ctx, inv, 3, buf, &chg);
            }
        }
        if (st == STATUS_OK && i == 0) {
            struct investigation_input ch = {.status = "referred_to_prosecution"};
            st = investigation_update(ctx, inv, 0, &ch);
        }
    }
out:
    case_list_free(cases, nc);
    auth_agency_list_free(ag, na);
    return st;
}

/* Issue 6, part S1: population for the demo countries (those of src/cases/generate.c), for rates
 * per 100,000. The figures are round, illustrative numbers made up for the demo (in millions, the
 * order of magnitude of each country), the same for every year from 2014 to 2026: not official
 * statistics, and not to be quoted. */
static enum status op_demo_population(const struct auth_ctx *ctx, void *arg)
{
    (void)arg;
    static const struct {
        const char *iso3;
        int millions;
    } pop[] = {{"ALB", 3},   {"ARE", 10}, {"BGD", 170}, {"CHN", 1400}, {"DEU", 80},  {"ESP", 50},  {"ETH", 120},
               {"GBR", 70},  {"HND", 10}, {"ITA", 60},  {"KWT", 5},    {"LBN", 5},   {"MEX", 130}, {"MYS", 30},
               {"NGA", 220}, {"NLD", 20}, {"NPL", 30},  {"PHL", 110},  {"ROU", 20},  {"RUS", 140}, {"SAU", 35},
               {"SYR", 20},  {"THA", 70}, {"TUR", 85},  {"UKR", 40},   {"USA", 330}, {"VNM", 100}};
    struct buf b = BUF_INIT(FILE_BYTES_MAX);
    buf_puts(&b, "country,year,population\n");
    for (size_t i = 0; i < ARRAY_LEN(pop); i++) {
        for (int year = 2014; year <= 2026; year++) {
            buf_printf(&b, "%s,%d,%d000000\n", pop[i].iso3, year, pop[i].millions);
        }
    }
    size_t rows = 0;
    enum status st = stats_population_import(ctx, "demo-population.csv", buf_str(&b), strlen(buf_str(&b)), &rows);
    buf_free(&b);
    return st;
}

/* Issue 5, part J5: asset orders on the first demo investigation: a confiscation realised and
 * partly allocated to the first demo compensation claim in EUR, a freezing order executed (NGN)
 * and a vehicle seizure requested. */
static enum status demo_asset(const struct auth_ctx *ctx, int64_t inv, const char *json, const char *const *moves,
                              int64_t *id)
{
    json_t *in = json_loads(json, 0, NULL);
    enum status st = asset_add(ctx, inv, in, id);
    json_decref(in);
    for (size_t i = 0; st == STATUS_OK && moves[i] != NULL; i++) {
        json_t *m = json_loads(moves[i], 0, NULL);
        st = asset_status_set(ctx, inv, *id, 0, m);
        json_decref(m);
    }
    return st;
}

static enum status op_demo_assets(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct investigation_filter f = {.limit = 10};
    struct investigation *invs = NULL;
    size_t ni = 0;
    struct case_filter cf = {.limit = 10, .codes_only = true};
    struct case_record **cases = NULL;
    size_t nc = 0;
    enum status st = investigation_list(ctx, &f, &invs, &ni);
    if (st != STATUS_OK || ni == 0) {
        return st;
    }
    int64_t inv = invs[ni - 1].id; /* the oldest: newest first */
    investigations_free(invs, ni);
    static const char *const realise[] = {
        "{\"status\":\"ordered\",\"date\":\"2025-11-02\"}", "{\"status\":\"executed\",\"date\":\"2025-11-05\"}",
        "{\"status\":\"confiscated\",\"date\":\"2026-03-18\",\"note\":\"Confiscation on conviction\"}",
        "{\"status\":\"realised\",\"date\":\"2026-05-04\",\"amount\":\"14,200.00\"}", NULL};
    static const char *const execute[] = {"{\"status\":\"ordered\",\"date\":\"2025-10-20\"}",
                                          "{\"status\":\"executed\",\"date\":\"2025-10-21\"}", NULL};
    static const char *const none[] = {NULL};
    int64_t conf = 0, other = 0;
    st = demo_asset(ctx, inv,
                    "{\"kind\":\"confiscation\",\"asset_type\":\"cash\",\"description\":\"Cash seized at the "
                    "flat\",\"currency\":\"EUR\",\"amount\":\"15,000.00\",\"authority\":\"High Court, Lagos\","
                    "\"order_date\":\"2025-11-01\",\"court_reference\":\"HC/LAG/2025/311\"}",
                    realise, &conf);
    if (st == STATUS_OK) {
        st = demo_asset(ctx, inv,
                        "{\"kind\":\"freezing\",\"asset_type\":\"bank_account\",\"description\":\"Business "
                        "account of the recruitment agency\",\"currency\":\"NGN\",\"amount\":\"2,500,000.00\","
                        "\"authority\":\"Federal High Court\",\"order_date\":\"2025-10-20\"}",
                        execute, &other);
    }
    if (st == STATUS_OK) {
        st = demo_asset(ctx, inv,
                        "{\"kind\":\"seizure\",\"asset_type\":\"vehicle\",\"description\":\"Minibus used for "
                        "transport\",\"currency\":\"EUR\",\"amount\":\"8,000\",\"order_date\":\"2026-04-10\"}",
                        none, &other);
    }
    /* The first demo claim in EUR gets part of the proceeds. */
    if (st == STATUS_OK) {
        st = case_list(ctx, &cf, &cases, &nc);
    }
    int64_t claim = 0;
    for (size_t i = 0; st == STATUS_OK && claim == 0 && i < nc; i++) {
        json_t *claims = NULL;
        st = legal_list(ctx, LEGAL_CLAIM, cases[i]->id, 0, &claims);
        size_t k;
        json_t *c;
        json_array_foreach(claims, k, c)
        {
            const char *cur = json_string_value(json_object_get(c, "currency"));
            if (claim == 0 && cur != NULL && strcmp(cur, "EUR") == 0) {
                claim = json_integer_value(json_object_get(c, "id"));
            }
        }
        json_decref(claims);
    }
    if (st == STATUS_OK && claim != 0) {
        json_t *a = json_pack("{sIssss}", "claim_id", (json_int_t)claim, "amount", "2,500.00", "date", "2026-05-20");
        st = asset_allocate(ctx, inv, conf, a, NULL);
        json_decref(a);
    }
    case_list_free(cases, nc);
    return st;
}

/* Issue 5, part J2: investigative entities of the first two demo investigations (fictional):
 * a travel agency with its bank account, a second account it pays, a phone advertised in an
 * online job ad, an online profile and a minibus; the same phone turns up in the construction
 * sites investigation, so the search by value finds both. Links and two transactions. */
static enum status op_demo_entities(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct investigation *list = NULL;
    size_t n = 0;
    struct investigation_filter f = {.limit = PAGE_ROWS_MAX};
    enum status st = investigation_list(ctx, &f, &list, &n);
    int64_t lagoon = 0, lekki = 0;
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        if (strcmp(list[i].reference, "FATPU/2024/0113") == 0) {
            lagoon = list[i].id;
        } else if (strcmp(list[i].reference, "FATPU/2025/0021") == 0) {
            lekki = list[i].id;
        }
    }
    investigations_free(list, n);
    if (st != STATUS_OK || lagoon == 0 || lekki == 0) {
        return st;
    }
    static const char *const lagoon_entities[] = {
        "{\"kind\":\"company\",\"value\":\"Lagoon Travel & Tours Ltd\",\"registration\":\"RC 0000001\","
        "\"country\":\"NGA\",\"first_seen\":\"2023-11-01\"}",
        "{\"kind\":\"bank_account\",\"value\":\"0000 1234 56\",\"bank_code\":\"DEMONGLA\",\"currency\":\"NGN\","
        "\"country\":\"NGA\"}",
        "{\"kind\":\"bank_account\",\"value\":\"GH00 DEMO 0000 0000 0042\",\"currency\":\"GHS\",\"country\":\"GHA\"}",
        "{\"kind\":\"phone\",\"value\":\"+234 800 000 0147\",\"note\":\"Number given to recruits\","
        "\"country\":\"NGA\",\"first_seen\":\"2024-01-15\",\"last_seen\":\"2024-03-01\"}",
        "{\"kind\":\"online_ad\",\"value\":\"https://classifieds.example/jobs/hostess-abroad-4471\","
        "\"platform\":\"classifieds\",\"first_seen\":\"2024-01-10\"}",
        "{\"kind\":\"online_profile\",\"value\":\"@lagoon_jobs_demo\",\"platform\":\"instagram\"}",
        "{\"kind\":\"vehicle\",\"value\":\"DEM 452 KJ\",\"make_model\":\"Toyota Hiace\",\"country\":\"NGA\"}",
    };
    int64_t ids[ARRAY_LEN(lagoon_entities)] = {0};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(lagoon_entities); i++) {
        json_t *in = json_loads(lagoon_entities[i], 0, NULL);
        st = in == NULL ? err_set(STATUS_INVALID, "demo entities: bad JSON")
                        : justice_entity_add(ctx, lagoon, in, &ids[i]);
        json_decref(in);
    }
    /* company owns account 1, account 1 pays account 2's holder, phone advertised in the ad,
     * company uses the profile and the minibus. */
    static const struct {
        int from, to;
        const char *rel;
    } links[] = {{0, 1, "owns"}, {3, 4, "advertised_in"}, {0, 5, "uses"}, {0, 6, "owns"}, {5, 4, "other"}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(links); i++) {
        json_t *in = json_pack("{sIsIss}", "from_entity", (json_int_t)ids[links[i].from], "to_entity",
                               (json_int_t)ids[links[i].to], "relation", links[i].rel);
        int64_t id = 0;
        st = justice_entity_link_add(ctx, lagoon, in, &id);
        json_decref(in);
    }
    static const struct {
        const char *date;
        int64_t amount;
        const char *channel;
    } txs[] = {{"2024-02-02", 45000000, "bank_transfer"}, {"2024-02-20", 12500000, "money_transfer_service"}};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(txs); i++) {
        json_t *in = json_pack("{sIsIsssIssssss}", "from_entity", (json_int_t)ids[1], "to_entity", (json_int_t)ids[2],
                               "date", txs[i].date, "amount_minor", (json_int_t)txs[i].amount, "currency", "NGN",
                               "channel", txs[i].channel, "reference", "Travel services");
        int64_t id = 0;
        st = justice_transaction_add(ctx, lagoon, in, &id);
        json_decref(in);
    }
    if (st == STATUS_OK) {
        json_t *in = json_pack("{ssssss}", "kind", "phone", "value", "00234 800 000 0147", "first_seen", "2025-01-25");
        int64_t id = 0;
        st = justice_entity_add(ctx, lekki, in, &id);
        json_decref(in);
    }
    return st;
}

/* Issue 6, item 6: GLOTIP-shaped national figures for the "UNODC data" page, INVENTED for the
 * demonstration (Source says so; these are not UNODC's numbers), with a suppressed and a
 * date-like cell. Imported once: a second demo run finds the same file and keeps it. */
static enum status op_demo_glotip(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    static const char *const places[][4] = {{"NGA", "Nigeria", "Africa", "Sub-Saharan Africa"},
                                            {"GHA", "Ghana", "Africa", "Sub-Saharan Africa"},
                                            {"ROU", "Romania", "Europe", "Eastern Europe"}};
    struct buf b = BUF_INIT(64 * 1024);
    buf_puts(&b, "UNODC\r\ninvented demo data\r\nIso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,"
                 "Age,Year,Unit of measurement,txtVALUE,Source\r\n");
    for (size_t i = 0; i < ARRAY_LEN(places); i++) {
        for (int year = 2019; year <= 2022; year++) {
            int v = (int)(37 * (i + 1) + 11 * (year - 2019));
            char value[32];
            if (i == 1 && year == 2020) {
                snprintf(value, sizeof value, "<5");
            } else if (i == 2 && year == 2021) {
                snprintf(value, sizeof value, "\"6,112,019\"");
            } else {
                snprintf(value, sizeof value, "%d", v);
            }
            buf_printf(
                &b, "%s,%s,%s,%s,Detected trafficking victims,Total,Total,Total,Total,%d,Counts,%s,DEMO (invented)\r\n",
                places[i][0], places[i][1], places[i][2], places[i][3], year, value);
            buf_printf(
                &b,
                "%s,%s,%s,%s,Detected trafficking victims,Total,Total,Female,Total,%d,Counts,%d,DEMO (invented)\r\n",
                places[i][0], places[i][1], places[i][2], places[i][3], year, v / 2);
            buf_printf(&b, "%s,%s,%s,%s,Persons convicted,Total,Total,Total,Total,%d,Counts,%d,DEMO (invented)\r\n",
                       places[i][0], places[i][1], places[i][2], places[i][3], year, v / 5);
        }
    }
    struct glotip_summary sum;
    enum status st = glotip_import(ctx, "demo_glotip_invented.csv", buf_str(&b), b.len, &sum);
    glotip_summary_clear(&sum);
    buf_free(&b);
    if (st == STATUS_CONFLICT) {
        err_clear();
        st = STATUS_OK;
    }
    return st;
}

/* Issue 6, item 4: the public dashboard (#/published) for the last five years, released with
 * disclosure control as any publication is. */
static enum status op_demo_dashboard(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    char today[32];
    util_time_iso(today, util_now_ms());
    int year = atoi(today);
    size_t images = 0;
    return stats_dashboard_publish(ctx, year - 4, year, &images);
}

/* Issue 7, part G: the candidate networks. The Lekki investigation also records the Ghanaian
 * account that the Lagoon investigation's company pays (written differently: one node, by its
 * blind index), and a payment from a second account into it, so that the network joining the two
 * investigations (through the shared phone and now the account) carries money in two currencies. */
static enum status op_demo_networks(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    struct investigation *list = NULL;
    size_t n = 0;
    struct investigation_filter f = {.limit = PAGE_ROWS_MAX};
    enum status st = investigation_list(ctx, &f, &list, &n);
    int64_t lekki = 0;
    for (size_t i = 0; st == STATUS_OK && i < n; i++) {
        if (strcmp(list[i].reference, "FATPU/2025/0021") == 0) {
            lekki = list[i].id;
        }
    }
    investigations_free(list, n);
    if (st != STATUS_OK || lekki == 0) {
        return st;
    }
    static const char *const accounts[] = {
        "{\"kind\":\"bank_account\",\"value\":\"gh00demo00000000000042\",\"currency\":\"GHS\",\"country\":\"GHA\"}",
        "{\"kind\":\"bank_account\",\"value\":\"NG00 DEMO 7788 01\",\"currency\":\"USD\",\"country\":\"NGA\"}",
    };
    int64_t ids[2] = {0};
    for (size_t i = 0; st == STATUS_OK && i < ARRAY_LEN(accounts); i++) {
        json_t *in = json_loads(accounts[i], 0, NULL);
        st = in == NULL ? err_set(STATUS_INVALID, "demo networks: bad JSON")
                        : justice_entity_add(ctx, lekki, in, &ids[i]);
        json_decref(in);
    }
    if (st == STATUS_OK) {
        json_t *in = json_pack("{sIsIsssIssssss}", "from_entity", (json_int_t)ids[1], "to_entity", (json_int_t)ids[0],
                               "date", "2025-02-03", "amount_minor", (json_int_t)250000, "currency", "USD", "channel",
                               "money_transfer_service", "reference", "Transport");
        int64_t id = 0;
        st = justice_transaction_add(ctx, lekki, in, &id);
        json_decref(in);
    }
    return st;
}

/* Issue 7, item 3: a saved linkage run with a review queue. The registry's persons are encoded
 * for the project "demo-exchange" (opaque tokens, as `ctis link encode` does); the partner's file
 * is simulated from a third of them, each encoding with a share of its bits flipped (a partner
 * agency's record of the same person, written differently: Dice from about 0.55 to 1),
 * and unrelated random encodings. Matched 1-to-1 at 0.6 and saved at threshold 0.8: matches, and
 * pairs to review whose local side opens the demo case. */
#define DEMO_LINK_SCHEMA                                                                                               \
    "{\"version\": 3, \"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\": \"HKDF\", \"hash\": \"SHA256\", "               \
    "\"salt\": \"ZGVtby1leGNoYW5nZS1zYWx0\", \"info\": \"ZGVtbw==\"}}, \"features\": ["                                \
    "{\"identifier\": \"given_name\", \"format\": {\"type\": \"string\"}, \"hashing\": {\"comparison\": {\"type\": "   \
    "\"ngram\", \"n\": 2}, \"strategy\": {\"bitsPerFeature\": 200}}}, {\"identifier\": \"family_name\", \"format\": "  \
    "{\"type\": \"string\"}, \"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 2}, \"strategy\": "            \
    "{\"bitsPerFeature\": 200}}}, {\"identifier\": \"birth_date\", \"format\": {\"type\": \"date\", \"format\": "      \
    "\"%Y-%m-%d\"}, \"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 1, \"positional\": true}, "             \
    "\"strategy\": {\"bitsPerFeature\": 200}}}]}"

static enum status op_demo_linkage(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    static const char project[] = "demo-exchange";
    static const uint8_t secret[] = "the demo exchange's shared secret";
    struct link_schema *schema = NULL;
    struct link_encoder *enc = NULL;
    struct link_clkset *a = NULL, *b = NULL;
    struct link_pair *pairs = NULL;
    size_t count = 0;
    enum status st = link_schema_parse(&schema, DEMO_LINK_SCHEMA, strlen(DEMO_LINK_SCHEMA), "demo schema");
    if (st == STATUS_OK) {
        st = link_encoder_new(&enc, schema, secret, sizeof secret - 1);
    }
    if (st == STATUS_OK) {
        st = link_encode_persons(ctx, enc, project, NULL, NULL, &a);
    }
    if (st != STATUS_OK || a->count < 6) {
        goto done;
    }
    size_t same = a->count / 3, other = a->count / 4, words = a->words;
    st = link_clkset_new(&b, same + other, words * 64);
    uint64_t x = 0x9E3779B97F4A7C15u; /* a fixed xorshift: the demo is the same every time */
    for (size_t i = 0; st == STATUS_OK && i < same + other; i++) {
        uint64_t *row = link_clkset_row(b, i);
        if (i < same) {
            memcpy(row, link_clkset_row(a, i * 3), words * sizeof *row);
        }
        /* The same person: flip 2 to 400 bits (Dice from 1 to about 0.55); another: random bits. */
        size_t flips = i < same ? 2 + (i * 37) % 399 : 0;
        for (size_t w = 0; i >= same && w < words; w++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            row[w] = x;
        }
        for (size_t k = 0; k < flips; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            row[(x >> 8) % words] ^= 1ull << (x & 63);
        }
        char id[32];
        snprintf(id, sizeof id, "PARTNER-%04zu", i + 1);
        st = link_clkset_id_set(b, i, id);
    }
    if (st == STATUS_OK) {
        link_clkset_popcounts(b);
        struct link_match_opts mo = {.threshold = 0.6, .threads = 1};
        st = link_match(a, b, &mo, &pairs, &count);
    }
    /* The run belongs to the agency of the first demo investigator (link.run), who reviews it. */
    struct auth_user **users = NULL;
    size_t nu = 0;
    int64_t agency = 0;
    if (st == STATUS_OK) {
        st = auth_user_list(ctx, PAGE_ROWS_MAX, 0, &users, &nu);
    }
    for (size_t i = 0; st == STATUS_OK && i < nu && agency == 0; i++) {
        if (!users[i]->disabled && strcmp(users[i]->role, "investigator") == 0) {
            agency = users[i]->agency_id;
        }
    }
    auth_user_list_free(users, nu);
    if (st == STATUS_OK) {
        struct link_run_new run = {
            project, "National Coordination Office", "Partner agency (demo)", "a", 0.8, 0.6, a, b, pairs, count,
            agency};
        int64_t id = 0;
        st = link_run_save(ctx, &run, &id);
    }
done:
    free(pairs);
    link_clkset_free(a);
    link_clkset_free(b);
    link_encoder_free(enc);
    link_schema_free(schema);
    return st;
}

/* Issue 8, part L: a year of the Trust Fund's activity (rates, donors of every kind, pledges,
 * receipts in five currencies, reversals, a write-off, awards and disbursements) for the demo's
 * current year. */
static enum status op_demo_fund_ledger(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    json_t *donors = NULL;
    enum status st = fund_donor_list(ctx, NULL, &donors);
    bool done =
        st == STATUS_OK && json_array_size(json_is_array(donors) ? donors : json_object_get(donors, "items")) > 0;
    json_decref(donors);
    if (st != STATUS_OK || done) { /* run again: the fund has its year already */
        return st;
    }
    char now[32];
    util_time_iso(now, util_now_ms());
    json_t *summary = NULL;
    st = fund_generate(ctx, atoi(now), 2010, &summary);
    json_decref(summary);
    return st;
}

/* Issue 8, part A: the Trust Fund's Board of Trustees (five, one per UN regional group), an open
 * call for immediate assistance, the fund profiles of the demo NGOs and three applications: two
 * eligible and submitted, one ineligible (registered six months ago: it stays a draft, its
 * eligibility explaining why); a trustee's declared conflict on the first NGO; two reviews of each
 * submitted application by the others; the first awarded (its grant agreement through part G),
 * dated from today. */
static void demo_date(int months, char out[11])
{
    char iso[32];
    util_time_iso(iso, util_now_ms());
    int y = atoi(iso), m = atoi(iso + 5) - 1 + months;
    y += m >= 0 ? m / 12 : -((11 - m) / 12);
    m = ((m % 12) + 12) % 12;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-01", y % 10000, (m + 1) % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

static enum status demo_fund_json(const struct auth_ctx *ctx, int kind, int64_t id, const char *text, int64_t *id_out)
{
    json_t *in = json_loads(text, 0, NULL), *out = NULL;
    if (in == NULL) {
        return err_set(STATUS_INVALID, "demo: bad JSON");
    }
    enum status st = kind == 0   ? fund_trustee_add(ctx, in, &out)
                     : kind == 1 ? fund_call_add(ctx, in, &out)
                     : kind == 2 ? fund_application_save(ctx, 0, 0, in, &out)
                     : kind == 3 ? fund_review_add(ctx, id, in, &out)
                     : kind == 4 ? fund_conflict_add(ctx, in, &out)
                                 : fund_decide(ctx, id, in, &out);
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = json_integer_value(json_object_get(out, "id"));
    }
    json_decref(in);
    json_decref(out);
    return st;
}

static enum status op_demo_fund_apps(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    static const struct {
        const char *name, *country;
    } board[] = {{"Grace Achieng", "KEN"},
                 {"Ravi Menon", "IND"},
                 {"Olena Kovalenko", "UKR"},
                 {"Lucía Ferreira", "BRA"},
                 {"Marie Lambert", "FRA"}};
    static const struct {
        const char *agency, *country, *title;
        int months_registered;
    } ngos[] = {{"Lagos Shelter Network", "NGA", "Safe houses and medical care in Lagos", 60},
                {"Casa Esperanza", "MEX", "Legal aid for migrant workers", 36},
                {"Yunnan Women's Federation", "CHN", "Reintegration of returned women", 6}};
    char start[11], past[11], later[11], in[1024];
    demo_date(-1, start);
    demo_date(-30, past);
    demo_date(2, later);
    int64_t trustees[5] = {0}, call = 0, apps[3] = {0};
    json_t *existing = NULL;
    enum status st = fund_trustee_list(ctx, &existing);
    size_t have = json_array_size(existing);
    json_decref(existing);
    if (st != STATUS_OK || have > 0) {
        return st; /* run twice: the board is there already */
    }
    for (size_t i = 0; st == STATUS_OK && i < 5; i++) {
        snprintf(in, sizeof in, "{\"name\":\"%s\",\"country\":\"%s\",\"appointed_on\":\"%s\"}", board[i].name,
                 board[i].country, past);
        st = demo_fund_json(ctx, 0, 0, in, &trustees[i]);
    }
    if (st == STATUS_OK) {
        snprintf(in, sizeof in,
                 "{\"title\":\"Immediate assistance to victims (demo call)\",\"programme\":\"immediate\","
                 "\"opens_on\":\"%s\",\"closes_on\":\"%s\",\"ceiling_min\":\"20,000\",\"ceiling_max\":\"60,000\","
                 "\"priority_forms\":[\"sexual_exploitation\",\"forced_labour\"]}",
                 start, later);
        st = demo_fund_json(ctx, 1, 0, in, &call);
    }
    if (st == STATUS_OK) {
        json_t *o = NULL;
        st = fund_call_open(ctx, call, &o);
        json_decref(o);
    }
    struct auth_agency **ag = NULL;
    size_t na = 0;
    if (st == STATUS_OK) {
        st = op_demo_find(ctx, &ag);
        while (st == STATUS_OK && ag != NULL && ag[na] != NULL) {
            na++;
        }
    }
    for (size_t i = 0; st == STATUS_OK && i < 3; i++) {
        int64_t agency = demo_agency_id(ag, na, ngos[i].agency);
        if (agency == 0) {
            continue; /* fewer demo agencies */
        }
        char registered[11], since[11];
        demo_date(-ngos[i].months_registered, registered);
        demo_date(-ngos[i].months_registered + 1, since);
        snprintf(in, sizeof in,
                 "{\"registration_country\":\"%s\",\"registered_on\":\"%s\",\"non_profit\":true,"
                 "\"assistance_since\":\"%s\",\"psea\":true,\"psea_policy\":\"Safeguarding policy\","
                 "\"own_account\":true,\"account_number\":\"DEMO-%zu-0001\"}",
                 ngos[i].country, registered, since, i + 1);
        json_t *pin = json_loads(in, 0, NULL), *out = NULL;
        st = fund_org_set(ctx, agency, 0, pin, &out);
        json_decref(pin);
        json_decref(out);
        if (st == STATUS_OK) {
            snprintf(in, sizeof in,
                     "{\"call_id\":%lld,\"agency_id\":%lld,\"title\":\"%s\",\"summary\":\"Demo project.\","
                     "\"country\":\"%s\",\"duration_months\":%d,\"forms\":[\"sexual_exploitation\"],"
                     "\"beneficiaries\":{\"women\":%d,\"girls\":%d,\"men\":%d},\"budget\":["
                     "{\"category\":\"shelter\",\"description\":\"rent and utilities\",\"amount\":\"%d,000\"},"
                     "{\"category\":\"medical\",\"description\":\"clinic visits\",\"amount\":\"8,500\"},"
                     "{\"category\":\"staff\",\"description\":\"case worker, part time\",\"amount\":\"6,250.50\"}]}",
                     (long long)call, (long long)agency, ngos[i].title, ngos[i].country, 6 + (int)i, 30 + 10 * (int)i,
                     5 + (int)i, 4 * (int)i, 15 + 5 * (int)i);
            st = demo_fund_json(ctx, 2, 0, in, &apps[i]);
        }
        if (st == STATUS_OK && i < 2) {
            json_t *out2 = NULL;
            st = fund_application_submit(ctx, apps[i], 0, &out2);
            json_decref(out2);
        }
    }
    auth_agency_list_free(ag, na);
    if (st == STATUS_OK && apps[0] != 0) {
        snprintf(in, sizeof in,
                 "{\"trustee_id\":%lld,\"application_id\":%lld,\"note\":\"Former board member of the NGO.\"}",
                 (long long)trustees[4], (long long)apps[0]);
        st = demo_fund_json(ctx, 4, 0, in, NULL);
    }
    static const int scores[2][4] = {{5, 4, 4, 4}, {4, 4, 3, 5}};
    for (size_t a = 0; st == STATUS_OK && a < 2; a++) {
        for (size_t r = 0; st == STATUS_OK && apps[a] != 0 && r < 2; r++) {
            snprintf(in, sizeof in,
                     "{\"trustee_id\":%lld,\"relevance\":%d,\"capacity\":%d,\"budget\":%d,\"reach\":%d,"
                     "\"comment\":\"Demo review.\"}",
                     (long long)trustees[r + a], scores[r][0], scores[r][1], scores[r][2], scores[r][3]);
            st = demo_fund_json(ctx, 3, apps[a], in, NULL);
        }
    }
    if (st == STATUS_OK && apps[0] != 0) {
        char end[11], second[11];
        demo_date(7, end);
        demo_date(4, second);
        snprintf(
            in, sizeof in,
            "{\"outcome\":\"award\",\"amount\":\"29,750.50\",\"start_date\":\"%s\",\"end_date\":\"%s\","
            "\"tranches\":[{\"due_date\":\"%s\",\"amount\":\"20,000\"},{\"due_date\":\"%s\",\"amount\":\"9,750.50\"}]}",
            later, end, later, second);
        st = demo_fund_json(ctx, 5, apps[0], in, NULL);
    }
    return st;
}

/* Issue 8, part G: a Trust Fund grant to the first demo NGO (Lagos Shelter Network) with three
 * tranches: the first paid by a disbursement the operator recorded and a demo fund manager
 * approved (separation of duties: never the recorder), a report on it accepted (which released
 * the second tranche) and a disbursement of the second waiting for approval. Nothing when a grant
 * exists already (the demo run twice). */
static enum status op_demo_fund_grants(const struct auth_ctx *ctx, void *arg)
{
    (void)arg;
    json_t *grants = NULL, *in = NULL, *g = NULL;
    enum status st = fund_grant_list(ctx, NULL, &grants);
    if (st != STATUS_OK || json_array_size(grants) > 0) {
        json_decref(grants);
        return st;
    }
    json_decref(grants);
    struct auth_agency **agencies = NULL;
    size_t na = 0;
    st = auth_agency_list(ctx, 500, 0, &agencies, &na);
    int64_t ngo = st == STATUS_OK ? demo_agency_id(agencies, na, demo_agencies[0].name) : 0;
    auth_agency_list_free(agencies, na);
    if (st != STATUS_OK || ngo == 0) {
        return st;
    }
    /* A demo fund manager approves what the operator records. */
    struct auth_user **users = NULL;
    size_t nu = 0;
    int64_t manager = 0;
    st = auth_user_list(ctx, PAGE_ROWS_MAX, 0, &users, &nu);
    for (size_t i = 0; st == STATUS_OK && i < nu && manager == 0; i++) {
        if (!users[i]->disabled && strcmp(users[i]->role, "fund_manager") == 0) {
            manager = users[i]->id;
        }
    }
    auth_user_list_free(users, nu);
    struct auth_principal mp;
    memset(&mp, 0, sizeof mp);
    struct auth_ctx mctx = *ctx;
    if (st == STATUS_OK && manager != 0 && auth_principal_load(&mp, ctx->store, manager) == STATUS_OK) {
        mp.mfa_ok = true;
        mctx.who = &mp;
    } else {
        manager = 0;
    }
    static const struct fund_tranche_in tranches[] = {
        {"2025-03-01", 2500000}, {"2025-09-01", 1500000}, {"2026-03-01", 1000000}};
    struct fund_grant_in gi = {0, 0, ngo, "NGA", "medium_term", "2025-03-01", "2026-08-31", 5000000, tranches, 3};
    int64_t gid = 0, d1 = 0, d2 = 0, rid = 0;
    if (st == STATUS_OK) {
        st = fund_grant_create(ctx, &gi, &gid);
    }
    if (st == STATUS_OK) {
        st = fund_grant_get(ctx, gid, &g);
    }
    json_t *tr = json_object_get(g, "tranches");
    int64_t t1 = json_integer_value(json_object_get(json_array_get(tr, 0), "id"));
    int64_t t2 = json_integer_value(json_object_get(json_array_get(tr, 1), "id"));
    char buf[1200];
    if (st == STATUS_OK) {
        snprintf(buf, sizeof buf,
                 "{\"tranche_id\":%lld,\"amount\":\"25,000.00\",\"date\":\"2025-03-10\","
                 "\"bank_reference\":\"UNVTF-DEMO-0001\"}",
                 (long long)t1);
        in = json_loads(buf, 0, NULL);
        st = fund_disbursement_record(ctx, in, &d1);
        json_decref(in);
    }
    if (st == STATUS_OK && manager != 0) {
        in = json_pack("{ss}", "decision", "approve");
        st = fund_disbursement_decide(&mctx, d1, in);
        json_decref(in);
    }
    if (st == STATUS_OK) {
        snprintf(buf, sizeof buf,
                 "{\"grant_id\":%lld,\"period_from\":\"2025-03-01\",\"period_to\":\"2025-08-31\","
                 "\"narrative\":\"Demo: shelter, medical care and legal aid for women and girls referred by the "
                 "police.\",\"beneficiaries\":[{\"sex\":\"female\",\"age\":\"adult\",\"form\":"
                 "\"SexualExploitation\",\"count\":14},{\"sex\":\"female\",\"age\":\"child\",\"form\":"
                 "\"SexualExploitation\",\"count\":5},{\"sex\":\"male\",\"age\":\"adult\",\"form\":"
                 "\"ForcedLabour\",\"count\":6}],\"services\":[{\"service\":\"shelter\",\"count\":19},"
                 "{\"service\":\"medical\",\"count\":22},{\"service\":\"legal_aid\",\"count\":9}]}",
                 (long long)gid);
        in = json_loads(buf, 0, NULL);
        st = fund_report_save(ctx, 0, 0, in, &rid);
        json_decref(in);
    }
    if (st == STATUS_OK) {
        st = fund_report_submit(ctx, rid, 0);
    }
    if (st == STATUS_OK) {
        in = json_pack("{ss}", "decision", "accept");
        st = fund_report_decide(ctx, rid, in);
        json_decref(in);
    }
    if (st == STATUS_OK) {
        snprintf(buf, sizeof buf,
                 "{\"tranche_id\":%lld,\"amount\":\"15,000.00\",\"bank_reference\":\"UNVTF-DEMO-0002\"}",
                 (long long)t2);
        in = json_loads(buf, 0, NULL);
        st = fund_disbursement_record(ctx, in, &d2);
        json_decref(in);
    }
    json_decref(g);
    if (manager != 0) {
        auth_principal_clear(&mp);
    }
    return st;
}

/* Issue 9, part R: the ratification register. DEMO DATA, NOT AUTHORITATIVE: plausible signature
 * and ratification dates of 20 real states for the Plan's main instruments, written from memory
 * for demonstration; the source column says so. The real status is in the UN Treaty Collection
 * (treaties.un.org) and, for the ILO conventions, NORMLEX. */
static const char demo_ratifications_csv[] =
    "state,instrument,signature,act,act_date,reservations,source\n"
    "NGA,untoc,2000-12-13,ratification,2001-06-28,,Demo data (not authoritative)\n"
    "NGA,tip_protocol,2000-12-13,ratification,2001-06-28,,Demo data (not authoritative)\n"
    "NGA,crc,1990-01-26,ratification,1991-04-19,,Demo data (not authoritative)\n"
    "NGA,ilo_c29,,ratification,1960-10-17,,Demo data (not authoritative)\n"
    "FRA,untoc,2000-12-12,approval,2002-10-29,,Demo data (not authoritative)\n"
    "FRA,tip_protocol,2000-12-12,approval,2002-10-29,,Demo data (not authoritative)\n"
    "FRA,crc,1990-01-26,ratification,1990-08-07,Declarations on articles 6 and 30 (demo),"
    "Demo data (not authoritative)\n"
    "FRA,ilo_p29,,ratification,2016-06-07,,Demo data (not authoritative)\n"
    "DEU,untoc,2000-12-12,ratification,2005-06-14,,Demo data (not authoritative)\n"
    "DEU,tip_protocol,2000-12-12,ratification,2006-06-14,,Demo data (not authoritative)\n"
    "DEU,cedaw,1980-07-17,ratification,1985-07-10,,Demo data (not authoritative)\n"
    "ITA,untoc,2000-12-12,ratification,2006-08-02,,Demo data (not authoritative)\n"
    "ITA,tip_protocol,2000-12-12,ratification,2006-08-02,,Demo data (not authoritative)\n"
    "ESP,untoc,2000-12-13,ratification,2002-03-01,,Demo data (not authoritative)\n"
    "ESP,tip_protocol,2000-12-13,ratification,2002-03-01,,Demo data (not authoritative)\n"
    "GBR,untoc,2000-12-14,ratification,2006-02-09,,Demo data (not authoritative)\n"
    "GBR,tip_protocol,2000-12-14,ratification,2006-02-09,,Demo data (not authoritative)\n"
    "GBR,ilo_p29,,ratification,2016-01-22,,Demo data (not authoritative)\n"
    "USA,untoc,2000-12-13,ratification,2005-11-03,Reservations on federalism and extradition (demo),"
    "Demo data (not authoritative)\n"
    "USA,tip_protocol,2000-12-13,ratification,2005-11-03,,Demo data (not authoritative)\n"
    "USA,crc,1995-02-16,,,,Demo data (not authoritative)\n"
    "USA,cedaw,1980-07-17,,,,Demo data (not authoritative)\n"
    "BRA,untoc,2000-12-12,ratification,2004-01-29,,Demo data (not authoritative)\n"
    "BRA,tip_protocol,2000-12-12,ratification,2004-01-29,,Demo data (not authoritative)\n"
    "MEX,untoc,2000-12-13,ratification,2003-03-04,,Demo data (not authoritative)\n"
    "MEX,tip_protocol,2000-12-13,ratification,2003-03-04,,Demo data (not authoritative)\n"
    "ARG,untoc,2000-12-12,ratification,2002-11-19,,Demo data (not authoritative)\n"
    "ARG,tip_protocol,2000-12-12,ratification,2002-11-19,,Demo data (not authoritative)\n"
    "IND,untoc,2002-12-12,ratification,2011-05-05,,Demo data (not authoritative)\n"
    "IND,tip_protocol,2002-12-12,ratification,2011-05-05,,Demo data (not authoritative)\n"
    "THA,untoc,2000-12-13,ratification,2013-10-17,,Demo data (not authoritative)\n"
    "THA,tip_protocol,2001-12-18,ratification,2013-10-17,,Demo data (not authoritative)\n"
    "THA,ilo_p29,,ratification,2018-06-04,,Demo data (not authoritative)\n"
    "PHL,untoc,2000-12-14,ratification,2002-05-28,,Demo data (not authoritative)\n"
    "PHL,tip_protocol,2000-12-14,ratification,2002-05-28,,Demo data (not authoritative)\n"
    "IDN,untoc,2000-12-12,ratification,2009-04-20,,Demo data (not authoritative)\n"
    "IDN,tip_protocol,2000-12-12,ratification,2009-09-28,,Demo data (not authoritative)\n"
    "ZAF,untoc,2000-12-14,ratification,2004-02-20,,Demo data (not authoritative)\n"
    "ZAF,tip_protocol,2000-12-14,ratification,2004-02-20,,Demo data (not authoritative)\n"
    "EGY,untoc,2000-12-13,ratification,2004-03-05,,Demo data (not authoritative)\n"
    "EGY,tip_protocol,,accession,2004-03-05,,Demo data (not authoritative)\n"
    "KEN,untoc,,accession,2004-06-16,,Demo data (not authoritative)\n"
    "KEN,tip_protocol,,accession,2005-01-05,,Demo data (not authoritative)\n"
    "TUR,untoc,2000-12-13,ratification,2003-03-25,,Demo data (not authoritative)\n"
    "TUR,tip_protocol,2000-12-13,ratification,2003-03-25,,Demo data (not authoritative)\n"
    "JPN,untoc,2000-12-12,acceptance,2017-07-11,,Demo data (not authoritative)\n"
    "JPN,tip_protocol,2002-12-09,acceptance,2017-07-11,,Demo data (not authoritative)\n"
    "AUS,untoc,2000-12-13,ratification,2004-05-27,,Demo data (not authoritative)\n"
    "AUS,tip_protocol,2002-12-11,ratification,2005-09-14,,Demo data (not authoritative)\n"
    "VNM,untoc,2000-12-13,ratification,2012-06-08,,Demo data (not authoritative)\n"
    "VNM,tip_protocol,,accession,2012-06-08,,Demo data (not authoritative)\n";

/* Adds a partner, an agreement or a request from JSON text (kind 0, 1, 2), or moves or delivers
 * request id (3, 4). */
static enum status demo_plan_json(const struct auth_ctx *ctx, int kind, int64_t id, const char *text, int64_t *id_out)
{
    json_t *in = json_loads(text, 0, NULL);
    int64_t got = 0;
    enum status st = in == NULL ? err_set(STATUS_INVALID, "demo: bad JSON") : STATUS_OK;
    if (st == STATUS_OK) {
        st = kind == 0   ? plan_partner_add(ctx, in, &got, NULL)
             : kind == 1 ? plan_agreement_add(ctx, in, &got)
             : kind == 2 ? plan_ta_add(ctx, in, &got, NULL)
             : kind == 3 ? plan_ta_status(ctx, id, in, 0, NULL)
                         : plan_ta_deliver(ctx, id, in, &got, NULL);
    }
    json_decref(in);
    if (id_out != NULL) {
        *id_out = got;
    }
    return st;
}

/* The ratifications above, and fictional partners (a ministry, an NGO, an international
 * organisation, a trade union, an employers' organisation), an agreement between three of them
 * and technical-assistance requests in every state of their flow. */
static enum status op_demo_ratifications(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    json_t *out = NULL;
    enum status st = plan_ratify_import_csv(ctx, "demo-ratifications.csv", demo_ratifications_csv,
                                            strlen(demo_ratifications_csv), &out);
    json_decref(out);
    static const char *const partners[] = {
        "{\"name\":\"Ministry of Labour and Employment (demo)\",\"type\":\"government\",\"country\":\"NGA\","
        "\"areas\":[\"prevent\",\"prosecute\"]}",
        "{\"name\":\"Harbour Light Shelter Network (demo)\",\"type\":\"ngo\",\"country\":\"NGA\",\"areas\":"
        "[\"protect\",\"prevent\"],\"contact\":{\"person\":\"Demo Contact\",\"email\":\"contact@example.org\","
        "\"phone\":\"+234 1 555 0100\"}}",
        "{\"name\":\"Regional Office for Migration (demo)\",\"type\":\"international\",\"areas\":[\"protect\","
        "\"partner\"]}",
        "{\"name\":\"Federation of Transport Workers (demo)\",\"type\":\"trade_union\",\"country\":\"GHA\","
        "\"areas\":[\"prevent\"]}",
        "{\"name\":\"Chamber of Agricultural Employers (demo)\",\"type\":\"employers\",\"country\":\"GHA\","
        "\"areas\":[\"prevent\"]}",
    };
    int64_t ids[5] = {0};
    for (size_t i = 0; i < 5 && st == STATUS_OK; i++) {
        st = demo_plan_json(ctx, 0, 0, partners[i], &ids[i]);
    }
    char buf[800];
    if (st == STATUS_OK) {
        snprintf(buf, sizeof buf,
                 "{\"title\":\"Memorandum on the referral of victims (demo)\",\"kind\":\"mou\",\"signed\":"
                 "\"2025-03-01\",\"end\":\"2028-02-29\",\"parties\":[%lld,%lld,%lld],\"paragraphs\":[\"annex-33\","
                 "\"annex-50\",\"annex-56\"]}",
                 (long long)ids[0], (long long)ids[1], (long long)ids[2]);
        st = demo_plan_json(ctx, 1, 0, buf, NULL);
    }
    /* Requests: delivered, accepted with a delivery, accepted, declined, requested. */
    static const char *const topics[] = {
        "Training of labour inspectors on forced labour indicators", "Review of the draft anti-trafficking law",
        "Equipment for the shelter network's case files", "Expert mission on financial investigations",
        "Awareness campaign in the transport sector"};
    static const char *const requested[] = {"2025-01-10", "2025-02-03", "2025-04-15", "2025-05-02", "2025-06-20"};
    int64_t req[5] = {0};
    for (int i = 0; i < 5 && st == STATUS_OK; i++) {
        if (i == 2) {
            snprintf(buf, sizeof buf,
                     "{\"requester_partner_id\":%lld,\"provider_partner_id\":%lld,\"topic\":\"%s\",\"paragraphs\":"
                     "[\"annex-57\"],\"requested\":\"%s\"}",
                     (long long)ids[1], (long long)ids[2], topics[i], requested[i]);
        } else {
            snprintf(buf, sizeof buf,
                     "{\"requester_state\":\"%s\",\"provider_partner_id\":%lld,\"topic\":\"%s\",\"paragraphs\":"
                     "[\"annex-57\",\"annex-%d\"],\"requested\":\"%s\"}",
                     i == 4 ? "GHA" : "NGA", (long long)ids[2], topics[i], i == 1 ? 43 : 21, requested[i]);
        }
        st = demo_plan_json(ctx, 2, 0, buf, &req[i]);
    }
    static const struct {
        int req, kind;
        const char *json;
    } steps[] = {
        {0, 3, "{\"status\":\"accepted\",\"date\":\"2025-01-24\"}"},
        {0, 4, "{\"date\":\"2025-03-04\",\"kind\":\"training\",\"beneficiaries\":42}"},
        {0, 3, "{\"status\":\"delivered\",\"date\":\"2025-03-06\"}"},
        {1, 3, "{\"status\":\"accepted\",\"date\":\"2025-02-20\"}"},
        {1, 4, "{\"date\":\"2025-04-10\",\"kind\":\"legislative_advice\",\"beneficiaries\":8}"},
        {2, 3, "{\"status\":\"accepted\",\"date\":\"2025-05-01\"}"},
        {3, 3, "{\"status\":\"declined\",\"date\":\"2025-05-20\"}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(steps) && st == STATUS_OK; i++) {
        st = demo_plan_json(ctx, steps[i].kind, req[steps[i].req], steps[i].json, NULL);
    }
    return st;
}

/* Issue 9, part N: a national action plan (a real country, a clearly fictional plan over the
 * year before last to next year) with actions mapped to the Plan's paragraphs and progress
 * reports over two periods (the year before last and last year), so that the implementation
 * report's appraisal has two periods to compare; and prevention work in both years. */
static enum status demo_plan_call(const struct auth_ctx *ctx, int kind, int64_t id, const char *text, int64_t *id_out)
{
    json_t *in = json_loads(text, 0, NULL), *out = NULL;
    if (in == NULL) {
        return err_set(STATUS_INVALID, "demo: bad JSON");
    }
    static const char *const prev[] = {"campaign", "training", "idwork", "supplychain"};
    enum status st = kind == 0   ? plan_nap_add(ctx, in, &out)
                     : kind == 1 ? plan_action_add(ctx, id, in, &out)
                     : kind == 2 ? plan_progress_add(ctx, id, in, &out)
                                 : plan_prevention_add(ctx, prev[(kind - 3) % 4], in, &out);
    if (st == STATUS_OK && id_out != NULL) {
        *id_out = json_integer_value(json_object_get(out, "id"));
    }
    json_decref(in);
    json_decref(out);
    return st;
}

static enum status op_demo_plan_nap(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    json_t *naps = NULL;
    enum status st = plan_nap_list(ctx, "GHA", &naps);
    bool done = st == STATUS_OK && json_array_size(naps) > 0;
    json_decref(naps);
    if (st != STATUS_OK || done) { /* run again: the plan is there already */
        return st;
    }
    char iso[32], buf[1024];
    util_time_iso(iso, util_now_ms());
    int y = atoi(iso), y1 = y - 2, y2 = y - 1; /* the two reporting periods */
    int64_t nap = 0, act[5] = {0};
    snprintf(buf, sizeof buf,
             "{\"country\":\"GHA\",\"title\":\"National Plan of Action against Human Trafficking %d-%d (demo, "
             "fictional)\",\"period_from\":\"%d-01-01\",\"period_to\":\"%d-12-31\",\"adopted_by\":\"Cabinet (demo)\","
             "\"status\":\"adopted\"}",
             y1, y + 1, y1, y + 1);
    st = demo_plan_call(ctx, 0, 0, buf, &nap);
    static const char *const actions[5] = {
        "{\"title\":\"Nationwide awareness campaign on safe migration\",\"paragraphs\":[\"annex-15\",\"annex-16\"],"
        "\"bodies\":[\"Ministry of Information\",\"District assemblies\"],\"indicators\":[{\"name\":\"people "
        "reached\",\"unit\":\"people\",\"baseline\":0,\"target\":500000}]}",
        "{\"title\":\"Train frontline officials in victim identification\",\"paragraphs\":[\"annex-23\","
        "\"annex-29\"],\"bodies\":[\"Police Service\",\"Immigration Service\",\"Labour Department\"],"
        "\"indicators\":[{\"name\":\"officials trained\",\"unit\":\"people\",\"baseline\":120,\"target\":900}]}",
        "{\"title\":\"Shelter places for adult victims\",\"paragraphs\":[\"annex-30\",\"annex-31\"],\"bodies\":"
        "[\"Department of Social Welfare\"],\"indicators\":[{\"name\":\"shelter places\",\"unit\":\"beds\","
        "\"baseline\":20,\"target\":60}]}",
        "{\"title\":\"Reduce the backlog of trafficking prosecutions\",\"paragraphs\":[\"annex-44\",\"annex-45\"],"
        "\"bodies\":[\"Office of the Attorney-General\"],\"indicators\":[{\"name\":\"cases pending over 2 "
        "years\",\"unit\":\"cases\",\"baseline\":85,\"target\":30,\"direction\":\"decrease\"}]}",
        "{\"title\":\"Birth registration in border districts\",\"paragraphs\":[\"annex-20\"],\"bodies\":[\"Births "
        "and Deaths Registry\"],\"indicators\":[{\"name\":\"children registered\",\"unit\":\"children\","
        "\"baseline\":0,\"target\":20000}]}",
    };
    for (int i = 0; i < 5 && st == STATUS_OK; i++) {
        st = demo_plan_call(ctx, 1, nap, actions[i], &act[i]);
    }
    /* {action, status of the first period, value, status of the second, value} */
    static const struct {
        int action;
        const char *s1;
        int v1;
        const char *s2;
        int v2;
    } reports[] = {{0, "on_track", 180000, "completed", 540000},
                   {1, "delayed", 260, "on_track", 610},
                   {2, "not_started", 20, "delayed", 32},
                   {3, "on_track", 70, "on_track", 41},
                   {4, "on_track", 6400, "completed", 21500}};
    for (size_t i = 0; i < ARRAY_LEN(reports) && st == STATUS_OK; i++) {
        for (int period = 0; period < 2 && st == STATUS_OK; period++) {
            int yr = period == 0 ? y1 : y2;
            snprintf(buf, sizeof buf,
                     "{\"period_from\":\"%d-01-01\",\"period_to\":\"%d-12-31\",\"status\":\"%s\",\"values\":"
                     "[{\"indicator\":1,\"value\":%d,\"measured_on\":\"%d-12-15\"}],\"narrative\":\"Demo progress "
                     "report for %d (fictional).\"}",
                     yr, yr, period == 0 ? reports[i].s1 : reports[i].s2, period == 0 ? reports[i].v1 : reports[i].v2,
                     yr, yr);
            st = demo_plan_call(ctx, 2, act[reports[i].action], buf, NULL);
        }
    }
    for (int period = 0; period < 2 && st == STATUS_OK; period++) {
        int yr = period == 0 ? y1 : y2;
        snprintf(buf, sizeof buf,
                 "{\"country\":\"GHA\",\"title\":\"Know before you go (demo %d)\",\"audiences\":[\"migrants\","
                 "\"children_youth\"],\"channels\":[\"radio\",\"social_media\",\"schools\"],\"languages\":[\"eng\","
                 "\"twi\",\"ewe\"],\"period_from\":\"%d-03-01\",\"period_to\":\"%d-08-31\",\"reach\":%d,"
                 "\"reach_kind\":\"estimated\",\"paragraphs\":[\"annex-16\"]}",
                 yr, yr, yr, period == 0 ? 180000 : 360000);
        st = demo_plan_call(ctx, 3, 0, buf, NULL);
        static const char *const audiences[] = {"police", "border", "labour_inspectors", "prosecutors"};
        for (int a = 0; a < 4 && st == STATUS_OK; a++) {
            snprintf(buf, sizeof buf,
                     "{\"country\":\"GHA\",\"date\":\"%d-%02d-14\",\"audience\":\"%s\",\"participants\":{\"women\":%d,"
                     "\"men\":%d},\"topics\":[\"identification\",\"victim_rights\"%s],\"hours\":%d,\"paragraphs\":"
                     "[\"annex-23\"]}",
                     yr, 2 + a * 3, audiences[a], 8 + a * 3 + period * 5, 14 + a * 2 + period * 6,
                     a == 2 ? ",\"labour_exploitation\"" : "", 12 + a * 4);
            st = demo_plan_call(ctx, 4, 0, buf, NULL);
        }
        if (st == STATUS_OK) {
            snprintf(buf, sizeof buf,
                     "{\"country\":\"GHA\",\"activity\":\"Mobile birth registration in border districts (demo)\","
                     "\"period_from\":\"%d-01-01\",\"period_to\":\"%d-12-31\",\"people\":%d,\"paragraphs\":"
                     "[\"annex-20\"]}",
                     yr, yr, period == 0 ? 6400 : 15100);
            st = demo_plan_call(ctx, 5, 0, buf, NULL);
        }
        if (st == STATUS_OK) {
            snprintf(buf, sizeof buf,
                     "{\"country\":\"GHA\",\"company\":\"%s\",\"measure\":\"%s\",\"date\":\"%d-06-01\",\"coverage\":%d,"
                     "\"coverage_kind\":\"%s\",\"paragraphs\":[\"annex-21\",\"annex-22\"]}",
                     period == 0 ? "Cocoa sector (demo)" : "Fishing fleet operators (demo)",
                     period == 0 ? "code_of_conduct" : "audit", yr, period == 0 ? 40 : 2300,
                     period == 0 ? "companies" : "workers");
            st = demo_plan_call(ctx, 6, 0, buf, NULL);
        }
    }
    return st;
}

/* Issue 9, part K: a few good practices in several languages for the knowledge base (fictional
 * programmes in real countries, with translations), published and one draft. */
static enum status op_demo_plan_practices(const struct auth_ctx *ctx, void *p)
{
    (void)p;
    static const char *const practices[] = {
        "{\"lang\":\"en\",\"title\":\"Demo: school awareness sessions on online recruitment\","
        "\"summary\":\"Teachers trained to run sessions for secondary-school pupils on job offers and grooming "
        "online.\",\"body\":\"A fictional programme: 120 schools, a teachers' guide and a helpline number on "
        "every poster.\",\"country\":\"NGA\",\"paragraphs\":[\"annex-18\",\"annex-19\"],\"tags\":[\"schools\","
        "\"online\"],\"source\":\"Demo Ministry of Education\",\"year\":2025,\"status\":\"published\","
        "\"translations\":[{\"lang\":\"fr\",\"title\":\"Démo : séances de sensibilisation au recrutement en "
        "ligne dans les écoles\",\"summary\":\"Des enseignants formés animent des séances pour les élèves du "
        "secondaire sur les offres d’emploi et la manipulation en ligne.\"}]}",
        "{\"lang\":\"ar\",\"title\":\"عرض توضيحي: تدريب مفتشي العمل على تحديد هوية الضحايا\","
        "\"summary\":\"برنامج تدريبي لمفتشي العمل على مؤشرات العمل القسري في المزارع والمصانع\","
        "\"country\":\"JOR\",\"paragraphs\":[\"annex-23\",\"annex-29\"],\"tags\":[\"labour\"],"
        "\"source\":\"Demo labour inspectorate\",\"year\":2024,\"status\":\"published\","
        "\"translations\":[{\"lang\":\"en\",\"title\":\"Demo: training labour inspectors to identify "
        "victims\",\"summary\":\"A training programme for labour inspectors on indicators of forced labour on "
        "farms and in factories.\"}]}",
        "{\"lang\":\"ru\",\"title\":\"Демо: горячая линия для мигрантов на трех языках\","
        "\"summary\":\"Бесплатная горячая линия консультирует трудовых мигрантов о договорах и документах.\","
        "\"country\":\"KAZ\",\"paragraphs\":[\"annex-20\",\"annex-53\"],\"tags\":[\"migrants\",\"hotline\"],"
        "\"source\":\"Demo NGO\",\"year\":2025,\"status\":\"published\","
        "\"translations\":[{\"lang\":\"zh\",\"title\":\"演示：三种语言的移民热线\","
        "\"summary\":\"免费热线为移徙工人提供合同和证件方面的咨询。\"}]}",
        "{\"lang\":\"es\",\"title\":\"Demo: protocolo de cooperación con empresas de la cadena de "
        "suministro\",\"summary\":\"Borrador de un protocolo para auditar el trabajo forzoso en proveedores "
        "agrícolas.\",\"country\":\"ESP\",\"paragraphs\":[\"annex-21\",\"annex-22\",\"annex-53\"],"
        "\"tags\":[\"supply chains\"],\"year\":2026,\"status\":\"draft\"}",
    };
    enum status st = STATUS_OK;
    for (size_t i = 0; i < ARRAY_LEN(practices) && st == STATUS_OK; i++) {
        json_t *in = json_loads(practices[i], 0, NULL);
        st = in != NULL ? practice_add(ctx, in, NULL) : err_set(STATUS_INVALID, "demo practice %zu", i);
        json_decref(in);
    }
    return st;
}
