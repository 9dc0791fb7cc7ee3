/* screening: the structured identification interview (Trafficking Protocol art. 3 elements and
 * the ILO/EC operational indicators), its evaluation and explanation, and the recommendation a
 * person then decides on.
 *
 * Indicator sets are versioned data, not code: a JSON file (format "ctis-indicator-set/1",
 * docs/screening.md) gives a set's code, version, country ("" = the default set), population
 * (adult, child), exploitation (labour, sexual), whether it is verified, a source note, the six
 * dimensions, each indicator (code, dimension, grade strong/medium/weak, English label, optional
 * labels per language) and the decision rule: the minimum grade combinations that make a
 * dimension positive, the clauses ("any of these dimensions positive", all must hold) that make
 * the set positive, and whether an act of the Protocol is also required (children). The shipped
 * sets (data/indicators/) are loaded at init and migrate; a country loads its own through the
 * same format. A loaded (code, version, country) never changes: a new version adds a set.
 *
 * The evaluation (screening_evaluate) is a pure function of the answers, the population and the
 * sets, tested on its own:
 * - adult: act + means + purpose, or an ILO set positive -> presumed_victim; purpose plus act or
 *   means -> reasonable_grounds; otherwise no_indication;
 * - child (under 18, a minor by majority status, or age uncertain and presumed a minor): act +
 *   purpose, or an ILO child set positive -> presumed_victim; purpose alone ->
 *   reasonable_grounds; otherwise no_indication.
 * The explanation (codes only, no evidence) names the elements met and by which answers, each
 * dimension's counts by grade and the indicators that made it positive, the clauses met, the
 * population and why, and notes (an unverified set; no set loaded for a screened exploitation). */
#ifndef CTIS_REFERRAL_SCREENING_H
#define CTIS_REFERRAL_SCREENING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "util/limits.h"
#include "util/status.h"

struct store;

#define SCREENING_SET_FORMAT "ctis-indicator-set/1"

enum screening_population { SCREENING_ADULT, SCREENING_CHILD };
enum screening_exploitation { SCREENING_LABOUR, SCREENING_SEXUAL, SCREENING_EXPLOITATION__COUNT };
enum screening_dimension {
    SCREENING_DIM_DECEPTIVE_RECRUITMENT,
    SCREENING_DIM_COERCIVE_RECRUITMENT,
    SCREENING_DIM_RECRUITMENT_VULNERABILITY,
    SCREENING_DIM_EXPLOITATION,
    SCREENING_DIM_COERCION_DESTINATION,
    SCREENING_DIM_VULNERABILITY_DESTINATION,
    SCREENING_DIM__COUNT
};
enum screening_grade { SCREENING_STRONG, SCREENING_MEDIUM, SCREENING_WEAK, SCREENING_GRADE__COUNT };
enum screening_result { SCREENING_NO_INDICATION, SCREENING_REASONABLE_GROUNDS, SCREENING_PRESUMED_VICTIM };
/* The Protocol elements. */
enum screening_element { SCREENING_ACT, SCREENING_MEANS, SCREENING_PURPOSE, SCREENING_ELEMENT__COUNT };

const char *screening_population_name(enum screening_population p);
const char *screening_exploitation_name(enum screening_exploitation e);
const char *screening_dimension_name(enum screening_dimension d);
const char *screening_grade_name(enum screening_grade g);
const char *screening_result_name(enum screening_result r);
/* "acts", "means", "purposes": the keys of the answers document. */
const char *screening_element_key(enum screening_element e);
/* The answer codes of an element, NULL-terminated: acts (recruitment, transportation, transfer,
 * harbouring, receipt), means (threat_force, coercion, abduction, fraud, deception,
 * abuse_of_power, abuse_of_vulnerability, payments), purposes (sexual_exploitation,
 * forced_labour, slavery, servitude, organ_removal, other_exploitation). */
const char *const *screening_element_codes(enum screening_element e);
enum status screening_population_parse(const char *text, enum screening_population *out);
enum status screening_exploitation_parse(const char *text, enum screening_exploitation *out);

/* One indicator of a set. */
struct screening_item {
    char *code;
    enum screening_dimension dimension;
    enum screening_grade grade;
    char *label;    /* English */
    json_t *labels; /* {"fr": "...", ...}: other languages, may be empty; owned */
};

