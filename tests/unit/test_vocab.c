/* test_vocab: the shared vocabularies. Every vocabulary of fields.def exists; every HTCDS v2 list
 * has the codes of the standard in its order (domain.md Appendix A) and the CTDC lists those of
 * the victim-perpetrator codebook; all 249 ISO 3166-1 countries load with their M49 regions; CTDC
 * and common spellings parse in any case and spacing; labels exist in Arabic and Chinese;
 * unknown values fail naming the vocabulary; extensions stored in a real database come after the
 * built-in codes and survive vocab_init; readers run while extensions reload. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cases/vocab.h"
#include "testlib.h"

/* ---- lists ---- */

static void expect_list(const char *vocab, const char *const *codes, size_t n)
{
    if (!vocab_exists(vocab)) {
        fail_msg("vocabulary %s is missing", vocab);
    }
    if (vocab_builtin_size(vocab) != n) {
        fail_msg("%s: %zu built-in codes, expected %zu", vocab, vocab_builtin_size(vocab), n);
    }
    for (size_t i = 0; i < n; i++) {
        const char *c = vocab_code(vocab, i);
        if (c == NULL || strcmp(c, codes[i]) != 0) {
            fail_msg("%s[%zu] is %s, expected %s", vocab, i, c ? c : "NULL", codes[i]);
        }
        assert_int_equal(vocab_index(vocab, codes[i]), (int)i);
    }
    assert_null(vocab_code(vocab, vocab_size(vocab)));
}

#define EXPECT_LIST(vocab, ...)                                                                                        \
    do {                                                                                                               \
        static const char *const codes_[] = {__VA_ARGS__};                                                             \
        expect_list(vocab, codes_, ARRAY_LEN(codes_));                                                                 \
    } while (0)

static void test_vocab__fields_vocabularies_exist(void **state)
{
    static const char *const used[] = {
#define FIELD(name, htcds, type, vocab, group, bidx, max) vocab,
#include "cases/fields.def"
#undef FIELD
    };
    size_t n = 0;
    const char *const *names = vocab_names(&n);

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(used); i++) {
        if (used[i][0] != '\0' && !vocab_exists(used[i])) {
            fail_msg("fields.def uses vocabulary %s, which does not exist", used[i]);
        }
    }
    assert_true(n >= 17);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(names[i]);
        assert_true(vocab_exists(names[i]));
        assert_non_null(vocab_version(names[i]));
        assert_true(vocab_size(names[i]) > 0);
    }
    assert_false(vocab_exists("no_such_vocabulary"));
    assert_false(vocab_exists(NULL));
    assert_null(vocab_version("no_such_vocabulary"));
    assert_int_equal(vocab_size("no_such_vocabulary"), 0);
    assert_null(vocab_code("no_such_vocabulary", 0));
    assert_int_equal(vocab_index("no_such_vocabulary", "x"), -1);
}

static void test_vocab__versions(void **state)
{
    (void)state;
    assert_string_equal(vocab_version("gender"), "htcds-2.0");
    assert_string_equal(vocab_version("control_method"), "htcds-2.0");
    assert_string_equal(vocab_version("m49_region"), "m49-2024");
    assert_string_equal(vocab_version("perp_relation"), "ctdc-vp-2022");
    assert_string_equal(vocab_version("majority_status"), "ctdc-vp-2022");
    assert_true(strncmp(vocab_version("country"), "iso3166-", 8) == 0);
    assert_true(strncmp(vocab_version("language"), "iso639-", 7) == 0);
}

