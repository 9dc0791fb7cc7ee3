/* export_ctdc: the ctdc-kanon layout. Each case the principal may list becomes one compact row:
 * six quasi-identifier codes in a kanon_table and 49 indicator cells (2 bits each) beside it; no
 * text is kept. After kanon_run the rows are sorted by their released values and written one by
 * one. The mapping from the case fields is in docs/cases.md ("The ctdc-kanon export"). */
#include "cases/export_ctdc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/cases.h"
#include "cases/cases_int.h"
#include "cases/consent.h"
#include "cases/csv.h"
#include "cases/kanon.h"
#include "cases/vocab.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/util.h"

/* ---- the layout ----------------------------------------------------------------------------- */

const char *const ctdc_column_names[CTDC_COLUMNS] = {
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
    "typeOfExploitConcatenated",
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
};

/* The quasi-identifiers, in the order of the kanon table. */
enum { QI_GENDER, QI_AGE, QI_MAJORITY_EXPLOIT, QI_CITIZENSHIP, QI_EXPLOITATION_COUNTRY, QI_YEAR, QI__COUNT };

/* Indicator groups: each has its indicator columns and a concatenated column (but isAbduction). */
enum group { G_CONTROL, G_EXPLOIT, G_LABOUR, G_SEX, G_ABDUCTION, G_RECRUITER, G__COUNT };

/* The indicator columns, in layout order: their group and the label the concatenated column of
 * the group uses (the codebook's wording). */
static const struct {
    const char *column;
    enum group group;
    const char *label;
} flags[] = {
    {"meansOfControlDebtBondage", G_CONTROL, "Debt bondage"},
    {"meansOfControlTakesEarnings", G_CONTROL, "Takes/Withholds Earnings"},
    {"meansOfControlRestrictsFinancialAccess", G_CONTROL, "Restricts access to finances"},
    {"meansOfControlThreats", G_CONTROL, "Threats to individual or others"},
    {"meansOfControlPsychologicalAbuse", G_CONTROL, "Psychological abuse"},
    {"meansOfControlPhysicalAbuse", G_CONTROL, "Physical abuse"},
    {"meansOfControlSexualAbuse", G_CONTROL, "Sexual abuse"},
    {"meansOfControlFalsePromises", G_CONTROL, "False promises/deception"},
    {"meansOfControlPsychoactiveSubstances", G_CONTROL, "Use of psychoactive substances"},
    {"meansOfControlRestrictsMovement", G_CONTROL, "Denied freedom of movement/kept in isolation"},
    {"meansOfControlRestrictsMedicalCare", G_CONTROL, "Limits/restricts medical services"},
    {"meansOfControlExcessiveWorkingHours", G_CONTROL, "Excessive working hours"},
    {"meansOfControlUsesChildren", G_CONTROL, "Restricts access to/manipulates children"},
    {"meansOfControlThreatOfLawEnforcement", G_CONTROL, "Threat of action by law enforcement"},
    {"meansOfControlWithholdsNecessities", G_CONTROL, "Withholds/denies basic necessities"},
    {"meansOfControlWithholdsDocuments", G_CONTROL, "Withholds/Destroys Important Documents"},
    {"meansOfControlOther", G_CONTROL, "Other"},
    {"meansOfControlNotSpecified", G_CONTROL, "Not Specified"},
    {"isForcedLabour", G_EXPLOIT, "Forced labour"},
    {"isSexualExploit", G_EXPLOIT, "Sexual exploitation"},
    {"isOtherExploit", G_EXPLOIT, "Other"},
    {"isSexAndLabour", G_EXPLOIT, "Combined sexual and labour exploitation"},
    {"isForcedMarriage", G_EXPLOIT, "Forced marriage"},
    {"isForcedMilitary", G_EXPLOIT, "Forced military"},
    {"isOrganRemoval", G_EXPLOIT, "Organ removal"},
    {"isSlaveryAndPractices", G_EXPLOIT, "Slavery and similar practices"},
    {"typeOfLabourAgriculture", G_LABOUR, "Agriculture/Farms/Animal Husbandry"},
    {"typeOfLabourAquafarming", G_LABOUR, "Aquafarming/Fishing"},
    {"typeOfLabourBegging", G_LABOUR, "Begging"},
    {"typeOfLabourConstruction", G_LABOUR, "Construction"},
    {"typeOfLabourDomesticWork", G_LABOUR, "Domestic Work"},
    {"typeOfLabourHospitality", G_LABOUR, "Hospitality/Restaurant/Food Service/Hotel"},
    {"typeOfLabourIllicitActivities", G_LABOUR, "Illicit Activities"},
    {"typeOfLabourManufacturing", G_LABOUR, "Manufacturing/Factory work"},
    {"typeOfLabourMiningOrDrilling", G_LABOUR, "Mining, Quarrying, Oil/Gas Extraction"},
    {"typeOfLabourPeddling", G_LABOUR, "Peddling/informal street commerce"},
    {"typeOfLabourTransportation", G_LABOUR, "Transportation"},
    {"typeOfLabourOther", G_LABOUR, "Other"},
    {"typeOfLabourNotSpecified", G_LABOUR, "Not Specified"},
    {"typeOfSexProstitution", G_SEX, "Prostitution"},
    {"typeOfSexPornography", G_SEX, "Pornography"},
    {"typeOfSexRemoteInteractiveServices", G_SEX, "Remote interactive services"},
    {"typeOfSexPrivateSexualServices", G_SEX, "Private sexual services"},
    {"isAbduction", G_ABDUCTION, NULL},
    {"recruiterRelationIntimatePartner", G_RECRUITER, "Intimate Partner"},
    {"recruiterRelationFriend", G_RECRUITER, "Friend/Acquaintance"},
    {"recruiterRelationFamily", G_RECRUITER, "Family/Relative"},
    {"recruiterRelationOther", G_RECRUITER, "Other"},
    {"recruiterRelationUnknown", G_RECRUITER, "Not Specified / Unknown"},
};
#define NFLAGS ARRAY_LEN(flags)
_Static_assert(ARRAY_LEN(flags) == 49, "49 indicator columns");
_Static_assert(ARRAY_LEN(flags) * 2 <= 128, "the indicators fit in two 64-bit words");