/* A minimum combination of present indicators by grade, e.g. {strong 1, medium 1}. */
struct screening_combo {
    int n[SCREENING_GRADE__COUNT];
};

struct screening_set {
    int64_t id; /* 0 until loaded */
    char *code;
    int64_t version;
    char country[4]; /* ISO 3166-1 alpha-3, "" for the default set */
    enum screening_population population;
    enum screening_exploitation exploitation;
    bool verified;
    char *title;
    char *source;
    struct screening_combo combos[SCREENING_COMBOS_MAX];
    size_t ncombos;
    unsigned clauses[SCREENING_CLAUSES_MAX]; /* bit d: dimension d; a clause holds when any is positive */
    size_t nclauses;
    bool requires_act; /* the set is positive only with an act of the Protocol indicated */
    struct screening_item *items;
    size_t nitems;
    int64_t loaded_at_ms;
    char *loaded_by;
};

/* Reads and checks a set document. Errors name the file (`file`, may be NULL), the JSON path and
 * the field: "FILE: /indicators/3/grade: grade: strong, medium or weak" (STATUS_INVALID, field
 * "/indicators/3/grade"). */
enum status screening_set_from_json(const json_t *doc, const char *file, struct screening_set **out);
/* As screening_set_from_json; without with_items the indicators are not read (screening_db.c
 * reads a stored set's header so, and its items from their table). */
enum status screening__set_parse(const json_t *doc, const char *file, bool with_items, struct screening_set **out);
/* Reads and checks a set file (at most SCREENING_SET_BYTES_MAX bytes). */
enum status screening_set_read_file(const char *path, struct screening_set **out);
/* The set as its file format (with id, loaded_at and loaded_by when loaded; items only when
 * with_items; each item's "label_local" in lang when the set gives one). */
json_t *screening_set_to_json(const struct screening_set *s, bool with_items, const char *lang);
void screening_set_free(struct screening_set *s);
void screening_sets_free(struct screening_set **sets, size_t count);

/* Who is screened: from the case (age, majority status) and the interview (presumed minor). */
struct screening_subject {
    int64_t age;          /* -1 when unknown */
    const char *majority; /* "Adult", "Minor" or NULL */
    bool presumed_minor;  /* age uncertain, presumed a minor (given in the interview) */
};
/* The population and why: "age_under_18", "majority_minor", "presumed_minor", "age_18_or_over",
 * "majority_adult", "age_unknown" (adult: nothing says the person is a minor). */
void screening_population_of(const struct screening_subject *s, enum screening_population *pop, const char **reason);

/* Checks an answers document and gives its normalised copy:
 * {"exploitation":["labour"],"presumed_minor":false,"country":"",
 *  "protocol":{"acts":{"recruitment":{"answer":"yes","evidence":"..."}},"means":{},"purposes":{}},
 *  "indicators":{"<set code>":{"<indicator code>":{"answer":"yes","evidence":""}}}}
 * An answer is "yes", "no" or "unknown", given as that string or as {"answer","evidence"}.
 * Unknown keys and codes are refused, naming their JSON path. For an evaluation without a case,
 * "age" (integer or null) and "majority_status" ("Adult", "Minor") are kept too. */
enum status screening_answers_check(const json_t *in, json_t **out);
/* True when any evidence note in the (checked) answers is not empty. */
bool screening_answers_have_evidence(const json_t *answers);

/* THE evaluation: pure, no database. sets are the sets used (at most one per exploitation
 * type, of the population); an exploitation type screened without a set gets a note. Indicator
 * answers for a set not among sets, or codes not in their set, are refused (STATUS_INVALID
 * naming "/indicators/<set>/<code>"). *explanation (caller frees): see docs/screening.md. */
enum status screening_evaluate(const json_t *answers, enum screening_population pop, const char *pop_reason,
                               const char *country, struct screening_set *const *sets, size_t nsets,
                               enum screening_result *result, json_t **explanation);

/* Database: the sets. */
/* Loads the shipped sets (embedded data/indicators/) that are not loaded yet, as "ctis"; called
 * by init and migrate inside their write transaction. Idempotent. */
enum status screening_sets_seed(struct store *s);
/* Imports a set (screening.sets). A (code, version, country) already loaded with the same content
 * is left as it is (*created_out false); with other content: STATUS_CONFLICT (a change needs a new
 * version). *id_out: the set's id. */