static void test_vocab__htcds_lists_in_standard_order(void **state)
{
    (void)state;
    EXPECT_LIST("gender", "Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming",
                "NonSpecifiedUnknown");
    EXPECT_LIST("trafficking_status", "PossibleVictimOfTrafficking", "ActualVictimOfTrafficking",
                "NotAVictimOfTrafficking");
    EXPECT_LIST("decision_org", "Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "Other");
    EXPECT_LIST("relationship", "Familial", "Acquainted", "Unaquainted");
    EXPECT_LIST("recruitment_method", "AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork",
                "ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement", "ThroughATelevisionAdvert",
                "ThroughANewspaperAdvert", "ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents", "Other");
    EXPECT_LIST("control_method", "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage",
                "FalsePromises", "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess",
                "RestrictsMedicalCare", "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance",
                "ExcessiveWorkingHours", "WithholdsDocuments", "Other");
    EXPECT_LIST("exploitation_type", "ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
                "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy",
                "Other");
    EXPECT_LIST("isic_section", "A_AgricultureForestryAndFishing", "B_MiningAndQuarrying", "C_Manufacturing",
                "D_ElectricityGasSteamAndAirConditioningSupply", "E_WaterSupplySewerageWasteManagement",
                "F_Construction", "G_WholesaleAndRetailTradeRepairOfMotorVehicles", "H_TransportationAndStorage",
                "I_AccommodationAndFoodServiceActivities", "J_InformationAndCommunication",
                "K_FinancialAndInsuranceActivities", "L_RealEstateActivities",
                "M_ProfessionalScientificAndTechnicalActivities", "N_AdministrativeAndSupportServiceActivities",
                "O_PublicAdministrationAndDefence", "P_Education", "Q_HumanHealthAndSocialWorkActivities",
                "R_ArtsEntertainmentAndRecreation", "S_OtherServiceActivities", "T_ActivitiesOfHouseholdsAsEmployers",
                "U_ActivitiesOfExtraterritorialOrganizations");
    EXPECT_LIST("sex_exploitation_type", "Prostitution", "Pornography", "RemoteInteractiveServices",
                "PrivateSexualServices");
    /* HTCDS lists no case field uses yet. */
    EXPECT_LIST("org_type", "NGO", "LawEnforcement", "HealthServiceOrganisation", "CentralGovernmentOrganisation",
                "LocalGovernmentOrganisation", "ImmigrationService", "LegalService", "CorporateBusiness",
                "SchoolOrCollege");
    EXPECT_LIST("marital_status", "Single", "Married", "Widowed", "Divorced", "Separated", "RegisteredPartnership");
    EXPECT_LIST("education_level", "EarlyChildhoodEducation", "PrimaryEducation", "LowerSecondaryEducation",
                "UpperSecondaryEducation", "PostSecondaryNonTertiaryEducation", "ShortCycleTertiaryEducation",
                "BachelorsOrEquivalentLevel", "MastersOrEquivalentLevel", "DoctoralOrEquivalentLevel");
    EXPECT_LIST("website_app", "Facebook", "Instagram", "WhatsApp", "Telegram", "FacebookMessenger", "Viber",
                "SnapChat", "Line", "4Sale", "WeChat", "QQ", "QZone", "TikTok", "Twitter", "Other");
    EXPECT_LIST("perp_role", "TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent",
                "TransferredIndividual", "HarbouredIndividual", "SoldIndividual", "BoughtIndividual",
                "ReceivedIndividual", "ControlledIndividual", "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other");
    EXPECT_LIST("case_status", "Active", "FollowUp", "Closed", "ClosedReferred");
    EXPECT_LIST("referral_reason", "AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other");
    EXPECT_LIST("event_type", "Recruitment", "Transit", "Exploitation");
    EXPECT_LIST("support_type", "Education", "Financial", "Health", "LabourExploitationRehabilitation", "Legal",
                "Livelihood", "RightsBasedTraining", "SexualExploitationRehabilitation", "SocialCare");
}

static void test_vocab__ctdc_lists(void **state)
{
    (void)state;
    EXPECT_LIST("majority_status", "Adult", "Minor");
    EXPECT_LIST("m49_region", "Africa", "Americas", "Asia", "Europe", "Oceania", "Americas/Oceania");
    EXPECT_LIST("perp_gender", "Female", "Male");
    EXPECT_LIST("perp_age_band", "0--29", "30--38", "39--47", "48+");
    EXPECT_LIST("perp_relation", "FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther");
    EXPECT_LIST("yes_no", "Yes", "No");
}

static void test_vocab__countries_and_languages(void **state)
{
    size_t n = vocab_size("country");

    (void)state;
    assert_true(n >= 249);
    for (size_t i = 0; i < n; i++) {
        const char *c = vocab_code("country", i);
        assert_int_equal(strlen(c), 3);
        assert_non_null(vocab_country_alpha2(c));
        assert_non_null(vocab_country_numeric(c));
        /* Every country but Antarctica has an M49 region and sub-region. */
        if (strcmp(c, "ATA") == 0) {
            assert_null(vocab_country_region(c));
            assert_null(vocab_country_subregion(c));
        } else if (vocab_country_region(c) == NULL || vocab_country_subregion(c) == NULL) {
            fail_msg("country %s has no M49 region", c);
        } else {
            assert_int_not_equal(vocab_index("m49_region", vocab_country_region(c)), -1);
        }
    }
    assert_true(vocab_size("language") > 7000);
    assert_int_not_equal(vocab_index("language", "eng"), -1);
    assert_int_not_equal(vocab_index("language", "ara"), -1);
    assert_int_not_equal(vocab_index("language", "ber"), -1); /* a 639-2 collective code */
}

/* ---- parsing ---- */

static void expect_parse(const char *vocab, const char *text, const char *code)
{
    const char *got = NULL;
    enum status st = vocab_parse(vocab, text, &got);
    if (st != STATUS_OK) {
        fail_msg("%s: \"%s\" did not parse: %s", vocab, text, err_last());
    }
    if (strcmp(got, code) != 0) {
        fail_msg("%s: \"%s\" parsed as %s, expected %s", vocab, text, got, code);
    }
}

static void test_vocab__parse_aliases(void **state)
{
    (void)state;
    /* Gender: CTDC and common spellings, HTCDS v0.2. */
    expect_parse("gender", "Female", "Feminine");
    expect_parse("gender", "Woman", "Feminine");
    expect_parse("gender", "F", "Feminine");
    expect_parse("gender", "male", "Masculine");
    expect_parse("gender", "Man", "Masculine");
    expect_parse("gender", "m", "Masculine");
    expect_parse("gender", "Transgender/NonConforming", "NonConforming");
    expect_parse("gender", "Trans/Transgender/NonConforming", "NonConforming");
    expect_parse("gender", "Unknown", "NonSpecifiedUnknown");
    expect_parse("gender", "Transgender feminine", "TransgenderFeminine");
    /* Case, spaces, '-' and '_' do not matter. */
    expect_parse("gender", "FEMININE", "Feminine");
    expect_parse("gender", "non-conforming", "NonConforming");
    expect_parse("gender", " non_specified unknown ", "NonSpecifiedUnknown");
    expect_parse("trafficking_status", "possible victim of trafficking", "PossibleVictimOfTrafficking");
    expect_parse("trafficking_status", "ACTUAL_VICTIM_OF_TRAFFICKING", "ActualVictimOfTrafficking");
    expect_parse("decision_org", "court-or-prosecution", "CourtOrProsecution");
    expect_parse("decision_org", "ngo", "NGO");
    expect_parse("relationship", "Family", "Familial");
    expect_parse("relationship", "Unacquainted", "Unaquainted");
    expect_parse("majority_status", "adult", "Adult");
    expect_parse("majority_status", "MINOR", "Minor");
    /* Methods of control: the CTDC names (domain.md §9.4). */
    expect_parse("control_method", "Threats", "PhysicalThreats");
    expect_parse("control_method", "ThreatOfLawEnforcement", "ThreatsLawEnforcement");
    expect_parse("control_method", "UsesChildren", "ThreatensChildrenFamily");
    expect_parse("control_method", "PsychoactiveSubstances", "PsychoactiveSubstance");
    expect_parse("control_method", "debt bondage", "DebtBondage");
    expect_parse("control_method", "Takes/Withholds Earnings", "TakesEarnings");
    expect_parse("exploitation_type", "Forced labor", "ForcedLabour");
    expect_parse("exploitation_type", "forced_military", "ForcedMilitaryByNonStateActors");
    /* ISIC sections by letter, code and title. */
    expect_parse("isic_section", "A", "A_AgricultureForestryAndFishing");
    expect_parse("isic_section", "t", "T_ActivitiesOfHouseholdsAsEmployers");
    expect_parse("isic_section", "F_Construction", "F_Construction");
    expect_parse("isic_section", "f construction", "F_Construction");
    expect_parse("isic_section", "Accommodation and food service activities",
                 "I_AccommodationAndFoodServiceActivities");
    /* CTDC victim-perpetrator values. */
    expect_parse("m49_region", "africa", "Africa");
    expect_parse("m49_region", "Americas", "Americas");
    expect_parse("perp_gender", "female", "Female");
    expect_parse("perp_age_band", "0--29", "0--29");
    expect_parse("perp_age_band", "30-38", "30--38");
    expect_parse("perp_age_band", "39 \xe2\x80\x93 47", "39--47"); /* en dash, as the codebook prints it */
    expect_parse("perp_age_band", "48+", "48+");
    expect_parse("perp_relation", "StrangerUnknownOther", "StrangerUnknownOther");
    expect_parse("perp_relation", "friend acquaintance", "FriendAcquaintance");
    expect_parse("perp_relation", "IntimatePartner", "FamilyIntimatePartner");
    expect_parse("yes_no", "YES", "Yes");
    expect_parse("yes_no", "no", "No");
    /* Labels in the other UN languages read too. */
    expect_parse("gender", "Féminin", "Feminine");
    expect_parse("gender", "FÉMININ", "Feminine");
    expect_parse("exploitation_type", "Trabajo forzoso", "ForcedLabour");
    expect_parse("exploitation_type", "强迫劳动", "ForcedLabour");
    expect_parse("yes_no", "Oui", "Yes");
}

static void test_vocab__countries_parse(void **state)
{
    (void)state;
    expect_parse("country", "NGA", "NGA");
    expect_parse("country", "nga", "NGA");
    expect_parse("country", "NG", "NGA");
    expect_parse("country", "ng", "NGA");
    expect_parse("country", "566", "NGA");
    expect_parse("country", "004", "AFG");
    expect_parse("country", "4", "AFG");
    expect_parse("country", "Nigeria", "NGA");
    expect_parse("country", "united kingdom", "GBR");
    expect_parse("country", "GB", "GBR");
    expect_parse("country", "UK", "GBR");
    expect_parse("country", "Viet Nam", "VNM");
    expect_parse("country", "Vietnam", "VNM");
    expect_parse("country", "Korea, Republic of", "KOR");
    expect_parse("country", "South Korea", "KOR");
    expect_parse("country", "Türkiye", "TUR");
    expect_parse("country", "Turkey", "TUR");
    expect_parse("country", "Côte d'Ivoire", "CIV");
    expect_parse("country", "Ivory Coast", "CIV");
    expect_parse("country", "Democratic Republic of the Congo", "COD");
    expect_parse("country", "Congo", "COG");
    expect_parse("country", "Russia", "RUS");
    expect_parse("country", "United States", "USA");
    expect_parse("country", "US", "USA");
    expect_parse("country", "Allemagne", "DEU");
    /* ISO 2 to ISO 3 for every country and back. */
    size_t n = vocab_size("country");
    for (size_t i = 0; i < n; i++) {
        const char *iso3 = vocab_code("country", i);
        expect_parse("country", vocab_country_alpha2(iso3), iso3);
        expect_parse("country", vocab_country_numeric(iso3), iso3);
        expect_parse("country", vocab_label("country", iso3, "en"), iso3);
    }
    expect_parse("language", "eng", "eng");
    expect_parse("language", "en", "eng");
    expect_parse("language", "English", "eng");
    expect_parse("language", "fre", "fra"); /* ISO 639-2/B */
    expect_parse("language", "FR", "fra");
    expect_parse("language", "ar", "ara");
    expect_parse("language", "Tigrinya", "tir");
}

static void test_vocab__regions(void **state)
{
    static const struct {
        const char *iso3, *region, *subregion, *m49_subregion, *intermediate;
    } cases[] = {
        {"NGA", "Africa", "Western Africa", "Sub-Saharan Africa", "Western Africa"},
        {"MEX", "Americas", "Central America", "Latin America and the Caribbean", "Central America"},
        {"UKR", "Europe", "Eastern Europe", "Eastern Europe", NULL},
        {"CHN", "Asia", "Eastern Asia", "Eastern Asia", NULL},
        {"FJI", "Oceania", "Melanesia", "Melanesia", NULL},
        {"EGY", "Africa", "Northern Africa", "Northern Africa", NULL},
        {"USA", "Americas", "Northern America", "Northern America", NULL},
        {"BRA", "Americas", "South America", "Latin America and the Caribbean", "South America"},
        {"HTI", "Americas", "Caribbean", "Latin America and the Caribbean", "Caribbean"},
        {"THA", "Asia", "South-eastern Asia", "South-eastern Asia", NULL},
        {"TUR", "Asia", "Western Asia", "Western Asia", NULL},
        {"KAZ", "Asia", "Central Asia", "Central Asia", NULL},
        {"IND", "Asia", "Southern Asia", "Southern Asia", NULL},
        {"GBR", "Europe", "Northern Europe", "Northern Europe", NULL},
        {"JEY", "Europe", "Northern Europe", "Northern Europe", "Channel Islands"},
        {"ITA", "Europe", "Southern Europe", "Southern Europe", NULL},
        {"DEU", "Europe", "Western Europe", "Western Europe", NULL},
        {"AUS", "Oceania", "Australia and New Zealand", "Australia and New Zealand", NULL},
        {"COD", "Africa", "Middle Africa", "Sub-Saharan Africa", "Middle Africa"},
        {"KEN", "Africa", "Eastern Africa", "Sub-Saharan Africa", "Eastern Africa"},
        {"ZAF", "Africa", "Southern Africa", "Sub-Saharan Africa", "Southern Africa"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *c = cases[i].iso3;
        assert_string_equal(vocab_country_region(c), cases[i].region);
        assert_string_equal(vocab_country_subregion(c), cases[i].subregion);
        assert_string_equal(vocab_country_m49_subregion(c), cases[i].m49_subregion);
        if (cases[i].intermediate == NULL) {
            assert_null(vocab_country_m49_intermediate(c));
        } else {
            assert_string_equal(vocab_country_m49_intermediate(c), cases[i].intermediate);
        }
    }
    assert_string_equal(vocab_country_region("nga"), "Africa");
    assert_string_equal(vocab_country_alpha2("NGA"), "NG");
    assert_string_equal(vocab_country_numeric("NGA"), "566");
    assert_null(vocab_country_region("XXX"));
    assert_null(vocab_country_region(NULL));
    assert_null(vocab_country_subregion("NG"));
}

static void test_vocab__labels(void **state)
{
    static const struct {
        const char *vocab, *code;
    } sample[] = {
        {"gender", "Feminine"},
        {"trafficking_status", "ActualVictimOfTrafficking"},
        {"control_method", "DebtBondage"},
        {"exploitation_type", "ForcedLabour"},
        {"isic_section", "A_AgricultureForestryAndFishing"},
        {"m49_region", "Africa"},
        {"country", "NGA"},
        {"country", "CHN"},
        {"language", "ara"},
        {"perp_relation", "FriendAcquaintance"},
        {"yes_no", "Yes"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(sample); i++) {
        const char *en = vocab_label(sample[i].vocab, sample[i].code, "en");
        const char *ar = vocab_label(sample[i].vocab, sample[i].code, "ar");
        const char *zh = vocab_label(sample[i].vocab, sample[i].code, "zh");
        assert_string_not_equal(ar, en);
        assert_string_not_equal(zh, en);
        assert_true((unsigned char)ar[0] >= 0x80);
        assert_true((unsigned char)zh[0] >= 0x80);
    }
    assert_string_equal(vocab_label("country", "NGA", "en"), "Nigeria");
    assert_string_equal(vocab_label("country", "CHN", "zh"), "中国");
    assert_string_equal(vocab_label("gender", "Feminine", "fr"), "Féminin");
    assert_string_equal(vocab_label("gender", "Feminine", "fr-FR"), "Féminin");
    assert_string_equal(vocab_label("m49_region", "Europe", "ru"), "Европа");
    /* Fallbacks: English, then the code; never NULL. */
    assert_string_equal(vocab_label("gender", "Feminine", "xx"), "Feminine");
    assert_string_equal(vocab_label("gender", "Feminine", NULL), "Feminine");
    assert_string_equal(vocab_label("website_app", "WhatsApp", "ar"), "WhatsApp");
    assert_string_equal(vocab_label("gender", "NoSuchCode", "fr"), "NoSuchCode");
    assert_string_equal(vocab_label("no_such_vocabulary", "X", "fr"), "X");
    assert_string_equal(vocab_label("gender", NULL, "fr"), "");
}

static void test_vocab__unknown_values_name_the_vocabulary(void **state)
{
    const char *code = "unset";

    (void)state;
    assert_int_equal(vocab_parse("gender", "Martian", &code), STATUS_INVALID);
    assert_null(code);
    assert_non_null(strstr(err_last(), "gender"));
    assert_null(strstr(err_last(), "Martian")); /* values stay out of messages */
    assert_int_equal(vocab_parse("country", "ZZ", &code), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "country"));
    assert_int_equal(vocab_parse("country", "", &code), STATUS_INVALID);
    assert_int_equal(vocab_parse("country", " - ", &code), STATUS_INVALID);
    assert_int_equal(vocab_parse("country", NULL, &code), STATUS_INVALID);
    assert_int_equal(vocab_parse("m49_region", "Atlantis", &code), STATUS_INVALID);
    assert_non_null(strstr(err_last(), "m49_region"));
    /* CTDC's grouping of two regions is kept as published. */
    assert_int_equal(vocab_parse("m49_region", "Americas/Oceania", &code), STATUS_OK);
    assert_string_equal(code, "Americas/Oceania");
    assert_int_equal(vocab_parse("no_such_vocabulary", "x", &code), STATUS_NOT_FOUND);
    assert_int_equal(vocab_index("gender", "feminine"), -1); /* exact codes only */
    assert_int_equal(vocab_index("gender", NULL), -1);
    /* A very long value is simply unknown. */
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(vocab_parse("language", big, &code), STATUS_INVALID);
    assert_int_equal(vocab_parse("language", "\xff\xfe", &code), STATUS_INVALID);
}

/* ---- extensions, on a real database ---- */

static int ext_setup(void **state)
{
    struct test_env *t = xcalloc(1, sizeof *t);
    test_env_open(t);
    *state = t;
    return vocab_init(t->store) == STATUS_OK ? 0 : -1;
}

static int ext_teardown(void **state)
{
    struct test_env *t = *state;
    test_env_close(t);
    free(t);
    /* The next database has no extensions: drop those of this one. */
    return vocab_init(NULL) == STATUS_OK ? 0 : -1;
}

static enum status extend(struct test_env *t, const char *vocab, const char *code, const char *labels)
{
    enum status st = store_tx_begin(t->store, STORE_TX_WRITE);
    if (st != STATUS_OK) {
        return st;
    }
    st = vocab_extend(t->store, vocab, code, labels);
    if (st == STATUS_OK) {
        st = store_tx_commit(t->store);
    } else {
        store_tx_rollback(t->store);
    }
    return st;
}

static void test_vocab__extensions_follow_builtins(void **state)
{
    struct test_env *t = *state;
    size_t builtin = vocab_builtin_size("exploitation_type");
    const char *code = NULL;

    assert_int_equal(vocab_size("exploitation_type"), builtin);
    assert_int_equal(extend(t, "exploitation_type", "ForcedCriminality",
                            "{\"en\":\"Forced criminality\",\"fr\":\"Criminalité forcée\"}"),
                     STATUS_OK);
    assert_int_equal(extend(t, "exploitation_type", "OnlineScamCompound", "{\"en\":\"Online scam compound\"}"),
                     STATUS_OK);
    assert_int_equal(vocab_size("exploitation_type"), builtin + 2);
    assert_int_equal(vocab_builtin_size("exploitation_type"), builtin);
    assert_string_equal(vocab_code("exploitation_type", builtin), "ForcedCriminality");
    assert_string_equal(vocab_code("exploitation_type", builtin + 1), "OnlineScamCompound");
    assert_int_equal(vocab_index("exploitation_type", "ForcedCriminality"), (int)builtin);
    assert_int_equal(vocab_index("exploitation_type", "Other"), 10); /* built-ins do not move */
    assert_int_equal(vocab_parse("exploitation_type", "forced-criminality", &code), STATUS_OK);
    assert_string_equal(code, "ForcedCriminality");
    assert_int_equal(vocab_parse("exploitation_type", "Criminalité forcée", &code), STATUS_OK);
    assert_string_equal(code, "ForcedCriminality");
    assert_string_equal(vocab_label("exploitation_type", "ForcedCriminality", "fr"), "Criminalité forcée");
    assert_string_equal(vocab_label("exploitation_type", "ForcedCriminality", "ar"), "Forced criminality");
    assert_string_equal(vocab_label("exploitation_type", "OnlineScamCompound", "zh"), "Online scam compound");

    /* Stored: a reload (another process, a restart) sees them in the same positions. */
    assert_int_equal(vocab_init(NULL), STATUS_OK);
    assert_int_equal(vocab_init(t->store), STATUS_OK);
    assert_int_equal(vocab_size("exploitation_type"), builtin + 2);
    assert_int_equal(vocab_index("exploitation_type", "ForcedCriminality"), (int)builtin);
    assert_int_equal(vocab_index("exploitation_type", "OnlineScamCompound"), (int)builtin + 1);
    assert_string_equal(vocab_label("exploitation_type", "ForcedCriminality", "fr"), "Criminalité forcée");

    /* A country not in ISO 3166-1. */
    size_t countries = vocab_size("country");
    assert_int_equal(extend(t, "country", "XKX", "{\"en\":\"Kosovo\"}"), STATUS_OK);
    assert_int_equal(vocab_size("country"), countries + 1);
    assert_int_equal(vocab_parse("country", "kosovo", &code), STATUS_OK);
    assert_string_equal(code, "XKX");
    assert_null(vocab_country_region("XKX"));
    /* Other vocabularies are untouched. */
    assert_int_equal(vocab_size("gender"), vocab_builtin_size("gender"));
}

static void test_vocab__extension_errors(void **state)
{
    struct test_env *t = *state;

    /* Codes that exist already, as codes, aliases or labels, in any case. */
    assert_int_equal(extend(t, "gender", "Feminine", NULL), STATUS_CONFLICT);
    assert_non_null(strstr(err_last(), "gender"));
    assert_int_equal(extend(t, "gender", "FEMALE", NULL), STATUS_CONFLICT);
    assert_int_equal(extend(t, "gender", "Agender", "{\"en\":\"Agender\"}"), STATUS_OK);
    assert_int_equal(extend(t, "gender", "agender", NULL), STATUS_CONFLICT);
    /* Bad codes, vocabularies and labels. */
    assert_int_equal(extend(t, "gender", "", NULL), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "two words", NULL), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "a;b", NULL), STATUS_INVALID);
    assert_int_equal(extend(t, "country", "Xk", NULL), STATUS_INVALID);
    assert_int_equal(extend(t, "language", "QAA", NULL), STATUS_INVALID);
    assert_int_equal(extend(t, "no_such_vocabulary", "X", NULL), STATUS_NOT_FOUND);
    assert_int_equal(extend(t, "gender", "Other2", "[1]"), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "Other2", "{\"de\":\"Andere\"}"), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "Other2", "{\"en\":\"\"}"), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "Other2", "{\"en\":\"a\\nb\"}"), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "Other2", "{\"en\":1}"), STATUS_INVALID);
    assert_int_equal(extend(t, "gender", "Other2", "not json"), STATUS_INVALID);
    assert_int_equal(vocab_size("gender"), vocab_builtin_size("gender") + 1);
    /* A small vocabulary stays within a 64-bit set. */
    size_t n = vocab_size("yes_no");
    for (; n < 64; n++) {
        char code[16];
        snprintf(code, sizeof code, "V%zu", n);
        assert_int_equal(extend(t, "yes_no", code, NULL), STATUS_OK);
    }
    assert_int_equal(vocab_size("yes_no"), 64);
    assert_int_equal(extend(t, "yes_no", "V64", NULL), STATUS_TOO_LARGE);
    assert_int_equal(vocab_init(t->store), STATUS_OK);
    assert_int_equal(vocab_size("yes_no"), 64);
    assert_string_equal(vocab_code("yes_no", 63), "V63");
}

