// SPDX-License-Identifier: GPL-2.0
/*
 * The options' table (params.h) and everything that reads it: defaults,
 * a field set from its text, its text back, --help, the command line that
 * replays a run, --json's config.  The getopt loop (options.c) and schedule
 * files (schedule.c) are built on this; this file calls neither.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check/violation.h>

#include "params.h"
#include "torture.h"

const struct torture_param *torture_params(const struct torture_subject *s)
{
	static struct torture_param *table;
	static const struct torture_subject *of;
	size_t ns = 0, ne = 0, n = 0;

	if (table && of == s)
		return table;
	while (s->params[ns].name)
		ns++;
	while (torture_engine_params[ne].name)
		ne++;
	free(table);
	table = calloc(2 + ne + ns + 1, sizeof(*table));
	if (!table)
		abort();
	/* The subject's two axes lead: what runs, then on what. */
	table[n++] = torture_axis_param(s, true);
	table[n++] = torture_axis_param(s, false);
	memcpy(table + n, torture_engine_params, ne * sizeof(*table));
	n += ne;
	for (size_t i = 0; i < ns; i++, n++) {
		table[n] = s->params[i];
		table[n].flags |= TP_SUBJECT;
	}
	of = s;
	return table;	/* calloc'ed: ends with a row whose name is NULL */
}