/* The concatenated column of each group (NULL: none). */
static const char *const concat_column[G__COUNT] = {
    "meansOfControlConcatenated",
    "typeOfExploitConcatenated",
    "typeOfLabourConcatenated",
    "typeOfSexConcatenated",
    NULL,
    "RecruiterRelationship",
};

/* An indicator cell: blank (the layout's missing value), 0 or 1. */
enum { F_BLANK = 0, F_NO = 1, F_YES = 2 };

/* The position of an indicator column in flags[] (at start-up: the table is fixed). */
static size_t flag_at(const char *column)
{
    for (size_t i = 0; i < NFLAGS; i++) {
        if (strcmp(flags[i].column, column) == 0) {
            return i;
        }
    }
    ASSERT(!"no such indicator column");
    return 0;
}

/* ---- codes of the quasi-identifiers ----------------------------------------------------------- */

static const char *const gender_names[] = {"Female", "Male", "Transgender/NonConforming", "Unknown"};
static const char *const age_bands[] = {"0--8",   "9--17",  "18--20", "21--23", "24--26",
                                        "27--29", "30--38", "39--47", "48+"};
static const char *const majority_names[] = {"Minor", "Adult", "Unknown"};
#define AGE_NO_BAND 9u
#define MAJ_NONE 3u

static uint32_t age_band(int64_t age)
{
    static const int64_t hi[] = {8, 17, 20, 23, 26, 29, 38, 47};
    for (uint32_t i = 0; i < ARRAY_LEN(hi); i++) {
        if (age <= hi[i]) {
            return i;
        }
    }
    return 8;
}

/* The age QI joins ageBroad and majorityStatus: code = band * 4 + majority. Level 1 keeps the
 * majority status only (ageBroad blank): the wider bands 0--17 and 18+, written in the column
 * the layout has for them. */
static uint32_t age_generalise(uint32_t code, unsigned level, const void *arg)
{
    (void)arg;
    (void)level;
    uint32_t maj = code % 4;
    return maj == MAJ_NONE ? KANON_MISSING : AGE_NO_BAND * 4 + maj;
}

