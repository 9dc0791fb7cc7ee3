/* cli_tasks: the task commands (task add, list, show, done, cancel, reopen, assign) as the local
 * operator. Titles are printed only by `task show` and in --json output. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "tasks/remind.h"
#include "tasks/tasks.h"
#include "util/mem.h"
#include "util/util.h"

struct task_cli {
    int64_t id;
    struct task_new in;
    struct task_filter f;
    struct task_change ch;
    enum task_status to;
    struct task *t;
    struct task **list;
    size_t count;
};

static enum status id_arg(const char *name, const char *text, int64_t *out)
{
    if (text == NULL || util_parse_i64(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, name, "%s: a positive number", name);
    }
    return STATUS_OK;
}

static enum status due_arg(const char *text, int64_t *out)
{
    *out = 0;
    if (text == NULL || text[0] == '\0' || strcmp(text, "none") == 0) {
        return STATUS_OK;
    }
    if (util_time_parse(out, text) != STATUS_OK || *out <= 0) {
        return err_set_field(STATUS_INVALID, "due", "--due: a date (YYYY-MM-DD) or date-time");
    }
    return STATUS_OK;
}

/* --owner USERNAME (or "none": the agency's queue). */
static enum status owner_arg(struct env *e, const char *text, int64_t *out)
{
    *out = 0;
    if (text == NULL || strcmp(text, "none") == 0) {
        return STATUS_OK;
    }
    return cli_user_lookup(e, text, out);
}

static void task_line(const struct task *t)
{
    char due[32] = "-";
    if (t->due_at_ms) {
        util_time_iso(due, t->due_at_ms);
        due[10] = '\0';
    }
    bool overdue = t->status == TASK_OPEN && t->due_at_ms && t->due_at_ms < util_now_ms();
    printf("%-20lld %-22s %-10s %-11s case %-20lld owner %lld%s\n", (long long)t->id, t->kind,
           task_status_name(t->status), due, (long long)t->case_id, (long long)t->owner_id, overdue ? "  OVERDUE" : "");
}

static enum status op_add(const struct auth_ctx *ctx, void *p)
{
    struct task_cli *o = p;
    return task_create(ctx, &o->in, &o->id);
}

static int cmd_task_add(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct task_cli o = {0};
    o.in.title = args->pos[0];
    if (cli_opt(cmd, args, "case")) {
        st = id_arg("case", cli_opt(cmd, args, "case"), &o.in.case_id);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "agency")) {
        st = cli_agency_lookup(&e, cli_opt(cmd, args, "agency"), &o.in.agency_id);
    }
    if (st == STATUS_OK) {
        st = owner_arg(&e, cli_opt(cmd, args, "owner"), &o.in.owner_id);
    }
    if (st == STATUS_OK) {
        st = due_arg(cli_opt(cmd, args, "due"), &o.in.due_at_ms);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_add, &o);
    }
    if (st == STATUS_OK) {
        if (cli_json_out) {
            cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
        } else {
            printf("%lld\n", (long long)o.id);
        }
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_list(const struct auth_ctx *ctx, void *p)
{
    struct task_cli *o = p;
    return task_list(ctx, &o->f, &o->list, &o->count);
}

static int cmd_task_list(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct task_cli o = {0};
    o.f.status = cli_opt(cmd, args, "status");
    o.f.overdue = cli_flag(cmd, args, "overdue");
    o.f.queue = cli_flag(cmd, args, "queue");
    if (cli_opt(cmd, args, "case")) {
        st = id_arg("case", cli_opt(cmd, args, "case"), &o.f.case_id);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "due-before")) {
        st = due_arg(cli_opt(cmd, args, "due-before"), &o.f.due_before_ms);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "limit")) {
        st = id_arg("limit", cli_opt(cmd, args, "limit"), &o.f.limit);
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_list, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *arr = json_array();
        for (size_t i = 0; i < o.count; i++) {
            /* The list leaves titles out, as the plain output does. */
            json_t *j = task_to_json(o.list[i], util_now_ms());
            json_object_del(j, "title");
            json_array_append_new(arr, j);
        }
        cli_print_json(arr);
    } else if (st == STATUS_OK) {
        for (size_t i = 0; i < o.count; i++) {
            task_line(o.list[i]);
        }
        printf("%zu task%s\n", o.count, o.count == 1 ? "" : "s");
    }
    task_list_free(o.list, o.count);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_show(const struct auth_ctx *ctx, void *p)
{
    struct task_cli *o = p;
    return task_get(ctx, o->id, &o->t);
}

static int cmd_task_show(const struct command *cmd, struct args *args)
{
    (void)cmd;
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct task_cli o = {0};
    st = id_arg("TASK_ID", args->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_show, &o);
    }
    if (st == STATUS_OK && cli_json_out) {
        cli_print_json(task_to_json(o.t, util_now_ms()));
    } else if (st == STATUS_OK) {
        task_line(o.t);
        if (o.t->title) {
            printf("title: %s\n", o.t->title);
        }
    }
    task_free(o.t);
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static enum status op_status(const struct auth_ctx *ctx, void *p)
{
    struct task_cli *o = p;
    return task_set_status(ctx, o->id, 0, o->to);
}