const struct torture_param *torture_param_find(const struct torture_subject *s, const char *name)
{
	for (const struct torture_param *p = torture_params(s); p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* --- a field from its text, and back --------------------------------------------------------- */

/*
 * The row's field.  cfg is const for show(); set() writes through the same
 * address, which is why the cast drops it here and nowhere else.
 */
static void *field(const struct torture_config *cfg, const struct torture_param *p)
{
	char *base = p->flags & TP_SUBJECT ? cfg->subject_cfg : (char *)cfg;

	return base + p->offset;
}

static long whole(const struct torture_param *p, const char *arg)
{
	char opt[64];

	snprintf(opt, sizeof(opt), "--%s", p->name);
	return torture_parse_long(opt, arg, (long)p->min, (long)p->max);
}

void torture_param_set(struct torture_config *cfg, const struct torture_param *p,
		       const char *arg)
{
	char opt[64], accepted[128];

	switch (p->kind) {
	case TP_FLAG:
		*(bool *)field(cfg, p) = !arg || strcmp(arg, "off");
		break;
	case TP_INT:
		*(int *)field(cfg, p) = (int)whole(p, arg);
		break;
	case TP_UINT:
		*(unsigned int *)field(cfg, p) = (unsigned int)whole(p, arg);
		break;
	case TP_ULONG:
		*(unsigned long *)field(cfg, p) = (unsigned long)whole(p, arg);
		break;
	case TP_DOUBLE:
		snprintf(opt, sizeof(opt), "--%s", p->name);
		snprintf(accepted, sizeof(accepted), "a %s from %.15g to %.15g",
			 p->unit ? p->unit : "number", p->min, p->max);
		*(double *)field(cfg, p) = torture_parse_double(opt, arg, p->min, p->max, accepted);
		break;
	case TP_STRING:
		*(const char **)field(cfg, p) = arg;
		break;
	case TP_CUSTOM:
		p->set(cfg, p, arg);
		break;
	}
}

/* The shortest text that reads back as v: "5", "0.3", not "0.29999999999999999". */
static void show_double(double v, struct torture_values *out)
{
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(out->v[out->n], TP_VALUE_LEN, "%.*g", prec, v);
		if (strtod(out->v[out->n], NULL) == v)
			break;
	}
	out->n++;
}

void torture_param_show(const struct torture_config *cfg, const struct torture_param *p,
			struct torture_values *out)
{
	const char *s;

	out->n = 0;
	switch (p->kind) {
	case TP_FLAG:
		if (*(bool *)field(cfg, p))
			torture_values_add(out, "%s", "");
		break;
	case TP_INT:
		torture_values_add(out, "%d", *(int *)field(cfg, p));
		break;
	case TP_UINT:
		torture_values_add(out, "%u", *(unsigned int *)field(cfg, p));
		break;
	case TP_ULONG:
		torture_values_add(out, "%lu", *(unsigned long *)field(cfg, p));
		break;
	case TP_DOUBLE:
		show_double(*(double *)field(cfg, p), out);
		break;
	case TP_STRING:
		s = *(const char **)field(cfg, p);
		if (s)
			torture_values_add(out, "%s", s);
		break;
	case TP_CUSTOM:
		p->show(cfg, p, out);
		break;
	}
}

struct torture_config torture_one_run(const struct torture_config *cfg, int *variant, int *model)
{
	struct torture_config run = *cfg;

	run.variants = variant;
	run.nr_variants = 1;
	run.models = model;
	run.nr_models = 1;
	return run;
}

bool torture_values_same(const struct torture_values *a, const struct torture_values *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/* --- defaults ------------------------------------------------------------------------------ */

/* The table's defaults, applied: a value that would not read back is a broken row. */
static void apply_defaults(struct torture_config *cfg)
{
	struct torture_values v;

	for (const struct torture_param *p = torture_params(cfg->subject); p->name; p++) {
		if (!p->def)
			continue;
		torture_param_set(cfg, p, p->def);
		torture_param_show(cfg, p, &v);
		if (v.n != 1 || strcmp(v.v[0], p->def)) {
			fprintf(stderr, "sgtorture: the option table's --%s: default '%s' reads "
				"back as '%s'\n", p->name, p->def, v.n ? v.v[0] : "(nothing)");
			abort();
		}
	}
}

void torture_defaults(struct torture_config *cfg, const struct torture_subject *s,
		      const char *argv0)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->subject = s;
	cfg->argv0 = argv0;
	cfg->subject_cfg = s->config_new();
	cfg->nr_variants = s->nr_variants();
	cfg->variants = calloc((size_t)cfg->nr_variants, sizeof(int));
	cfg->models = calloc(1, sizeof(int));
	if (!cfg->variants || !cfg->models)
		abort();
	for (int i = 0; i < cfg->nr_variants; i++)
		cfg->variants[i] = i;
	cfg->models[0] = s->default_model;
	cfg->nr_models = 1;
	for (int r = 0; r < s->nr_roles; r++)
		cfg->threads[r] = s->role_default[r];
	cfg->seed = (uint64_t)time(NULL) * 2654435761u;
	cfg->stop_on = SGT_ORACLE_NONE;
	cfg->sched_stop_on = SGT_ORACLE_NONE;
	cfg->shrink = true;
	snprintf(cfg->sched_dir_default, sizeof(cfg->sched_dir_default), "%s/sgtorture-%d",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getuid());
	cfg->sched_dir = cfg->sched_dir_default;
	apply_defaults(cfg);
}

void torture_config_free(struct torture_config *cfg)
{
	free(cfg->variants);
	free(cfg->models);
	free(cfg->subject_cfg);
	free(cfg->sched_replay);
	cfg->variants = cfg->models = NULL;
	cfg->subject_cfg = NULL;
	cfg->sched_replay = NULL;
}

/* The defaults of s, built once: what "changed" is measured against. */
static const struct torture_config *defaults_of(const struct torture_subject *s)
{
	static struct torture_config def;

	if (def.subject != s) {
		if (def.subject)
			torture_config_free(&def);
		torture_defaults(&def, s, "sgtorture");
	}
	return &def;
}

bool torture_param_changed(const struct torture_config *cfg, const struct torture_param *p)
{
	struct torture_values now, def;

	torture_param_show(cfg, p, &now);
	torture_param_show(defaults_of(cfg->subject), p, &def);
	return !torture_values_same(&now, &def);
}

const char *torture_json_key(const char *option, char *buf, size_t len)
{
	snprintf(buf, len, "%s", option);
	for (char *c = buf; *c; c++)
		if (*c == '-')
			*c = '_';
	return buf;
}

/* --- written back: a command line, JSON, --help ------------------------------------------------ */

/* A value as a shell reads it: bare when safe, else in single quotes ('\'' for a quote). */
static void quoted(char *buf, size_t len, const char *v)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_./:=,@%+-";
	size_t n = 0;

	if (*v && strspn(v, safe) == strlen(v)) {
		snprintf(buf, len, "%s", v);
		return;
	}
	for (buf[n++] = '\''; *v && n + 5 < len; v++) {
		if (*v == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *v;
		}
	}
	buf[n++] = '\'';
	buf[n] = 0;
}

void torture_args(const struct torture_config *cfg, int variant, int model, unsigned int which,
		  char *buf, size_t len)
{
	struct torture_config run = torture_one_run(cfg, &variant, &model);
	struct torture_values v;
	size_t n = 0;

	buf[0] = 0;
	for (const struct torture_param *p = torture_params(cfg->subject); p->name; p++) {
		if (!(p->flags & which) || (!(p->flags & TP_ALWAYS) && !torture_param_changed(&run, p)))
			continue;
		torture_param_show(&run, p, &v);
		for (int i = 0; i < v.n && n < len; i++) {
			char value[2 * TP_VALUE_LEN + 8];

			quoted(value, sizeof(value), v.v[i]);
			n += (size_t)snprintf(buf + n, len - n, "%s--%s%s%s", n ? " " : "", p->name,
					      p->arg ? " " : "", p->arg ? value : "");
		}
	}
}

