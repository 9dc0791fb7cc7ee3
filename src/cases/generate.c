/* generate: a splitmix64 stream per record drives weighted choices from the tables below. Every
 * value goes through case_value_parse, so a table that drifts from the vocabularies fails an
 * assertion at once instead of producing records that would not import. */
#include "cases/generate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/consent.h"
#include "cases/csv.h"
#include "cases/records.h"
#include "cases/vocab.h"
#include "util/mem.h"
#include "util/util.h"

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *g)
{
    uint64_t z = (g->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(struct rng *g, uint32_t n)
{
    return (uint32_t)(((rng_next(g) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability percent/100. */
static bool rng_chance(struct rng *g, uint32_t percent)
{
    return rng_below(g, 1000) < percent * 10;
}

struct weighted {
    const char *value;
    uint32_t weight;
};

static const char *pick_weighted(struct rng *g, const struct weighted *w, size_t n)
{
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += w[i].weight;
    }
    uint32_t x = rng_below(g, total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i].weight) {
            return w[i].value;
        }
        x -= w[i].weight;
    }
    return w[n - 1].value;
}

#define PICK(g, table) pick_weighted((g), (table), ARRAY_LEN(table))
#define ONE_OF(g, list) ((list)[rng_below((g), (uint32_t)ARRAY_LEN(list))])

/* Countries of citizenship, with their names, language and phone prefix. */
struct nation {
    const char *iso3;
    uint32_t weight;
    const char *language;
    const char *phone_prefix;
    const char *const *given;
    const char *const *family;
    bool latin; /* names usable in an e-mail address */
};

static const char *const given_nga[] = {"Chinedu",   "Aisha",  "Blessing", "Emeka", "Ngozi",
                                        "Oluwaseun", "Fatima", "Chiamaka", NULL};
static const char *const family_nga[] = {"Okafor", "Adeyemi", "Eze", "Bello", "Okonkwo", "Ibrahim", NULL};
static const char *const given_phl[] = {"Maria", "Jose", "Rosalie", "Mark Anthony", "Jocelyn", "Marites", NULL};
static const char *const family_phl[] = {"Santos", "Reyes", "Dela Cruz", "Bautista", "Garcia", "Mendoza", NULL};
static const char *const given_ukr[] = {"Олена", "Андрій", "Наталія", "Іван", "Оксана", "Юлія", NULL};
static const char *const family_ukr[] = {"Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Мельник", NULL};
static const char *const given_rou[] = {"Ioana", "Andrei", "Mădălina", "Ștefan", "Elena", "Alexandru", NULL};
static const char *const family_rou[] = {"Popescu", "Ionescu", "Dumitrescu", "Stan", "Munteanu", NULL};
static const char *const given_tha[] = {"สมชาย", "สุดา", "มาลี", "ประเสริฐ", "วันเพ็ญ", NULL};
static const char *const family_tha[] = {"ศรีสุข", "วงศ์ใหญ่", "แสงทอง", "บุญมา", NULL};
static const char *const given_vnm[] = {"Thị Hương", "Văn Nam", "Thu Trang", "Minh Tuấn", "Ngọc Ánh", NULL};
static const char *const family_vnm[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", NULL};
static const char *const given_syr[] = {"محمد", "فاطمة", "أحمد", "مريم", "مُحَمَّد", "ليلى", NULL};
static const char *const family_syr[] = {"الحسن", "عبد الله", "الخطيب", "حداد", "المصري", NULL};
static const char *const given_chn[] = {"伟", "芳", "娜", "秀英", "磊", "静", NULL};
static const char *const family_chn[] = {"王", "李", "张", "刘", "陈", NULL};
static const char *const given_npl[] = {"सीता", "राम", "गीता", "बिकाश", "सरिता", NULL};
static const char *const family_npl[] = {"श्रेष्ठ", "तामाङ", "गुरुङ", "थापा", NULL};
static const char *const given_eth[] = {"አበበ", "ሰላም", "ትግስት", "ዳዊት", "ሃና", NULL};
static const char *const family_eth[] = {"ተስፋዬ", "በቀለ", "ገብሬ", "ታደሰ", NULL};
static const char *const given_mex[] = {"José", "María Fernanda", "Juan Carlos", "Guadalupe", "Sofía", NULL};
static const char *const family_mex[] = {"Hernández", "García", "López", "Martínez", "Pérez", NULL};
static const char *const given_alb[] = {"Arben", "Elira", "Besnik", "Anjeza", "Dritan", NULL};
static const char *const family_alb[] = {"Hoxha", "Krasniqi", "Shehu", "Gashi", NULL};
static const char *const given_bgd[] = {"Rahim", "Fatema", "Karim", "Nasrin", "Sumon", NULL};
static const char *const family_bgd[] = {"Hossain", "Begum", "Rahman", "Akter", "Islam", NULL};

static const struct nation nations[] = {
    {"NGA", 9, "yor", "+234", given_nga, family_nga, true},   {"PHL", 10, "tgl", "+63", given_phl, family_phl, true},
    {"UKR", 12, "ukr", "+380", given_ukr, family_ukr, false}, {"ROU", 6, "ron", "+40", given_rou, family_rou, false},
    {"THA", 5, "tha", "+66", given_tha, family_tha, false},   {"VNM", 6, "vie", "+84", given_vnm, family_vnm, false},
    {"SYR", 4, "ara", "+963", given_syr, family_syr, false},  {"CHN", 4, "zho", "+86", given_chn, family_chn, false},
    {"NPL", 5, "nep", "+977", given_npl, family_npl, false},  {"ETH", 5, "amh", "+251", given_eth, family_eth, false},
    {"MEX", 5, "spa", "+52", given_mex, family_mex, false},   {"HND", 3, "spa", "+504", given_mex, family_mex, false},
    {"ALB", 3, "sqi", "+355", given_alb, family_alb, true},   {"BGD", 6, "ben", "+880", given_bgd, family_bgd, true},
};

static const struct weighted destinations[] = {
    {"USA", 8}, {"GBR", 6}, {"DEU", 5}, {"ITA", 4}, {"THA", 5}, {"MYS", 6}, {"SAU", 5},
    {"ARE", 5}, {"RUS", 5}, {"TUR", 4}, {"KWT", 3}, {"LBN", 2}, {"ESP", 3}, {"NLD", 2},
};

static const struct weighted genders[] = {
    {"Feminine", 540},           {"Masculine", 430},   {"TransgenderFeminine", 8},
    {"TransgenderMasculine", 4}, {"NonConforming", 4}, {"NonSpecifiedUnknown", 14},
};

static const struct weighted exploitation[] = {
    {"ForcedLabour", 520},
    {"SexualExploitation", 280},
    {"ForcedLabour;SexualExploitation", 40},
    {"ForcedMarriage", 40},
    {"ForcedBegging", 25},
    {"ChildLabour", 25},
    {"Servitude", 20},
    {"ForcedMilitaryByNonStateActors", 8},
    {"OrganRemoval", 4},
    {"ForcedAdoption", 3},
    {"Other", 15},
};

static const struct weighted industries[] = {
    {"A_AgricultureForestryAndFishing", 20},
    {"C_Manufacturing", 14},
    {"F_Construction", 18},
    {"T_ActivitiesOfHouseholdsAsEmployers", 22},
    {"I_AccommodationAndFoodServiceActivities", 10},
    {"H_TransportationAndStorage", 4},
    {"B_MiningAndQuarrying", 4},
    {"S_OtherServiceActivities", 8},
};

static const struct weighted sex_types[] = {
    {"Prostitution", 70},
    {"Pornography", 12},
    {"RemoteInteractiveServices", 12},
    {"PrivateSexualServices", 6},
};

static const char *const control_methods[] = {
    "PhysicalThreats",    "ThreatsLawEnforcement", "ThreatensChildrenFamily",
    "DebtBondage",        "FalsePromises",         "PhysicalAbuse",
    "SexualAbuse",        "TakesEarnings",         "WithholdsDocuments",
    "PsychologicalAbuse", "ExcessiveWorkingHours", "WithholdsNecessities",
};

static const char *const recruitment_methods[] = {
    "ThroughFriendsOrSocialEvents",
    "ThroughOnlineSocialNetworks",
    "ThroughAnOnlineAdvertisement",
    "ThroughFamilyOrFamilyEvents",
    "AtWork",
    "AtAPlaceOfBusiness",
};

static const struct weighted trafficking_status[] = {
    {"ActualVictimOfTrafficking", 60},
    {"PossibleVictimOfTrafficking", 35},
    {"NotAVictimOfTrafficking", 5},
};

static const char *const decision_orgs[] = {"Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization",
                                            "Other"};
static const char *const relationships[] = {"Familial", "Acquainted", "Unaquainted"};
static const char *const referrers[] = {"Hotline 1800",    "Labour inspectorate", "Embassy consular section",
                                        "Partner NGO",     "Border police",       "Hospital social work unit",
                                        "Legal aid clinic"};
static const char *const streets[] = {"Market Road", "Station Street", "Harbour Lane", "Hill View", "Church Street"};
static const char *const narratives[] = {
    "Recruited with a promise of work abroad; documents taken on arrival; wages withheld.",
    "Met the recruiter through a friend; worked long hours without pay to repay a debt.",
    "Answered an online advertisement for a job in a hotel; forced into commercial sex.",
    "Travelled with a relative who arranged the journey; kept in a house and made to work.",
    "Approached at the bus station with an offer of factory work; movement restricted.",
};
static const char *const perp_genders[] = {"Male", "Female", "Female;Male"};
static const char *const perp_ages[] = {"0--29", "30--38", "39--47", "48+", "30--38;39--47"};
static const char *const perp_relations[] = {"StrangerUnknownOther", "FriendAcquaintance", "FamilyIntimatePartner",
                                             "FriendAcquaintance;StrangerUnknownOther"};
static const char *const perp_paid[] = {"No", "Yes", "No;Yes"};

static size_t list_len(const char *const *list)
{
    size_t n = 0;
    while (list[n] != NULL) {
        n++;
    }
    return n;
}

static const char *list_pick(struct rng *g, const char *const *list)
{
    return list[rng_below(g, (uint32_t)list_len(list))];
}

/* Sets a field; the tables here are ctis's own, so a value that does not parse is a bug. */
static void set(struct case_record *r, enum case_field_id f, const char *text)
{
    enum status st = case_value_parse(r, f, text);
    if (st != STATUS_OK) {
        util_assert_fail(err_last(), __FILE__, __LINE__);
    }
}

static void set_int(struct case_record *r, enum case_field_id f, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)v);
    set(r, f, num);
}

/* Up to `max` distinct codes of a list, ';'-joined. */
static void set_some(struct case_record *r, enum case_field_id f, struct rng *g, const char *const *list, size_t n,
                     uint32_t max)
{
    char text[512] = "";
    size_t len = 0;
    uint32_t want = 1 + rng_below(g, max);
    uint64_t used = 0;
    for (uint32_t k = 0; k < want; k++) {
        uint32_t i = rng_below(g, (uint32_t)n);
        if (used & ((uint64_t)1 << i)) {
            continue;
        }
        used |= (uint64_t)1 << i;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", len ? ";" : "", list[i]);
    }
    set(r, f, text);
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

void case_generate_row(struct case_record *r, uint64_t seed)
{
    struct rng g = {seed};
    case_record_clear(r);
    uint32_t total = 0;
    for (size_t i = 0; i < ARRAY_LEN(nations); i++) {
        total += nations[i].weight;
    }
    uint32_t x = rng_below(&g, total);
    const struct nation *n = &nations[0];
    for (size_t i = 0; i < ARRAY_LEN(nations); i++) {
        if (x < nations[i].weight) {
            n = &nations[i];
            break;
        }
        x -= nations[i].weight;
    }

    /* Registration: 2012 to 2025, more in recent years. */
    int year = 2012 + (int)rng_below(&g, 8) + (int)rng_below(&g, 7);
    int month = 1 + (int)rng_below(&g, 12);
    int day = 1 + (int)rng_below(&g, (uint32_t)days_in_month(year, month));
    char date[32];
    snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
    int64_t opened = 0;
    if (util_time_parse(&opened, date) == STATUS_OK) {
        r->opened_at_ms = opened + (int64_t)rng_below(&g, 86400) * 1000;
    }
    set_int(r, CASE_F_year_registered, year);

    /* The person. */
    const char *given = list_pick(&g, n->given);
    const char *family = list_pick(&g, n->family);
    set(r, CASE_F_given_name, given);
    set(r, CASE_F_family_name, family);
    if (rng_chance(&g, 15)) {
        set(r, CASE_F_middle_name, list_pick(&g, n->given));
    }
    const char *gender = PICK(&g, genders);
    set(r, CASE_F_gender, gender);
    uint32_t b = rng_below(&g, 100);
    int age = 10 + (int)rng_below(&g, 12) + (int)rng_below(&g, 12) + (int)rng_below(&g, 20);
    if (b < 82) {
        int m = 1 + (int)rng_below(&g, 12);
        snprintf(date, sizeof date, "%04d-%02d-%02d", year - age, m,
                 1 + (int)rng_below(&g, (uint32_t)days_in_month(year - age, m)));
        set(r, CASE_F_birth_date, date);
    } else if (b < 94) {
        snprintf(date, sizeof date, "%04d", year - age);
        set(r, CASE_F_birth_date, date);
    } else {
        r->v[CASE_F_birth_date].state = CASE_UNKNOWN;
    }
    set(r, CASE_F_citizenship, n->iso3);
    set(r, CASE_F_primary_language, n->language);
    if (rng_chance(&g, 60)) {
        char id[24];
        snprintf(id, sizeof id, "%c%08u", 'A' + (char)rng_below(&g, 26), (unsigned)rng_below(&g, 100000000));
        set(r, CASE_F_identity_number, id);
    }
    if (rng_chance(&g, 70)) {
        char phone[32];
        snprintf(phone, sizeof phone, "%s%09u", n->phone_prefix, (unsigned)rng_below(&g, 1000000000));
        set(r, CASE_F_phone, phone);
    }
    if (rng_chance(&g, 30)) {
        char email[96];
        if (n->latin) {
            snprintf(email, sizeof email, "%.20s.%.20s%u@example.org", given, family, (unsigned)rng_below(&g, 1000));
            for (char *p = email; *p; p++) {
                *p = *p == ' ' ? '.' : (*p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
            }
        } else {
            snprintf(email, sizeof email, "person%06u@example.org", (unsigned)rng_below(&g, 1000000));
        }
        set(r, CASE_F_email, email);
    }
    bool domestic = rng_chance(&g, 25);
    const char *exploited_in = domestic ? n->iso3 : PICK(&g, destinations);
    if (rng_chance(&g, 40)) {
        char address[128];
        snprintf(address, sizeof address, "%u %s, apartment %u", 1 + (unsigned)rng_below(&g, 200), ONE_OF(&g, streets),
                 1 + (unsigned)rng_below(&g, 40));
        set(r, CASE_F_address, address);
        set(r, CASE_F_mailing_country, rng_chance(&g, 50) ? n->iso3 : exploited_in);
    }

    /* The victim context. */
    set(r, CASE_F_trafficking_status, PICK(&g, trafficking_status));
    set(r, CASE_F_status_decided_by, ONE_OF(&g, decision_orgs));
    if (rng_chance(&g, 70)) {
        set(r, CASE_F_relationship_to_trafficker, ONE_OF(&g, relationships));
    }
    if (b < 94 && rng_chance(&g, 80)) {
        set_int(r, CASE_F_age_when_trafficked, age - (int)rng_below(&g, (uint32_t)(age < 14 ? 2 : 5)));
    }
    set_some(r, CASE_F_recruitment_methods, &g, recruitment_methods, ARRAY_LEN(recruitment_methods), 2);
    set_some(r, CASE_F_control_methods, &g, control_methods, ARRAY_LEN(control_methods), 4);
    const char *types = PICK(&g, exploitation);
    set(r, CASE_F_exploitation_types, types);
    if (strstr(types, "ForcedLabour") != NULL) {
        set(r, CASE_F_labour_industries, PICK(&g, industries));
    }
    if (strstr(types, "SexualExploitation") != NULL) {
        set(r, CASE_F_sex_exploitation_types, PICK(&g, sex_types));
    }
    if (rng_chance(&g, 90)) {
        set(r, CASE_F_exploitation_country, exploited_in);
    } else {
        r->v[CASE_F_exploitation_country].state = CASE_UNKNOWN;
    }

    /* The case. */
    set(r, CASE_F_referring_organisation, ONE_OF(&g, referrers));
    snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
    set(r, CASE_F_incoming_referral_date, date);
    if (rng_chance(&g, 35)) {
        set(r, CASE_F_narrative, ONE_OF(&g, narratives));
    }

    /* The perpetrators, as the victim described them. */
    if (rng_chance(&g, 45)) {
        set(r, CASE_F_perp_exploiter, rng_chance(&g, 80) ? "1" : "0");
        set(r, CASE_F_perp_genders, ONE_OF(&g, perp_genders));
        if (rng_chance(&g, 30)) {
            set(r, CASE_F_perp_age_bands, ONE_OF(&g, perp_ages));
        }
        set(r, CASE_F_perp_relations, ONE_OF(&g, perp_relations));
        set(r, CASE_F_perp_paid, ONE_OF(&g, perp_paid));
        set(r, CASE_F_perp_recruiter_broker, rng_chance(&g, 75) ? "1" : "0");
        set(r, CASE_F_perp_transaction, rng_chance(&g, 50) ? "1" : "0");
        set(r, CASE_F_perp_control_abuse_kidnap, rng_chance(&g, 15) ? "1" : "0");
    }
}

enum status case_generate_csv(FILE *out, int64_t rows, uint64_t seed)
{
    csv_write_cell(out, "opened_at", true);
    for (int f = 0; f < CASE_F__COUNT; f++) {
        csv_write_cell(out, case_fields[f].name, false);
    }
    csv_write_end(out);
    struct case_record r;
    case_record_init(&r);
    struct rng g = {seed};
    for (int64_t i = 0; i < rows && !ferror(out); i++) {
        case_generate_row(&r, rng_next(&g));
        char opened[32];
        util_time_iso(opened, r.opened_at_ms);
        csv_write_cell(out, opened, true);
        for (int f = 0; f < CASE_F__COUNT; f++) {
            char *text = case_value_format(&r, (enum case_field_id)f);
            csv_write_cell(out, text, false);
            free(text);
        }
        csv_write_end(out);
    }
    case_record_clear(&r);
    if (fflush(out) != 0 || ferror(out)) {
        return err_set(STATUS_IO, "cannot write the generated file");
    }
    return STATUS_OK;
}

/* Perpetrators and support plans of a generated case (demo data): 0 to 2 of each, with roles,
 * genders, age bands and support types in plausible proportions. No names: the demo shows sealed
 * names on victims already, and an invented perpetrator name could match a real person. */
enum status case_generate_records(const struct auth_ctx *ctx, int64_t case_id, uint64_t seed)
{
    static const struct weighted roles[] = {
        {"RecruiterOrIntermediary", 30}, {"Exploiter", 35},     {"Transporter", 10}, {"ControlledIndividual", 10},
        {"BrokerTravelAgent", 5},        {"SoldIndividual", 5}, {"Abuser", 5},
    };
    static const struct weighted rec_genders[] = {{"Masculine", 60}, {"Feminine", 35}, {"NonSpecifiedUnknown", 5}};
    static const char *const bands[] = {"0--29", "30--38", "39--47", "48+", NULL};
    static const char *const relations[] = {"Familial", "Acquainted", "Unaquainted", NULL};
    static const char *const countries[] = {"NGA", "GHA", "ROU", "THA", "UKR", "PHL", "MEX", "BGD", NULL};
    static const struct weighted types[] = {
        {"Health", 30},    {"Legal", 20},    {"SocialCare", 20},         {"Livelihood", 10},
        {"Education", 10}, {"Financial", 5}, {"RightsBasedTraining", 5},
    };
    static const char *const statuses[] = {"Planned", "InProgress", "Completed", NULL};
    struct rng g = {seed ^ UINT64_C(0x5DEECE66D)};
    enum status st = STATUS_OK;
    int perps = (int)rng_below(&g, 3);
    for (int i = 0; st == STATUS_OK && i < perps; i++) {
        struct case_perpetrator p;
        memset(&p, 0, sizeof p);
        p.age = -1;
        int role = vocab_index("perp_role", pick_weighted(&g, roles, sizeof roles / sizeof roles[0]));
        if (role >= 0) {
            p.roles = (uint64_t)1 << role;
        }
        snprintf(p.gender, sizeof p.gender, "%s",
                 pick_weighted(&g, rec_genders, sizeof rec_genders / sizeof rec_genders[0]));
        snprintf(p.age_band, sizeof p.age_band, "%s", list_pick(&g, bands));
        snprintf(p.relation, sizeof p.relation, "%s", list_pick(&g, relations));
        snprintf(p.citizenship, sizeof p.citizenship, "%s", list_pick(&g, countries));
        st = case_perpetrator_add(ctx, case_id, &p, NULL);
    }
    int plans = (int)rng_below(&g, 3);
    for (int i = 0; st == STATUS_OK && i < plans; i++) {
        struct case_support_plan p;
        memset(&p, 0, sizeof p);
        snprintf(p.type, sizeof p.type, "%s", pick_weighted(&g, types, sizeof types / sizeof types[0]));
        snprintf(p.status, sizeof p.status, "%s", list_pick(&g, statuses));
        snprintf(p.planned_end, sizeof p.planned_end, "%04u-%02u", 2026u + (rng_below(&g, 2) & 1u),
                 1u + rng_below(&g, 12) % 12u);
        st = case_support_plan_add(ctx, case_id, &p, NULL);
    }
    /* The consent checklist: most people agree to everything; some refuse research use; a few
     * were not asked yet. */
    uint32_t c = rng_below(&g, 100);
    if (st == STATUS_OK && c >= 5) {
        struct consent_change ch[CONSENT__COUNT];
        for (int i = 0; i < CONSENT__COUNT; i++) {
            ch[i] = (struct consent_change){(enum consent_item)i, CONSENT_GIVEN, NULL, NULL};
        }
        if (c < 15) {
            ch[CONSENT_RESEARCH].state = CONSENT_REFUSED;
        }
        st = consent_set(ctx, case_id, ch, CONSENT__COUNT);
    }
    return st;
}