static const struct kanon_hierarchy hierarchy[QI__COUNT] = {
    [QI_GENDER] = {.name = "gender"},
    [QI_AGE] = {.name = "age (ageBroad and majorityStatus)",
                .levels = 1,
                .level_names = {"majorityStatus only (0--17 or 18+)"},
                .generalise = age_generalise},
    [QI_MAJORITY_EXPLOIT] = {.name = "majorityStatusAtExploit"},
    [QI_CITIZENSHIP] = {.name = "citizenship"},
    [QI_EXPLOITATION_COUNTRY] = {.name = "CountryOfExploitation"},
    [QI_YEAR] = {.name = "yearOfRegistration"},
};

static bool is(const struct case_record *r, enum case_field_id f, enum case_state s)
{
    return r->v[f].state == s;
}

static const char *code_of(const struct case_record *r, enum case_field_id f)
{
    return is(r, f, CASE_SET) && r->v[f].text != NULL ? r->v[f].text : NULL;
}

static uint32_t gender_code(const struct case_record *r)
{
    const char *g = code_of(r, CASE_F_gender);
    if (g == NULL) {
        return is(r, CASE_F_gender, CASE_UNKNOWN) ? 3 : KANON_MISSING;
    }
    if (strcmp(g, "Feminine") == 0) {
        return 0;
    }
    if (strcmp(g, "Masculine") == 0) {
        return 1;
    }
    if (strcmp(g, "TransgenderFeminine") == 0 || strcmp(g, "TransgenderMasculine") == 0 ||
        strcmp(g, "NonConforming") == 0) {
        return 2;
    }
    if (strcmp(g, "NonSpecifiedUnknown") == 0) {
        return 3;
    }
    return KANON_MISSING; /* a code added by a country: no CTDC value */
}

/* Minor 0, Adult 1, Unknown 2, MAJ_NONE: the majority field, else from the age field. */
static uint32_t majority_code(const struct case_record *r, enum case_field_id majority, enum case_field_id age)
{
    const char *m = code_of(r, majority);
    if (m != NULL) {
        return strcmp(m, "Minor") == 0 ? 0 : strcmp(m, "Adult") == 0 ? 1 : 2;
    }
    if (is(r, age, CASE_SET)) {
        return r->v[age].i < 18 ? 0 : 1;
    }
    return is(r, majority, CASE_UNKNOWN) ? 2 : MAJ_NONE;
}

static uint32_t country_code(const struct case_record *r, enum case_field_id f)
{
    const char *c = code_of(r, f);
    int i = c != NULL && vocab_country_alpha2(c) != NULL ? vocab_index("country", c) : -1;
    return i >= 0 ? (uint32_t)i : KANON_MISSING;
}

static void qi_codes(const struct case_record *r, uint32_t codes[QI__COUNT])
{
    codes[QI_GENDER] = gender_code(r);
    uint32_t band = is(r, CASE_F_age, CASE_SET) ? age_band(r->v[CASE_F_age].i) : AGE_NO_BAND;
    uint32_t maj = majority_code(r, CASE_F_majority_status, CASE_F_age);
    codes[QI_AGE] = band == AGE_NO_BAND && maj == MAJ_NONE ? KANON_MISSING : band * 4 + maj;
    maj = majority_code(r, CASE_F_majority_when_trafficked, CASE_F_age_when_trafficked);
    codes[QI_MAJORITY_EXPLOIT] = maj == MAJ_NONE ? KANON_MISSING : maj;
    codes[QI_CITIZENSHIP] = country_code(r, CASE_F_citizenship);
    codes[QI_EXPLOITATION_COUNTRY] = country_code(r, CASE_F_exploitation_country);
    codes[QI_YEAR] = is(r, CASE_F_year_registered, CASE_SET) ? (uint32_t)r->v[CASE_F_year_registered].i : KANON_MISSING;
}

/* ---- the indicator columns ------------------------------------------------------------------- */

static bool has_code(const struct case_record *r, enum case_field_id f, const char *code)
{
    int i = vocab_index(case_fields[f].vocab, code);
    return i >= 0 && i < 63 && is(r, f, CASE_SET) && ((r->v[f].i >> i) & 1);
}