static void test_vocab__fresh_database_has_no_extensions(void **state)
{
    (void)state;
    assert_int_equal(vocab_size("gender"), vocab_builtin_size("gender"));
    assert_int_equal(vocab_size("exploitation_type"), vocab_builtin_size("exploitation_type"));
    assert_int_equal(vocab_index("gender", "Agender"), -1);
}

/* A stored code that a built-in value now reads as (a later release added it) keeps its position,
 * so that stored sets keep their meaning, and parses as the built-in value. */
static void test_vocab__stored_code_taken_by_builtin_keeps_position(void **state)
{
    struct test_env *t = *state;
    size_t builtin = vocab_builtin_size("gender");
    const char *code = NULL;

    assert_int_equal(store_tx_begin(t->store, STORE_TX_WRITE), STATUS_OK);
    struct sql_value a[] = {sqlv_text("gender"), sqlv_text("Female"), sqlv_text("{}"), SQLV_I64(1)};
    assert_int_equal(store_exec(t->store, STMT_VOCAB_EXT_INSERT, a, ARRAY_LEN(a), NULL), STATUS_OK);
    assert_int_equal(store_tx_commit(t->store), STATUS_OK);
    assert_int_equal(extend(t, "gender", "Agender", "{\"en\":\"Agender\"}"), STATUS_OK);
    assert_int_equal(vocab_init(t->store), STATUS_OK);
    assert_int_equal(vocab_size("gender"), builtin + 2);
    assert_string_equal(vocab_code("gender", builtin), "Female");
    assert_int_equal(vocab_index("gender", "Female"), (int)builtin);
    assert_int_equal(vocab_index("gender", "Agender"), (int)builtin + 1);
    assert_int_equal(vocab_parse("gender", "female", &code), STATUS_OK);
    assert_string_equal(code, "Feminine");
    /* Without a database there are no extensions. */
    assert_int_equal(vocab_init(NULL), STATUS_OK);
    assert_int_equal(vocab_size("gender"), builtin);
    assert_int_equal(vocab_index("gender", "Agender"), -1);
}

