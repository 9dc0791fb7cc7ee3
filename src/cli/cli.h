/* cli: the `ctis` command line. Each subcommand parses its options, opens the database and the
 * vault as the local operator (whoever holds the database and the key file; the OS user is
 * written to the audit), calls the same domain functions as the API, and maps enum status to a
 * documented exit code. */
#ifndef CTIS_CLI_CLI_H
#define CTIS_CLI_CLI_H

/* Exit codes (docs/cli.md). */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_ERROR = 1, /* anything else: I/O, internal */
    CLI_EXIT_USAGE = 2, /* wrong command line */
    CLI_EXIT_NOT_FOUND = 3,
    CLI_EXIT_CONFLICT = 4, /* exists already, changed meanwhile, not empty */
    CLI_EXIT_DENIED = 5,
    CLI_EXIT_INTEGRITY = 6,   /* audit chain broken, backup damaged, wrong key or passphrase */
    CLI_EXIT_UNAVAILABLE = 7, /* database or port unreachable, busy */
    CLI_EXIT_INVALID = 8,     /* bad input data */
};

int cli_main(int argc, char **argv);

/* Generates demo data into an initialised database (demo.c). */
struct auth_ctx;
int cli_demo_generate(const struct auth_ctx *ctx, int agencies, int users_per_agency, char **password_out);

#endif