/* Bits of a multi-select not among `known` (codes of its vocabulary). */
static bool has_other(const struct case_record *r, enum case_field_id f, const char *const *known, size_t n)
{
    if (!is(r, f, CASE_SET)) {
        return false;
    }
    int64_t rest = r->v[f].i;
    for (size_t i = 0; i < n; i++) {
        int b = vocab_index(case_fields[f].vocab, known[i]);
        if (b >= 0 && b < 63) {
            rest &= ~(INT64_C(1) << b);
        }
    }
    return rest != 0;
}

static void put(uint8_t *cells, const char *column, bool known, bool yes)
{
    cells[flag_at(column)] = !known ? F_BLANK : yes ? F_YES : F_NO;
}

static void control_flags(const struct case_record *r, uint8_t *cells)
{
    static const struct {
        const char *column, *code;
    } map[] = {
        {"meansOfControlDebtBondage", "DebtBondage"},
        {"meansOfControlTakesEarnings", "TakesEarnings"},
        {"meansOfControlRestrictsFinancialAccess", "RestrictsFinancialAccess"},
        {"meansOfControlThreats", "PhysicalThreats"},
        {"meansOfControlPsychologicalAbuse", "PsychologicalAbuse"},
        {"meansOfControlPhysicalAbuse", "PhysicalAbuse"},
        {"meansOfControlSexualAbuse", "SexualAbuse"},
        {"meansOfControlFalsePromises", "FalsePromises"},
        {"meansOfControlPsychoactiveSubstances", "PsychoactiveSubstance"},
        {"meansOfControlRestrictsMedicalCare", "RestrictsMedicalCare"},
        {"meansOfControlExcessiveWorkingHours", "ExcessiveWorkingHours"},
        {"meansOfControlUsesChildren", "ThreatensChildrenFamily"},
        {"meansOfControlThreatOfLawEnforcement", "ThreatsLawEnforcement"},
        {"meansOfControlWithholdsNecessities", "WithholdsNecessities"},
        {"meansOfControlWithholdsDocuments", "WithholdsDocuments"},
        {"meansOfControlOther", "Other"},
    };
    bool set = is(r, CASE_F_control_methods, CASE_SET);
    for (size_t i = 0; i < ARRAY_LEN(map); i++) {
        put(cells, map[i].column, set, has_code(r, CASE_F_control_methods, map[i].code));
    }
    /* Codes a country added count as Other. */
    const char *known[ARRAY_LEN(map)];
    for (size_t i = 0; i < ARRAY_LEN(map); i++) {
        known[i] = map[i].code;
    }
    if (has_other(r, CASE_F_control_methods, known, ARRAY_LEN(known))) {
        put(cells, "meansOfControlOther", true, true);
    }
    /* meansOfControlRestrictsMovement: HTCDS v2 has no such code; stays blank. */
    bool unknown = is(r, CASE_F_control_methods, CASE_UNKNOWN);
    put(cells, "meansOfControlNotSpecified", set || unknown, unknown);
}

static void exploit_flags(const struct case_record *r, uint8_t *cells)
{
    static const char *const labour[] = {"ForcedLabour", "ChildLabour", "ForcedBegging"};
    static const char *const other[] = {"Other", "ForcedAdoption", "Surrogacy"};
    static const char *const mapped[] = {"ForcedLabour",
                                         "ChildLabour",
                                         "ForcedBegging",
                                         "Other",
                                         "ForcedAdoption",
                                         "Surrogacy",
                                         "SexualExploitation",
                                         "ForcedMarriage",
                                         "ForcedMilitaryByNonStateActors",
                                         "OrganRemoval",
                                         "Servitude"};
    enum case_field_id f = CASE_F_exploitation_types;
    bool set = is(r, f, CASE_SET);
    bool fl = false, oth = has_other(r, f, mapped, ARRAY_LEN(mapped));
    for (size_t i = 0; i < ARRAY_LEN(labour); i++) {
        fl = fl || has_code(r, f, labour[i]);
        oth = oth || has_code(r, f, other[i]);
    }
    bool sex = has_code(r, f, "SexualExploitation");
    put(cells, "isForcedLabour", set, fl);
    put(cells, "isSexualExploit", set, sex);
    put(cells, "isOtherExploit", set, oth);
    put(cells, "isSexAndLabour", set, fl && sex);
    put(cells, "isForcedMarriage", set, has_code(r, f, "ForcedMarriage"));
    put(cells, "isForcedMilitary", set, has_code(r, f, "ForcedMilitaryByNonStateActors"));
    put(cells, "isOrganRemoval", set, has_code(r, f, "OrganRemoval"));
    put(cells, "isSlaveryAndPractices", set, has_code(r, f, "Servitude"));
}