struct reader_arg {
    atomic_int stop;
    int failures;
};

static void *reader_main(void *p)
{
    struct reader_arg *a = p;
    while (!atomic_load(&a->stop)) {
        const char *code = NULL;
        if (vocab_parse("gender", "female", &code) != STATUS_OK || strcmp(code, "Feminine") != 0 ||
            vocab_parse("country", "NG", &code) != STATUS_OK || strcmp(code, "NGA") != 0 ||
            vocab_parse("exploitation_type", "ReaderTest", &code) != STATUS_OK || vocab_size("gender") != 6 ||
            strcmp(vocab_label("exploitation_type", "ReaderTest", "en"), "Reader test") != 0) {
            a->failures++;
        }
    }
    return NULL;
}

static void test_vocab__readers_during_reload(void **state)
{
    struct test_env *t = *state;
    struct reader_arg arg = {0};
    pthread_t th[4];

    assert_int_equal(extend(t, "exploitation_type", "ReaderTest", "{\"en\":\"Reader test\"}"), STATUS_OK);
    for (size_t i = 0; i < ARRAY_LEN(th); i++) {
        pthread_create(&th[i], NULL, reader_main, &arg);
    }
    for (int i = 0; i < 50; i++) {
        assert_int_equal(vocab_init(t->store), STATUS_OK);
    }
    atomic_store(&arg.stop, 1);
    for (size_t i = 0; i < ARRAY_LEN(th); i++) {
        pthread_join(th[i], NULL);
    }
    assert_int_equal(arg.failures, 0);
}

