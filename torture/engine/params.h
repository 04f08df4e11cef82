/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options, one row each, after the kernel's torture_param() and
 * kvm.sh's checkarg: the name, the argument, the accepted range, the
 * default, the help, the configuration field, and how the value is
 * written back.  That row drives getopt (options.c), --help, the refusal
 * of a bad value, the "End of test" echo, the replay command line,
 * --json's config and a schedule file's configuration (schedule.c).
 *
 * A new option is one row (in engine_params[] of params.c, or in the
 * subject's table) plus its use.
 */
#ifndef SGT_TORTURE_PARAMS_H
#define SGT_TORTURE_PARAMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct torture_config;
struct torture_subject;

enum torture_param_kind {
	TP_FLAG,		/* bool: on when given, no argument */
	TP_INT,			/* int, unsigned int, unsigned long: whole numbers */
	TP_UINT,
	TP_ULONG,
	TP_DOUBLE,		/* a finite number */
	TP_STRING,		/* const char *, kept as given */
	TP_CUSTOM,		/* the row's own set() and show() */
};

/* What a row is, for writing it back. */
enum {
	TP_RUN		= 1 << 0,	/* changes what runs: written back; a replay must match */
	TP_SHOWN	= 1 << 1,	/* changes what is shown: written back; a replay may differ */
	TP_POLICY	= 1 << 2,	/* how the run is scheduled: on a command line, not in a
					 * schedule file (whose choices replace it) */
	TP_ALWAYS	= 1 << 3,	/* written back even at its default: the line reads alone */
	TP_JSON		= 1 << 4,	/* in --json's config though not written back */
	TP_SCENARIO	= 1 << 5,	/* only after a scenario: sgtorture repro ID --budget ... */
	TP_REPEAT	= 1 << 6,	/* may come again; each adds a value */
	TP_SUBJECT	= 1 << 7,	/* a field of cfg->subject_cfg (set when the tables join) */
};

#define TP_MAX_VALUES	8	/* of a repeated option (MAX_FAULTS) */
#define TP_VALUE_LEN	256

/* A row's values as text, as the option takes them: "5", "all", "" for a flag that is on. */
struct torture_values {
	int n;
	char v[TP_MAX_VALUES][TP_VALUE_LEN];
};

/* Append one value, printf-style (TP_VALUE_LEN at most): what every show() builds. */
__attribute__((format(printf, 2, 3)))
void torture_values_add(struct torture_values *out, const char *fmt, ...);

struct torture_param {
	const char *name;		/* "duration": --duration */
	const char *arg;		/* "SECONDS" in --help; NULL for a flag */
	enum torture_param_kind kind;
	unsigned int flags;
	size_t offset;			/* the field in cfg (or in cfg->subject_cfg) */
	double min, max;		/* numbers: the accepted range */
	const char *unit;		/* "seconds": "accepted is a number of seconds from ..." */
	const char *def;		/* the default, as the option would give it; applied by
					 * torture_defaults() and checked to read back the same */
	const char *def_help;		/* --help's default, where code computes it (the clock) */
	const char *help;
	const char *none;		/* the value that means none ("never"): null in JSON */
	const char *json_key;		/* its key in --json's config (default: name, '-' -> '_') */
	/* TP_CUSTOM: arg into cfg (bad usage exits 2), and the value back. */
	void (*set)(struct torture_config *cfg, const struct torture_param *p, const char *arg);
	void (*show)(const struct torture_config *cfg, const struct torture_param *p,
		     struct torture_values *out);
	/* --help appends ": " and these, the names the option accepts. */
	const char *(*accepted)(const struct torture_subject *s);
	/* Its value in --json's config, where text would not do (threads by role). */
	json_t *(*json)(const struct torture_config *cfg);
};

/* The subject's field behind the engine's back: offsetof into its options struct. */
#define TP_FIELD(type, member)	offsetof(type, member)

/* The engine's rows ({0}-terminated), and the row of the subject's variant or model axis. */
extern const struct torture_param torture_engine_params[];
struct torture_param torture_axis_param(const struct torture_subject *s, bool variants);

/* Every row: the subject's two axes, the engine's, the subject's; name NULL ends it. */
const struct torture_param *torture_params(const struct torture_subject *s);
/* The row of --name, or NULL. */
const struct torture_param *torture_param_find(const struct torture_subject *s, const char *name);
/* Set p's field from its text (arg NULL: a flag given); a bad value exits 2 naming it. */
void torture_param_set(struct torture_config *cfg, const struct torture_param *p,
		       const char *arg);
/* p's value in cfg, as text. */
void torture_param_show(const struct torture_config *cfg, const struct torture_param *p,
			struct torture_values *out);
bool torture_values_same(const struct torture_values *a, const struct torture_values *b);
/* cfg as one run of it: *variant and *model in place of the matrix's lists. */
struct torture_config torture_one_run(const struct torture_config *cfg, int *variant,
				      int *model);
/* Does p differ from its default in cfg?  (What a command line needs to say.) */
bool torture_param_changed(const struct torture_config *cfg, const struct torture_param *p);

/*
 * Every row in which (flags), changed or TP_ALWAYS, as options: "--strategy
 * PORT --devres-model MODEL ...", values quoted for a shell.  For one
 * run: variant and model replace cfg's lists.
 */
void torture_args(const struct torture_config *cfg, int variant, int model, unsigned int which,
		  char *buf, size_t len);
/* "PROGRAM ARGS": the command line that replays one run (same configuration, same seed). */
void torture_replay_cmdline(const struct torture_config *cfg, int variant, int model,
			    char *buf, size_t len);
/* "PROGRAM replay FILE --timeline": what every printed replay of a schedule file says. */
void torture_replay_schedule_cmd(const struct torture_config *cfg, const char *file, char *buf,
				 size_t len);
/* --json's config: every row written back or TP_JSON, by its key. */
json_t *torture_params_json(const struct torture_config *cfg);
/* An option name as a JSON key: "a-b" is "a_b". */
const char *torture_json_key(const char *option, char *buf, size_t len);
/* cfg with every row's default (and the subject's), for argv0; free with torture_config_free(). */
void torture_defaults(struct torture_config *cfg, const struct torture_subject *subject,
		      const char *argv0);
void torture_config_free(struct torture_config *cfg);
/* --help's option lines: each row's argument, help, accepted names and default. */
void torture_params_help(const struct torture_subject *s, FILE *out);

/* Bad usage: one line naming the value and the accepted ones, then exit 2. */
__attribute__((noreturn, format(printf, 1, 2))) void torture_usage_error(const char *fmt, ...);
/* Name where the values parsed next come from (a file's line); NULL: the command line. */
__attribute__((format(printf, 1, 2))) void torture_usage_where(const char *fmt, ...);
/* Numbers from the command line: finite, in [min, max], else a usage error. */
double torture_parse_double(const char *opt, const char *arg, double min, double max,
			    const char *accepted);
long torture_parse_long(const char *opt, const char *arg, long min, long max);

#endif /* SGT_TORTURE_PARAMS_H */