static void labour_flags(const struct case_record *r, uint8_t *cells)
{
    static const struct {
        const char *column, *code;
    } map[] = {
        {"typeOfLabourAgriculture", "A_AgricultureForestryAndFishing"},
        {"typeOfLabourConstruction", "F_Construction"},
        {"typeOfLabourDomesticWork", "T_ActivitiesOfHouseholdsAsEmployers"},
        {"typeOfLabourHospitality", "I_AccommodationAndFoodServiceActivities"},
        {"typeOfLabourManufacturing", "C_Manufacturing"},
        {"typeOfLabourMiningOrDrilling", "B_MiningAndQuarrying"},
        {"typeOfLabourTransportation", "H_TransportationAndStorage"},
    };
    enum case_field_id f = CASE_F_labour_industries;
    bool set = is(r, f, CASE_SET);
    const char *known[ARRAY_LEN(map)];
    for (size_t i = 0; i < ARRAY_LEN(map); i++) {
        put(cells, map[i].column, set, has_code(r, f, map[i].code));
        known[i] = map[i].code;
    }
    /* The other ISIC sections (and codes a country added). Aquafarming (ISIC A division 03),
     * illicit activities and peddling have no ISIC section of their own: blank. */
    put(cells, "typeOfLabourOther", set, has_other(r, f, known, ARRAY_LEN(known)));
    bool unknown = is(r, f, CASE_UNKNOWN);
    put(cells, "typeOfLabourNotSpecified", set || unknown, unknown);
    /* Begging is a type of exploitation in HTCDS. */
    bool begging = has_code(r, CASE_F_exploitation_types, "ForcedBegging");
    put(cells, "typeOfLabourBegging", set || is(r, CASE_F_exploitation_types, CASE_SET), begging);
}

static void sex_flags(const struct case_record *r, uint8_t *cells)
{
    static const struct {
        const char *column, *code;
    } map[] = {
        {"typeOfSexProstitution", "Prostitution"},
        {"typeOfSexPornography", "Pornography"},
        {"typeOfSexRemoteInteractiveServices", "RemoteInteractiveServices"},
        {"typeOfSexPrivateSexualServices", "PrivateSexualServices"},
    };
    bool set = is(r, CASE_F_sex_exploitation_types, CASE_SET);
    for (size_t i = 0; i < ARRAY_LEN(map); i++) {
        put(cells, map[i].column, set, has_code(r, CASE_F_sex_exploitation_types, map[i].code));
    }
}

static void recruiter_flags(const struct case_record *r, uint8_t *cells)
{
    enum case_field_id rel = CASE_F_relationship_to_trafficker, perp = CASE_F_perp_relations;
    bool set = is(r, rel, CASE_SET) || is(r, perp, CASE_SET);
    bool unknown = !set && (is(r, rel, CASE_UNKNOWN) || is(r, perp, CASE_UNKNOWN));
    /* recruiterRelationIntimatePartner: HTCDS v2 has no intimate partner; CTDC's
     * FamilyIntimatePartner is written as family. */
    put(cells, "recruiterRelationFriend", set,
        has_code(r, rel, "Acquainted") || has_code(r, perp, "FriendAcquaintance"));
    put(cells, "recruiterRelationFamily", set,
        has_code(r, rel, "Familial") || has_code(r, perp, "FamilyIntimatePartner"));
    put(cells, "recruiterRelationOther", set,
        has_code(r, rel, "Unaquainted") || has_code(r, perp, "StrangerUnknownOther"));
    put(cells, "recruiterRelationUnknown", set || unknown, unknown);
}

static void indicator_cells(const struct case_record *r, uint8_t cells[NFLAGS])
{
    memset(cells, F_BLANK, NFLAGS);
    control_flags(r, cells);
    exploit_flags(r, cells);
    labour_flags(r, cells);
    sex_flags(r, cells);
    /* isAbduction: no field holds it; blank. */
    recruiter_flags(r, cells);
}