int main(void)
{
    const struct CMUnitTest lists[] = {
        cmocka_unit_test(test_vocab__fields_vocabularies_exist),
        cmocka_unit_test(test_vocab__versions),
        cmocka_unit_test(test_vocab__htcds_lists_in_standard_order),
        cmocka_unit_test(test_vocab__ctdc_lists),
        cmocka_unit_test(test_vocab__countries_and_languages),
        cmocka_unit_test(test_vocab__parse_aliases),
        cmocka_unit_test(test_vocab__countries_parse),
        cmocka_unit_test(test_vocab__regions),
        cmocka_unit_test(test_vocab__labels),
        cmocka_unit_test(test_vocab__unknown_values_name_the_vocabulary),
    };
    const struct CMUnitTest ext[] = {
        cmocka_unit_test_setup_teardown(test_vocab__extensions_follow_builtins, ext_setup, ext_teardown),
        cmocka_unit_test_setup_teardown(test_vocab__extension_errors, ext_setup, ext_teardown),
        cmocka_unit_test_setup_teardown(test_vocab__fresh_database_has_no_extensions, ext_setup, ext_teardown),
        cmocka_unit_test_setup_teardown(test_vocab__stored_code_taken_by_builtin_keeps_position, ext_setup,
                                        ext_teardown),
        cmocka_unit_test_setup_teardown(test_vocab__readers_during_reload, ext_setup, ext_teardown),
    };
    int failures = cmocka_run_group_tests_name("vocab lists", lists, NULL, NULL);

    test_engine = "sqlite";
    failures += cmocka_run_group_tests_name("vocab extensions (sqlite)", ext, NULL, NULL);
    if (getenv("TEST_PG_URL") && getenv("TEST_PG_URL")[0]) {
        test_engine = "postgres";
        failures += cmocka_run_group_tests_name("vocab extensions (postgresql)", ext, NULL, NULL);
    } else {
        printf("skipping PostgreSQL: TEST_PG_URL not set\n");
    }
    vocab_shutdown();
    return failures;
}