enum status screening_set_import(const struct auth_ctx *ctx, const struct screening_set *set, int64_t *id_out,
                                 bool *created_out);
/* Lists the sets (case.read or screening.sets), without items; population, exploitation may be
 * NULL (any), country NULL (any) or a code ("" = default sets). current: only the set a screening
 * of that population, exploitation and country would use (needs population and exploitation). */
struct screening_set_filter {
    const char *population;
    const char *exploitation;
    const char *country;
    bool current;
};
enum status screening_set_list(const struct auth_ctx *ctx, const struct screening_set_filter *f,
                               struct screening_set ***out, size_t *count_out);
/* One set with its items (case.read or screening.sets). */
enum status screening_set_get(const struct auth_ctx *ctx, int64_t id, struct screening_set **out);

/* Evaluates answers without storing (case.read or case.write, no case): for the form's preview.
 * The subject comes from the answers' "age", "majority_status" and "presumed_minor". */
struct screening_outcome {
    enum screening_population population;
    const char *population_reason;
    enum screening_result result;
    json_t *explanation;
    struct screening_set **sets;
    size_t nsets;
};
void screening_outcome_clear(struct screening_outcome *o);
enum status screening_preview(const struct auth_ctx *ctx, const json_t *answers, struct screening_outcome *out);

/* A recorded screening of a case. */
struct screening_record {
    int64_t id;
    int64_t case_id;
    int64_t at_ms;
    char *by;
    enum screening_population population;
    char population_reason[24];
    char exploitation[24]; /* "labour", "sexual" or "labour;sexual" */
    char country[4];
    json_t *sets;    /* [{"id","code","version","verified"}] */
    json_t *answers; /* NULL when withheld (no fg.narrative.read) or purged */
    bool answers_withheld;
    enum screening_result result;
    json_t *explanation;
    char decision[12];     /* "", "agree", "disagree" */
    char *decision_reason; /* NULL when none or withheld */
    int64_t decided_at_ms;
    char *decided_by;
    int64_t version;
};
void screening_record_clear(struct screening_record *r);
void screening_records_free(struct screening_record *list, size_t count);
/* What a screening of the case starts from: the case's age (-1 unknown) and majority status
 * ("" unknown), and the country of its agency (whose adapted sets apply). case.read. */
struct screening_case_facts {
    int64_t age;
    char majority[8];
    char country[4];
};
enum status screening_case_facts(const struct auth_ctx *ctx, int64_t case_id, struct screening_case_facts *out);
/* Records a screening of case_id (case.write; evidence needs fg.narrative.write). The population
 * comes from the case's age and majority status and the answers' presumed_minor; the country from
 * the answers, else the case's agency. *out (may be NULL): the record as stored. */
enum status screening_add(const struct auth_ctx *ctx, int64_t case_id, const json_t *answers,
                          struct screening_record *out);
/* The screenings of a case, newest first (case.read; answers with fg.narrative.read). */
enum status screening_list(const struct auth_ctx *ctx, int64_t case_id, struct screening_record **out,
                           size_t *count_out);
enum status screening_get(const struct auth_ctx *ctx, int64_t case_id, int64_t id, struct screening_record *out);
/* The worker's decision on the recommendation: "agree", or "disagree" with a reason (sealed;
 * fg.narrative.write). case.write; expected_version must be current (STATUS_CONFLICT). */
enum status screening_decide(const struct auth_ctx *ctx, int64_t case_id, int64_t id, int64_t expected_version,
                             const char *decision, const char *reason);
/* The latest screening of a case with its decision, for the pathway (no access check: the caller
 * has reached the case). STATUS_NOT_FOUND when none. */
enum status screening_latest(const struct auth_ctx *ctx, int64_t case_id, struct screening_record *out);
json_t *screening_record_to_json(const struct screening_record *r);

/* Data protection (for the lead's protect_hooks): removes a case's answers and decision reasons
 * (the codes stay); and the subject-access section. No access check: the caller's. */
enum status screening_purge_case(const struct auth_ctx *ctx, int64_t case_id, int64_t *items_out);
enum status screening_sar_case(const struct auth_ctx *ctx, int64_t case_id, json_t **out);

#endif