static void pack(const uint8_t cells[NFLAGS], uint64_t out[2])
{
    out[0] = out[1] = 0;
    for (size_t i = 0; i < NFLAGS; i++) {
        out[i / 32] |= (uint64_t)cells[i] << (2 * (i % 32));
    }
}

static void unpack(const uint64_t in[2], uint8_t cells[NFLAGS])
{
    for (size_t i = 0; i < NFLAGS; i++) {
        cells[i] = (uint8_t)((in[i / 32] >> (2 * (i % 32))) & 3);
    }
}

/* ---- which cases are released ----------------------------------------------------------------- */

/* Whether a case may go into a release: its consent must allow research use (a refusal or a
 * withdrawal of the research item leaves it out; see consent.h). */
static enum status ctdc_case_releasable(const struct auth_ctx *ctx, const struct case_record *r, bool *yes)
{
    int64_t consent = 0;
    enum status st = case__consent_flags(ctx, r->id, &consent);
    *yes = st == STATUS_OK && case_consent_allows(consent, CASE_USE_RESEARCH);
    return st;
}

/* ---- reading ---------------------------------------------------------------------------------- */

struct ctdc_page {
    int64_t opened_from_ms; /* the range of opening times of this pass (0: open) */
    int64_t opened_to_ms;
    int64_t offset;
    size_t listed;                            /* cases in the page */
    size_t kept;                              /* of which released */
    uint32_t codes[PAGE_ROWS_MAX][QI__COUNT]; /* of the released ones */
    uint64_t cells[PAGE_ROWS_MAX][2];
};

/* One page: codes only are kept (the store may run it more than once; the caller takes the
 * rows after the commit). */
static enum status ctdc_read_page(const struct auth_ctx *ctx, void *arg)
{
    struct ctdc_page *p = arg;
    p->listed = p->kept = 0;
    struct case_filter filter = {.opened_from_ms = p->opened_from_ms,
                                 .opened_to_ms = p->opened_to_ms,
                                 .limit = PAGE_ROWS_MAX,
                                 .offset = p->offset,
                                 .codes_only = true}; /* no name is decrypted for a release */
    struct case_record **list = NULL;
    size_t count = 0;
    enum status st = case_list(ctx, &filter, &list, &count);
    if (st != STATUS_OK) {
        return st;
    }
    uint8_t cells[NFLAGS];
    for (size_t i = 0; i < count; i++) {
        bool releasable = false;
        st = ctdc_case_releasable(ctx, list[i], &releasable);
        if (st != STATUS_OK) {
            case_list_free(list, count);
            return st;
        }
        if (!releasable) {
            continue;
        }
        qi_codes(list[i], p->codes[p->kept]);
        indicator_cells(list[i], cells);
        pack(cells, p->cells[p->kept]);
        p->kept++;
    }
    p->listed = count;
    case_list_free(list, count);
    return STATUS_OK;
}

/* ---- writing ---------------------------------------------------------------------------------- */

struct sort_row {
    uint32_t v[QI__COUNT]; /* released codes */
    uint64_t cells[2];
};

static int sort_row_cmp(const void *a, const void *b)
{
    const struct sort_row *x = a, *y = b;
    for (size_t q = 0; q < QI__COUNT; q++) {
        if (x->v[q] != y->v[q]) {
            return x->v[q] < y->v[q] ? -1 : 1;
        }
    }
    for (size_t i = 0; i < 2; i++) {
        if (x->cells[i] != y->cells[i]) {
            return x->cells[i] < y->cells[i] ? -1 : 1;
        }
    }
    return 0;
}

static int label_cmp(const void *a, const void *b)
{
    return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

static void write_concat(FILE *out, enum group g, const uint8_t cells[NFLAGS])
{
    const char *labels[NFLAGS];
    size_t n = 0;
    bool any = false;
    for (size_t i = 0; i < NFLAGS; i++) {
        if (flags[i].group == g) {
            any = any || cells[i] != F_BLANK;
            if (cells[i] == F_YES) {
                labels[n++] = flags[i].label;
            }
        }
    }
    if (!any || n == 0) {
        csv_write_cell(out, NULL, false);
        return;
    }
    qsort(labels, n, sizeof *labels, label_cmp);
    char text[1024];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(text + len, sizeof text - len, "%s%s", i ? ";" : "", labels[i]);
        ASSERT(w > 0 && (size_t)w < sizeof text - len);
        len += (size_t)w;
    }
    csv_write_cell(out, text, false);
}

