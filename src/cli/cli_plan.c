/* cli_plan: the Plan of Action as data (issue 9, item 1): ctis plan text, ctis plan paragraph,
 * ctis plan instruments. Reading needs plan.read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "plan/text.h"
#include "util/mem.h"

struct plan_op {
    struct plan_filter f;
    const char *id;
    const struct plan_paragraph **list;
    const struct plan_paragraph *one;
    const struct plan_instrument *instruments;
    const struct plan_section *sections;
    size_t count, section_count;
};

static enum status op_text(const struct auth_ctx *ctx, void *p)
{
    struct plan_op *o = p;
    enum status st = plan_paragraphs(ctx, &o->f, &o->list, &o->count);
    if (st == STATUS_OK) { /* plan.read was checked and audited once, above */
        o->sections = plan_data_sections(&o->section_count);
    }
    return st;
}

/* --lang: "ar" (the default) or "en". */
static enum status lang_opt(const struct command *cmd, struct args *args, bool *english)
{
    const char *lang = cli_opt(cmd, args, "lang");
    *english = lang != NULL && strcmp(lang, "en") == 0;
    if (lang != NULL && strcmp(lang, "en") != 0 && strcmp(lang, "ar") != 0) {
        return err_set_field(STATUS_INVALID, "lang", "lang: ar or en");
    }
    return STATUS_OK;
}

static void print_instruments(const struct plan_paragraph *p)
{
    if (p->instrument_count > 0) {
        printf("  [");
        for (size_t i = 0; i < p->instrument_count; i++) {
            printf("%s%s", i ? " " : "", p->instruments[i]);
        }
        printf("]");
    }
}

static const struct plan_section *section_of(const struct plan_op *o, const char *code)
{
    for (size_t i = 0; i < o->section_count; i++) {
        if (strcmp(o->sections[i].code, code) == 0) {
            return &o->sections[i];
        }
    }
    return NULL;
}

static int cmd_plan_text(const struct command *cmd, struct args *args)
{
    struct plan_op o = {.f = {.part = cli_opt(cmd, args, "part"),
                              .pillar = cli_opt(cmd, args, "pillar"),
                              .instrument = cli_opt(cmd, args, "instrument")}};
    bool english = false;
    enum status st = lang_opt(cmd, args, &english);
    if (st == STATUS_OK) {
        st = cli_run_op(op_text, &o);
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, plan_paragraph_json(o.list[i]));
        }
        cli_print_json(json_pack("{ssso}", "source", plan_source_symbol(), "paragraphs", arr));
    } else {
        const char *section = "";
        for (size_t i = 0; i < o.count; i++) {
            const struct plan_paragraph *p = o.list[i];
            if (strcmp(p->section, section) != 0) {
                const struct plan_section *s = section_of(&o, p->section);
                section = p->section;
                if (s != NULL) {
                    const char *title = english || s->title_ar == NULL ? s->title_en : s->title_ar;
                    printf("%s%s%s%s\n\n", i ? "\n" : "", !english && s->numeral_ar ? s->numeral_ar : "",
                           !english && s->numeral_ar ? " - " : "", title);
                }
            }
            printf("%s (%s)", p->id, p->pillar);
            print_instruments(p);
            printf("\n%s\n\n", english ? p->summary_en : p->text_ar);
        }
    }
    free(o.list);
    return CLI_EXIT_OK;
}

static enum status op_paragraph(const struct auth_ctx *ctx, void *p)
{
    struct plan_op *o = p;
    return plan_paragraph_get(ctx, o->id, &o->one);
}

static int cmd_plan_paragraph(const struct command *cmd, struct args *args)
{
    struct plan_op o = {.id = args->pos[0]};
    bool english = false;
    enum status st = lang_opt(cmd, args, &english);
    if (st == STATUS_OK) {
        st = cli_run_op(op_paragraph, &o);
    }
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        cli_print_json(plan_paragraph_json(o.one));
    } else {
        printf("%s  %s %d  section %s  pillar %s", o.one->id, o.one->part, o.one->number, o.one->section,
               o.one->pillar);
        print_instruments(o.one);
        if (english) {
            printf("\n\n%s\n", o.one->summary_en);
        } else {
            printf("\n\n%s\n\n%s\n", o.one->text_ar, o.one->summary_en);
        }
    }
    return CLI_EXIT_OK;
}

static enum status op_instruments(const struct auth_ctx *ctx, void *p)
{
    struct plan_op *o = p;
    return plan_instruments(ctx, &o->instruments, &o->count);
}

static int cmd_plan_instruments(const struct command *cmd, struct args *args)
{
    (void)cmd;
    (void)args;
    struct plan_op o = {0};
    enum status st = cli_run_op(op_instruments, &o);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    if (cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            json_array_append_new(arr, plan_instrument_json(&o.instruments[i]));
        }
        cli_print_json(json_pack("{so}", "instruments", arr));
    } else {
        for (size_t i = 0; i < o.count; i++) {
            printf("%-24s %d  %s\n", o.instruments[i].code, o.instruments[i].year, o.instruments[i].name_en);
        }
    }
    return CLI_EXIT_OK;
}

static const struct command plan_commands[] = {
    {"plan text",
     "",
     0,
     0,
     "Prints the Plan of Action (resolution 64/293 and its Annex) by section: Arabic text, or English "
     "summaries with --lang en (or --json).",
     {{"part", true, "resolution or annex"},
      {"pillar", true, "general, prevent, protect, prosecute, partner or follow_up"},
      {"instrument", true, "only paragraphs naming this instrument (see ctis plan instruments)"},
      {"lang", true, "ar (the Arabic text, the default) or en (the English summary)"}},
     cmd_plan_text},
    {"plan paragraph",
     "ID",
     1,
     1,
     "Prints one paragraph of the Plan by id (op-1 to op-7, annex-1 to annex-61): its Arabic text and English "
     "summary (or --json).",
     {{"lang", true, "ar (text and summary, the default) or en (the summary only)"}},
     cmd_plan_paragraph},
    {"plan instruments",
     "",
     0,
     0,
     "Lists the instruments the Plan names, with their codes and years (or --json).",
     {{0}},
     cmd_plan_instruments},
};

const struct cli_table cli_plan_table = {plan_commands, ARRAY_LEN(plan_commands)};