static int status_cmd(struct args *args, enum task_status to)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct task_cli o = {0};
    o.to = to;
    st = id_arg("TASK_ID", args->pos[0], &o.id);
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_status, &o);
    }
    if (st == STATUS_OK && !cli_json_out) {
        printf("task %lld %s\n", (long long)o.id, task_status_name(to));
    } else if (st == STATUS_OK) {
        cli_print_json(json_pack("{sIss}", "id", (json_int_t)o.id, "status", task_status_name(to)));
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static int cmd_task_done(const struct command *cmd, struct args *args)
{
    (void)cmd;
    return status_cmd(args, TASK_DONE);
}

static int cmd_task_cancel(const struct command *cmd, struct args *args)
{
    (void)cmd;
    return status_cmd(args, TASK_CANCELLED);
}

static int cmd_task_reopen(const struct command *cmd, struct args *args)
{
    (void)cmd;
    return status_cmd(args, TASK_OPEN);
}

static enum status op_assign(const struct auth_ctx *ctx, void *p)
{
    struct task_cli *o = p;
    struct task *t = NULL;
    enum status st = task_get(ctx, o->id, &t);
    if (st == STATUS_OK) {
        st = task_update(ctx, o->id, t->version, &o->ch);
    }
    task_free(t);
    return st;
}

static int cmd_task_assign(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct task_cli o = {0};
    st = id_arg("TASK_ID", args->pos[0], &o.id);
    if (st == STATUS_OK && cli_opt(cmd, args, "owner")) {
        o.ch.set_owner = true;
        st = owner_arg(&e, cli_opt(cmd, args, "owner"), &o.ch.owner_id);
    }
    if (st == STATUS_OK && cli_opt(cmd, args, "due")) {
        o.ch.set_due = true;
        st = due_arg(cli_opt(cmd, args, "due"), &o.ch.due_at_ms);
    }
    if (st == STATUS_OK && !o.ch.set_owner && !o.ch.set_due) {
        st = err_set(STATUS_INVALID, "give --owner or --due");
    }
    if (st == STATUS_OK) {
        st = auth_run(&e.ctx, op_assign, &o);
    }
    if (st == STATUS_OK && !cli_json_out) {
        printf("task %lld changed\n", (long long)o.id);
    } else if (st == STATUS_OK) {
        cli_print_json(json_pack("{sI}", "id", (json_int_t)o.id));
    }
    cli_env_close(&e);
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

struct remind_cli {
    struct task_remind_settings s;
};

static enum status op_remind_get(const struct auth_ctx *ctx, void *p)
{
    struct remind_cli *o = p;
    return task_remind_settings_get(ctx, &o->s);
}

static enum status op_remind_set(const struct auth_ctx *ctx, void *p)
{
    struct remind_cli *o = p;
    return task_remind_settings_set(ctx, &o->s);
}

/* Changes the stored settings from the options given; true when any was. */
static enum status remind_configure(const struct command *cmd, struct args *args, struct remind_cli *o, bool *changed)
{
    *changed = false;
    static const struct {
        const char *opt;
        size_t off, cap;
    } texts[] = {
        {"mail-command", offsetof(struct task_remind_settings, mail_command), TASK_REMIND_COMMAND_BYTES},
        {"from", offsetof(struct task_remind_settings, from), TASK_REMIND_ADDRESS_BYTES},
        {"base-url", offsetof(struct task_remind_settings, base_url), TASK_REMIND_URL_BYTES},
    };
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        const char *v = cli_opt(cmd, args, texts[i].opt);
        if (v == NULL) {
            continue;
        }
        if (strlen(v) >= texts[i].cap) {
            return err_set_field(STATUS_INVALID, texts[i].opt, "--%s: too long", texts[i].opt);
        }
        snprintf((char *)&o->s + texts[i].off, texts[i].cap, "%s", v);
        *changed = true;
    }
    if (cli_opt(cmd, args, "days")) {
        if (util_parse_i64(&o->s.days, cli_opt(cmd, args, "days")) != STATUS_OK) {
            return err_set_field(STATUS_INVALID, "days", "--days: a number of days");
        }
        *changed = true;
    }
    if (cli_flag(cmd, args, "enable") && cli_flag(cmd, args, "disable")) {
        return err_set(STATUS_INVALID, "--enable or --disable, not both");
    }
    if (cli_flag(cmd, args, "enable") || cli_flag(cmd, args, "disable")) {
        o->s.enabled = cli_flag(cmd, args, "enable");
        *changed = true;
    }
    return STATUS_OK;
}

static int cmd_tasks_remind(const struct command *cmd, struct args *args)
{
    struct env e;
    enum status st = cli_env_open(&e, false);
    if (st != STATUS_OK) {
        return cli_fail(st);
    }
    struct remind_cli o;
    memset(&o, 0, sizeof o);
    bool changed = false;
    st = auth_run(&e.ctx, op_remind_get, &o);
    if (st == STATUS_OK) {
        st = remind_configure(cmd, args, &o, &changed);
    }
    if (st == STATUS_OK && changed) {
        st = auth_run(&e.ctx, op_remind_set, &o);
        if (st == STATUS_OK && cli_json_out) {
            cli_print_json(json_pack("{sbsssssIss}", "enabled", o.s.enabled, "mail_command", o.s.mail_command, "from",
                                     o.s.from, "days", (json_int_t)o.s.days, "base_url", o.s.base_url));
        } else if (st == STATUS_OK) {
            printf("e-mail reminders %s (tasks due within %lld days; command %s)\n", o.s.enabled ? "on" : "off",
                   (long long)o.s.days, o.s.mail_command[0] ? o.s.mail_command : "none");
        }
        cli_env_close(&e);
        return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
    }
    struct task_remind_report rep;
    struct task_remind_digest *d = NULL;
    size_t n = 0;
    bool enabled = false, dry = cli_flag(cmd, args, "dry-run");
    if (st == STATUS_OK) {
        st = task_remind_run(&e.ctx, dry, &enabled, &rep, &d, &n);
    }
    if (st == STATUS_OK && cli_json_out) {
        json_t *users = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(users, json_pack("{sIsssIsI}", "user_id", (json_int_t)d[i].user_id, "username",
                                                   d[i].username, "overdue", (json_int_t)d[i].overdue, "due_soon",
                                                   (json_int_t)d[i].due_soon));
        }
        cli_print_json(json_pack("{sbsbsIsIsIso}", "enabled", enabled, "dry_run", dry, "due", (json_int_t)rep.due,
                                 "sent", (json_int_t)rep.sent, "failed", (json_int_t)rep.failed, "users", users));
    } else if (st == STATUS_OK && !enabled && !dry) {
        printf("e-mail reminders are off (ctis tasks remind --enable --mail-command ... --from ...)\n");
    } else if (st == STATUS_OK) {
        for (size_t i = 0; dry && i < n; i++) {
            printf("  %-24s %lld overdue, %lld due soon\n", d[i].username, (long long)d[i].overdue,
                   (long long)d[i].due_soon);
        }
        printf("%s%lld digest%s due, %lld sent, %lld failed\n", dry ? "dry run: " : "", (long long)rep.due,
               rep.due == 1 ? "" : "s", (long long)rep.sent, (long long)rep.failed);
    }
    task_remind_digests_free(d, n);
    cli_env_close(&e);
    if (st == STATUS_OK && rep.failed > 0) {
        return CLI_EXIT_ERROR;
    }
    return st == STATUS_OK ? CLI_EXIT_OK : cli_fail(st);
}