static const char *country_alpha2(uint32_t v)
{
    const char *iso3 = v == KANON_MISSING ? NULL : vocab_code("country", v);
    return iso3 != NULL ? vocab_country_alpha2(iso3) : NULL;
}

static void write_row(FILE *out, const struct sort_row *row)
{
    uint8_t cells[NFLAGS];
    unpack(row->cells, cells);
    char year[16] = "";
    if (row->v[QI_YEAR] != KANON_MISSING) {
        snprintf(year, sizeof year, "%u", row->v[QI_YEAR]);
    }
    uint32_t age = row->v[QI_AGE];
    uint32_t band = age == KANON_MISSING ? AGE_NO_BAND : age / 4, maj = age == KANON_MISSING ? MAJ_NONE : age % 4;
    uint32_t gender = row->v[QI_GENDER], exploit = row->v[QI_MAJORITY_EXPLOIT];
    for (size_t c = 0; c < CTDC_COLUMNS; c++) {
        const char *name = ctdc_column_names[c];
        bool first = c == 0;
        if (c == 0) {
            csv_write_cell(out, year, first);
        } else if (strcmp(name, "gender") == 0) {
            csv_write_cell(out, gender == KANON_MISSING ? NULL : gender_names[gender], first);
        } else if (strcmp(name, "ageBroad") == 0) {
            csv_write_cell(out, band == AGE_NO_BAND ? NULL : age_bands[band], first);
        } else if (strcmp(name, "majorityStatus") == 0) {
            csv_write_cell(out, maj == MAJ_NONE ? NULL : majority_names[maj], first);
        } else if (strcmp(name, "majorityStatusAtExploit") == 0) {
            csv_write_cell(out, exploit == KANON_MISSING ? NULL : majority_names[exploit], first);
        } else if (strcmp(name, "citizenship") == 0) {
            csv_write_cell(out, country_alpha2(row->v[QI_CITIZENSHIP]), first);
        } else if (strcmp(name, "CountryOfExploitation") == 0) {
            csv_write_cell(out, country_alpha2(row->v[QI_EXPLOITATION_COUNTRY]), first);
        } else {
            bool done = false;
            for (size_t g = 0; g < G__COUNT && !done; g++) {
                if (concat_column[g] != NULL && strcmp(name, concat_column[g]) == 0) {
                    write_concat(out, (enum group)g, cells);
                    done = true;
                }
            }
            for (size_t i = 0; i < NFLAGS && !done; i++) {
                if (strcmp(name, flags[i].column) == 0) {
                    csv_write_cell(out, cells[i] == F_YES ? "1" : cells[i] == F_NO ? "0" : NULL, first);
                    done = true;
                }
            }
            if (!done) { /* Datasource, majorityEntry: no field holds them */
                csv_write_cell(out, NULL, first);
            }
        }
    }
    csv_write_end(out);
}

/* ---- the export ------------------------------------------------------------------------------- */

struct ctdc_audit {
    const char *detail;
    bool ok;
};

static enum status ctdc_audit(const struct auth_ctx *ctx, void *arg)
{
    const struct ctdc_audit *a = arg;
    if (a->ok) {
        return auth_check(ctx, "case.export", NULL, AUTH_FG_NONE, false, a->detail);
    }
    return auth_audit(ctx, "case.export", "case", 0, "failed", a->detail);
}

/* Reads every case the principal may list into t and cells (two passes by opening time, as
 * export.c does, so that cases added meanwhile do not shift the pages). */