void torture_replay_cmdline(const struct torture_config *cfg, int variant, int model,
			    char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s ", cfg->argv0);

	if (n >= 0 && (size_t)n < len)
		torture_args(cfg, variant, model, TP_RUN | TP_SHOWN | TP_POLICY, buf + n,
			     len - (size_t)n);
}

void torture_replay_schedule_cmd(const struct torture_config *cfg, const char *file, char *buf,
				 size_t len)
{
	char path[2 * TP_VALUE_LEN + 8];

	quoted(path, sizeof(path), file);
	snprintf(buf, len, "%s replay %s --timeline", cfg->argv0, path);
}

static json_t *param_json(const struct torture_config *cfg, const struct torture_param *p)
{
	struct torture_values v;
	json_t *list;

	if (p->json)
		return p->json(cfg);
	switch (p->kind) {
	case TP_FLAG: return json_boolean(*(bool *)field(cfg, p));
	case TP_INT: return json_integer(*(int *)field(cfg, p));
	case TP_UINT: return json_integer(*(unsigned int *)field(cfg, p));
	case TP_ULONG: return json_integer((json_int_t)*(unsigned long *)field(cfg, p));
	case TP_DOUBLE: return json_real(*(double *)field(cfg, p));
	default: break;
	}
	torture_param_show(cfg, p, &v);
	if (p->flags & TP_REPEAT) {
		list = json_array();
		for (int i = 0; i < v.n; i++)
			json_array_append_new(list, json_string(v.v[i]));
		return list;
	}
	if (!v.n || (p->none && !strcmp(v.v[0], p->none)))
		return json_null();
	return json_string(v.v[0]);
}

json_t *torture_params_json(const struct torture_config *cfg)
{
	json_t *doc = json_object();

	for (const struct torture_param *p = torture_params(cfg->subject); p->name; p++) {
		char key[64];

		if (!(p->flags & (TP_RUN | TP_SHOWN | TP_POLICY | TP_JSON)))
			continue;
		json_object_set_new(doc, torture_json_key(p->json_key ? p->json_key : p->name, key,
							  sizeof(key)), param_json(cfg, p));
	}
	return doc;
}

/* "(0.001 to 86400; default: 5)": the range of a number, and the default the code applies. */
static void help_default(const struct torture_param *p, const struct torture_config *def,
			 char *buf, size_t len)
{
	struct torture_values v;
	size_t n = 0;

	if (p->kind >= TP_INT && p->kind <= TP_DOUBLE)
		n += (size_t)snprintf(buf, len, "%.15g to %.15g; ", p->min, p->max);
	torture_param_show(def, p, &v);
	if (p->def_help)
		snprintf(buf + n, len - n, "default: %s", p->def_help);
	else if (!v.n)
		snprintf(buf + n, len - n, "default: %s", p->arg ? "none" : "off");
	else
		snprintf(buf + n, len - n, "default: %s", v.v[0]);
}

#define HELP_INDENT	24
#define HELP_WIDTH	92

/* text from column col on, wrapped at HELP_WIDTH under HELP_INDENT. */
static void wrap(FILE *out, const char *text, int col)
{
	while (*text) {
		int room = HELP_WIDTH - col, take = (int)strlen(text);

		if (take > room) {
			for (take = room; take > 0 && text[take] != ' '; take--)
				;
			if (!take)
				take = room;
		}
		fprintf(out, "%.*s\n", take, text);
		text += take;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(out, "%*s", HELP_INDENT, "");
		col = HELP_INDENT;
	}
}

void torture_params_help(const struct torture_subject *s, FILE *out)
{
	const struct torture_config *def = defaults_of(s);

	for (const struct torture_param *p = torture_params(s); p->name; p++) {
		char text[1024], dflt[TP_VALUE_LEN + 64];
		int col = fprintf(out, "  --%s%s%s", p->name, p->arg ? " " : "", p->arg ? p->arg : "");

		if (col >= HELP_INDENT - 1) {
			fprintf(out, "\n");
			col = 0;
		}
		fprintf(out, "%*s", HELP_INDENT - col, "");
		help_default(p, def, dflt, sizeof(dflt));
		snprintf(text, sizeof(text), "%s%s%s (%s)", p->help, p->accepted ? ": " : "",
			 p->accepted ? p->accepted(s) : "", dflt);
		wrap(out, text, HELP_INDENT);
	}
	fprintf(out, "  --help%*sthis text\n", HELP_INDENT - 8, "");
}