static const struct command task_commands[] = {
    {"task add",
     "TITLE",
     1,
     1,
     "Adds a manual task (its title is sealed).",
     {{"case", true, "the case it is about (id)"},
      {"agency", true, "the agency whose work it is (default: the case's agency)"},
      {"owner", true, "the username who must do it (default: the agency's queue)"},
      {"due", true, "the due date (YYYY-MM-DD)"}},
     cmd_task_add},
    {"task list",
     "",
     0,
     0,
     "Lists tasks (without titles), dated ones first.",
     {{"case", true, "the tasks of this case"},
      {"status", true, "open, done or cancelled"},
      {"overdue", false, "open tasks past their due date"},
      {"queue", false, "unowned tasks only"},
      {"due-before", true, "tasks due before this date"},
      {"limit", true, "at most this many (default 50, at most 500)"}},
     cmd_task_list},
    {"task show", "TASK_ID", 1, 1, "Shows a task with its title (audited).", {{0}}, cmd_task_show},
    {"task done", "TASK_ID", 1, 1, "Completes an open task.", {{0}}, cmd_task_done},
    {"task cancel", "TASK_ID", 1, 1, "Cancels an open task.", {{0}}, cmd_task_cancel},
    {"task reopen", "TASK_ID", 1, 1, "Reopens a done or cancelled task.", {{0}}, cmd_task_reopen},
    {"task assign",
     "TASK_ID",
     1,
     1,
     "Reassigns or postpones a task.",
     {{"owner", true, "the new owner's username, or none for the agency's queue"},
      {"due", true, "the new due date (YYYY-MM-DD), or none"}},
     cmd_task_assign},
    {"tasks remind",
     "",
     0,
     0,
     "Sends each user one e-mail digest of their tasks due soon or overdue (at most once a day; no personal "
     "data). Off by default: --enable with --mail-command and --from stores the setting (the server then "
     "sends every hour).",
     {{"dry-run", false, "list who would get a digest; send nothing"},
      {"enable", false, "turn reminders on (store the settings and exit)"},
      {"disable", false, "turn reminders off"},
      {"mail-command", true, "the program and arguments the message is piped to, e.g. \"/usr/sbin/sendmail -t\""},
      {"from", true, "the sender address"},
      {"days", true, "tasks due within this many days (default 3)"},
      {"base-url", true, "the server's address, for the link in the message"}},
     cmd_tasks_remind},
};

const struct cli_table cli_tasks_table = {task_commands, ARRAY_LEN(task_commands)};