static enum status ctdc_read_all(const struct auth_ctx *ctx, const struct case_export_options *opt,
                                 struct kanon_table *t, uint64_t (**cells)[2], size_t *excluded)
{
    struct ctdc_page *p = xcalloc(1, sizeof *p);
    size_t cap = 0;
    enum status st = STATUS_OK;
    int64_t start = util_now_ms(), read = 0;
    p->opened_to_ms = start;
    for (int pass = 0; pass < 2 && st == STATUS_OK;) {
        st = auth_run(ctx, ctdc_read_page, p);
        for (size_t i = 0; i < p->kept && st == STATUS_OK; i++) {
            st = kanon_table_add(t, p->codes[i]);
            if (st == STATUS_OK) {
                if (t->rows > cap) {
                    cap = cap ? cap * 2 : 1024;
                    *cells = xrealloc(*cells, cap * sizeof **cells);
                }
                memcpy((*cells)[t->rows - 1], p->cells[i], sizeof p->cells[i]);
            }
        }
        if (st != STATUS_OK) {
            break;
        }
        *excluded += p->listed - p->kept;
        read += (int64_t)p->listed;
        p->offset += (int64_t)p->listed;
        if (opt->progress != NULL) {
            opt->progress(read, opt->progress_arg);
        }
        if (p->listed < PAGE_ROWS_MAX) {
            pass++;
            p->offset = 0;
            p->opened_from_ms = start + 1;
            p->opened_to_ms = 0;
        }
    }
    free(p);
    return st;
}

enum status case__export_ctdc_kanon(const struct auth_ctx *ctx, FILE *out, const struct case_export_options *opt,
                                    int64_t *count_out)
{
    size_t k = opt->k ? opt->k : KANON_K_DEFAULT;
    if (k > KANON_K_MAX) {
        return err_set_field(STATUS_INVALID, "k", "k: 1 to %d", KANON_K_MAX);
    }
    struct kanon_table t;
    kanon_table_init(&t, QI__COUNT);
    uint64_t(*cells)[2] = NULL;
    struct sort_row *rows = NULL;
    struct kanon_report rep;
    memset(&rep, 0, sizeof rep);
    enum status st = ctdc_read_all(ctx, opt, &t, &cells, &rep.rows_excluded);
    if (st == STATUS_OK) {
        st = kanon_run(&t, hierarchy, k, &rep);
    }
    size_t n = 0;
    if (st == STATUS_OK) {
        rows = xmalloc((t.rows ? t.rows : 1) * sizeof *rows);
        for (size_t r = 0; r < t.rows; r++) {
            if (t.dropped[r]) {
                continue;
            }
            for (size_t q = 0; q < QI__COUNT; q++) {
                rows[n].v[q] = kanon_value(&t, hierarchy, r, q);
            }
            memcpy(rows[n].cells, cells[r], sizeof rows[n].cells);
            n++;
        }
        kanon_table_free(&t);
        free(cells);
        cells = NULL;
        qsort(rows, n, sizeof *rows, sort_row_cmp);
        for (size_t c = 0; c < CTDC_COLUMNS; c++) {
            csv_write_cell(out, ctdc_column_names[c], c == 0);
        }
        csv_write_end(out);
        for (size_t i = 0; i < n; i++) {
            write_row(out, &rows[i]);
        }
        if (fflush(out) != 0 || ferror(out)) {
            st = err_set(STATUS_IO, "cannot write the export");
        }
    }
    kanon_table_free(&t);
    free(cells);
    free(rows);
    char detail[AUDIT_DETAIL_BYTES_MAX];
    snprintf(detail, sizeof detail, "format=ctdc-kanon count=%zu personal=no k=%zu dropped=%zu min_class=%zu", n, k,
             rep.rows_dropped, rep.min_class);
    struct ctdc_audit a = {detail, st == STATUS_OK};
    if (st == STATUS_OK) {
        st = auth_run(ctx, ctdc_audit, &a);
    } else if (st != STATUS_DENIED) {
        char msg[ERR_MESSAGE_BYTES_MAX], field[ERR_FIELD_BYTES_MAX];
        snprintf(msg, sizeof msg, "%s", err_last());
        snprintf(field, sizeof field, "%s", err_last_field());
        auth_run(ctx, ctdc_audit, &a);
        err_set_field(st, field[0] ? field : NULL, "%s", msg);
    }
    if (st == STATUS_OK && opt->report != NULL) {
        *opt->report = rep;
    }
    if (count_out != NULL) {
        *count_out = (int64_t)n;
    }
    return st;
}
