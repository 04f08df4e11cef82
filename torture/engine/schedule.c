// SPDX-License-Identifier: GPL-2.0
/*
 * Schedule files: a failing controlled run's choices, up to the failure,
 * after a header that holds the version and the whole configuration, so
 * that `sgtorture replay FILE` needs nothing else:
 *
 *   # sgtorture schedule 3
 *   for: variant=PORT model=MODEL threads=0,1,1,1 policy=pct seed=2 hash=...
 *   option: strategy=PORT
 *   option: devres-model=devres-2026
 *   ...				(every value of a row a run depends on)
 *   choices: 20014
 *   0 2 1 1 0 ... (32 a line)
 *   end
 *
 * The options are the table's fields (params.h), set back through their
 * rows: no command line is written or parsed.  The reader checks every line
 * and names the first bad one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check/sched_ctl.h>

#include "torture.h"

#define SCHEDULE_MAGIC	"# sgtorture schedule "
#define SCHEDULE_VERSION 3

/* "threads=0,1,1,1": the number of threads in each role. */
static void threads_field(const struct torture_config *cfg, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "threads=");

	for (int r = 0; r < cfg->subject->nr_roles && n < len; r++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", r ? "," : "", cfg->threads[r]);
}

/*
 * "option: NAME=VALUE", a line for each value of every row that changes
 * what runs or what is shown ("NAME=" for a flag that is on).  The policy's
 * rows are left out: the choices below replace it.
 */
static void write_options(FILE *f, const struct torture_config *cfg,
			  const struct torture_result *res)
{
	int variant = res->variant_index, model = res->model_index;
	struct torture_config run = torture_one_run(cfg, &variant, &model);
	struct torture_values v;

	for (const struct torture_param *p = torture_params(cfg->subject); p->name; p++) {
		if (!(p->flags & (TP_RUN | TP_SHOWN)))
			continue;
		torture_param_show(&run, p, &v);
		for (int i = 0; i < v.n; i++)
			fprintf(f, "option: %s=%s\n", p->name, v.v[i]);
	}
}

/* The whole file: header, configuration (stopping at cfg's oracle), the choices. */
static bool write_file(FILE *f, const struct torture_config *cfg, const struct torture_result *res,
		       const uint32_t *c, size_t n)
{
	char threads[128];

	threads_field(cfg, threads, sizeof(threads));
	fprintf(f, SCHEDULE_MAGIC "%d\n", SCHEDULE_VERSION);
	fprintf(f, "for: variant=%s model=%s %s policy=%s seed=%llu hash=%016llx\n", res->variant,
		res->model, threads, sched_policy_name[cfg->sched], (unsigned long long)cfg->seed,
		(unsigned long long)res->sched_hash);
	write_options(f, cfg, res);
	fprintf(f, "choices: %zu\n", n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%u%c", c[i], i % 32 == 31 || i + 1 == n ? '\n' : ' ');
	fprintf(f, "end\n");
	return !ferror(f);
}

void torture_write_schedule(const struct torture_config *cfg, struct torture_result *res)
{
	size_t n, upto = sched_ctl_failure_choices();
	const uint32_t *c = sched_ctl_choices(&n);
	FILE *f;

	res->sched_steps = sched_ctl_steps();
	res->sched_hash = upto ? sched_ctl_failure_hash() : sched_ctl_trace_hash();
	res->sched_choices = upto ? upto : n;
	res->sched_file[0] = 0;
	if (!upto || !cfg->sched_pending[0])
		return;		/* no failure was seen, or nobody keeps it (a replay) */
	f = fopen(cfg->sched_pending, "w");
	if (!f)
		return;
	if (write_file(f, cfg, res, c, res->sched_choices))
		snprintf(res->sched_file, sizeof(res->sched_file), "%s", cfg->sched_pending);
	fclose(f);
}

static const char *pending_path;

static void remove_pending(void)
{
	unlink(pending_path);
}

void torture_schedule_pending(struct torture_config *cfg)
{
	snprintf(cfg->sched_pending, sizeof(cfg->sched_pending), "%s/.sgtorture-pending-%d.sched",
		 cfg->sched_dir, (int)getpid());
	if (!pending_path)
		atexit(remove_pending);
	pending_path = cfg->sched_pending;
}

/*
 * A new file DIR/sgtorture-SCENARIO-PORT-MODEL-ORACLE-HASH[-K].sched, opened
 * with O_EXCL so no kept schedule is ever overwritten; its name into path.
 */
static FILE *create_unique(const struct torture_config *cfg, const struct torture_result *res,
			   const char *oracle, char *path, size_t len)
{
	for (int k = 1; k < 1000; k++) {
		char suffix[16] = "";
		int fd;

		if (k > 1)
			snprintf(suffix, sizeof(suffix), "-%d", k);
		snprintf(path, len, "%s/sgtorture-%s-%s-%s-%s-%08llx%s.sched", cfg->sched_dir,
			 cfg->scenario ? cfg->scenario : cfg->verb, res->variant, res->model, oracle,
			 (unsigned long long)(res->sched_hash >> 32), suffix);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0)
			return fdopen(fd, "w");
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}

bool torture_schedule_keep(const struct torture_config *cfg, struct torture_result *res,
			   int until)
{
	struct torture_schedule s;
	bool ok;

	if (!res->sched_file[0] || strcmp(res->sched_file, cfg->sched_pending) ||
	    !torture_read_schedule(cfg->sched_pending, &s)) {
		res->sched_file[0] = 0;
		return false;
	}
	ok = torture_schedule_keep_choices(cfg, res, until, s.choices, s.nr);
	free(s.choices);
	return ok;
}

bool torture_schedule_keep_choices(const struct torture_config *cfg, struct torture_result *res,
				   int until, const uint32_t *choices, size_t nr)
{
	struct torture_config as_kept = *cfg;
	char path[sizeof(res->sched_file)];
	const char *oracle;
	bool ok;
	FILE *f;

	/* Its replay stops at the oracle it is reported for, whatever the run waited for. */
	if (until != cfg->stop_on) {
		as_kept.stop_on = until;
		as_kept.until_match = NULL;
		as_kept.tsan_frame = NULL;
	}
	oracle = until == SGT_ORACLE_NONE ? res->exit_reason : sgt_oracle_name(until);
	f = create_unique(cfg, res, oracle[0] ? oracle : "failure", path, sizeof(path));
	ok = f && write_file(f, &as_kept, res, choices, nr);
	if (f && fclose(f))
		ok = false;
	snprintf(res->sched_file, sizeof(res->sched_file), "%s", ok ? path : "");
	return ok;
}

/* A bad line: "FILE:LINE: what", into the schedule's error. */
static __attribute__((format(printf, 4, 5))) bool bad(struct torture_schedule *s,
						     const char *path, int line,
						     const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(s->error, sizeof(s->error), "%.400s:%d: ", path, line);

	va_start(ap, fmt);
	vsnprintf(s->error + n, sizeof(s->error) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One line: a quoted piece of the file shows its control bytes as '?'. */
	for (char *c = s->error; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return false;
}

/* Take a "key: value" line; false if the line is not that key. */
static bool header(char *line, const char *key, char **value)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) || line[k] != ':' || line[k + 1] != ' ')
		return false;
	line[strcspn(line, "\n")] = 0;
	*value = line + k + 2;
	return true;
}

static bool push(struct torture_schedule *s, uint32_t v, size_t *cap)
{
	if (s->nr == *cap) {
		uint32_t *grown = realloc(s->choices, (*cap = *cap ? 2 * *cap : 4096) * sizeof(v));

		if (!grown)
			return false;
		s->choices = grown;
	}
	s->choices[s->nr++] = v;
	return true;
}

/* "NAME=VALUE" of an option line into s; false with s->error if it is not one. */
static bool take_option(struct torture_schedule *s, const char *path, int lineno, char *v)
{
	size_t nl = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-");

	if (!nl || v[nl] != '=' || nl >= sizeof(s->options[0].name))
		return bad(s, path, lineno, "option '%.40s': accepted is NAME=VALUE", v);
	if (strlen(v + nl + 1) >= sizeof(s->options[0].value))
		return bad(s, path, lineno, "option %.*s: its value is longer than %zu", (int)nl, v,
			   sizeof(s->options[0].value) - 1);
	if (s->nr_options == SCHEDULE_MAX_OPTIONS)
		return bad(s, path, lineno, "more than %d options", SCHEDULE_MAX_OPTIONS);
	snprintf(s->options[s->nr_options].name, sizeof(s->options[0].name), "%.*s", (int)nl, v);
	snprintf(s->options[s->nr_options].value, sizeof(s->options[0].value), "%s", v + nl + 1);
	s->options[s->nr_options++].line = lineno;
	return true;
}

/* The option lines after for:, into s; line holds the first line after them. */
static bool read_options(FILE *f, struct torture_schedule *s, const char *path, int *lineno,
			 char *line, size_t len)
{
	char *v;

	for (;;) {
		++*lineno;
		if (!fgets(line, (int)len, f))
			return bad(s, path, *lineno, "truncated: accepted is 'option: NAME=VALUE' or "
				   "'choices: N'");
		if (!header(line, "option", &v))
			return true;
		if (!take_option(s, path, *lineno, v))
			return false;
	}
}

/* The choices, from line *lineno on, to "end". */
static bool read_choices(FILE *f, struct torture_schedule *s, const char *path, int *lineno)
{
	char line[4096];
	size_t cap = 0;

	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		++*lineno;
		if (!strcmp(line, "end\n") || !strcmp(line, "end"))
			return s->nr == s->expected ||
			       bad(s, path, *lineno, "%zu choices where the header says %zu", s->nr,
				   s->expected);
		for (unsigned long v; errno = 0, v = strtoul(p, &end, 10), end != p; p = end) {
			if (errno || v > 4096 || *p == '-')
				return bad(s, path, *lineno, "choice '%.*s': accepted is a thread "
					   "number", (int)(end - p), p);
			if (!push(s, (uint32_t)v, &cap))
				return bad(s, path, *lineno, "out of memory");
		}
		if (*p && *p != '\n')
			return bad(s, path, *lineno, "'%.20s': accepted are thread numbers, or end",
				   p);
	}
	return bad(s, path, *lineno, "truncated: %zu of %zu choices and no 'end' line", s->nr,
		   s->expected);
}

bool torture_read_schedule(const char *path, struct torture_schedule *s)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f) {
		memset(s, 0, sizeof(*s));
		return bad(s, path, 0, "cannot read it: %s", strerror(errno));
	}
	ok = torture_read_schedule_stream(f, path, s);
	fclose(f);
	return ok;
}

bool torture_read_schedule_stream(FILE *f, const char *path, struct torture_schedule *s)
{
	char line[4096], *v, *end;
	int lineno = 1, version;
	bool ok;

	memset(s, 0, sizeof(*s));
	ok = fgets(line, sizeof(line), f) && !strncmp(line, SCHEDULE_MAGIC, strlen(SCHEDULE_MAGIC));
	if (!ok)
		return bad(s, path, 1, "not a sgtorture schedule (accepted: a file written by a "
			   "failing --sched random or pct run)");
	version = atoi(line + strlen(SCHEDULE_MAGIC));
	ok = version == SCHEDULE_VERSION ||
	     bad(s, path, 1, "version %d: accepted is version %d", version, SCHEDULE_VERSION);
	ok = ok && ((++lineno, fgets(line, sizeof(line), f) && header(line, "for", &v)) ||
		    bad(s, path, lineno, "accepted is 'for: variant=... model=... threads=...'"));
	if (ok)
		snprintf(s->for_line, sizeof(s->for_line), "%s", v);
	ok = ok && read_options(f, s, path, &lineno, line, sizeof(line));
	ok = ok && (header(line, "choices", &v) ||
		    bad(s, path, lineno, "accepted is 'option: NAME=VALUE' or 'choices: N'"));
	s->choices_line = lineno + 1;
	if (ok) {
		s->expected = strtoul(v, &end, 10);
		ok = (end != v && !*end && s->expected > 0) ||
		     bad(s, path, lineno, "choices '%s': accepted is a number > 0", v);
	}
	ok = ok && read_choices(f, s, path, &lineno);
	if (!ok) {
		free(s->choices);
		s->choices = NULL;
	}
	return ok;
}

/* A row's values in the file, in order. */
static void file_values(const struct torture_schedule *s, const struct torture_param *p,
			struct torture_values *out)
{
	out->n = 0;
	for (int i = 0; i < s->nr_options && out->n < TP_MAX_VALUES; i++)
		if (!strcmp(s->options[i].name, p->name))
			torture_values_add(out, "%s", s->options[i].value);
}

/* "--fault a --fault b", or "no --fault". */
static void describe(const struct torture_param *p, const struct torture_values *v, char *buf,
		     size_t len)
{
	size_t n = 0;

	if (!v->n)
		snprintf(buf, len, "no --%s", p->name);
	for (int i = 0; i < v->n && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s--%s%s%s", i ? " " : "", p->name,
				      p->arg ? " " : "", p->arg ? v->v[i] : "");
}

/* The option line s has no row for, or that is not part of a run's configuration. */
static const struct torture_param *option_row(const struct torture_config *cfg,
					      const struct torture_schedule *s, int i)
{
	const struct torture_param *p = torture_param_find(cfg->subject, s->options[i].name);

	return p && (p->flags & (TP_RUN | TP_SHOWN)) ? p : NULL;
}

void torture_schedule_apply(const struct torture_schedule *s, const char *path,
			    struct torture_config *cfg)
{
	for (int i = 0; i < s->nr_options; i++) {
		const struct torture_param *p = option_row(cfg, s, i);

		if (!p)
			torture_usage_error("replay %s:%d: option '%s': accepted are the options of "
					    "a run's configuration (--help)", path,
					    s->options[i].line, s->options[i].name);
		torture_usage_where("replay %s:%d", path, s->options[i].line);
		torture_param_set(cfg, p, s->options[i].value);
	}
	torture_usage_where(NULL);
}

/* The first row a replay must match that differs between the file and cfg, in buf. */
static bool first_difference(const struct torture_config *cfg,
			     const struct torture_schedule *s, char *buf, size_t len, int *line)
{
	int variant = cfg->variants[0], model = cfg->models[0];
	struct torture_config run = cfg->nr_variants == 1 && cfg->nr_models == 1 ?
		torture_one_run(cfg, &variant, &model) : *cfg;
	struct torture_values file, now;
	char a[600], b[600];

	for (const struct torture_param *p = torture_params(cfg->subject); p->name; p++) {
		if (!(p->flags & TP_RUN))
			continue;
		file_values(s, p, &file);
		torture_param_show(&run, p, &now);
		if (torture_values_same(&file, &now))
			continue;
		*line = 2;	/* the for: line, when the file does not give the option */
		for (int i = 0; i < s->nr_options; i++)
			if (!strcmp(s->options[i].name, p->name)) {
				*line = s->options[i].line;
				break;
			}
		describe(p, &file, a, sizeof(a));
		describe(p, &now, b, sizeof(b));
		snprintf(buf, len, "%s, and the run %s%s", a, now.n ? "asks for " : "does not give ",
			 now.n ? b : "it");
		return true;
	}
	return false;
}

bool torture_schedule_fits(const struct torture_config *cfg, struct torture_schedule *s,
			   const char *path)
{
	char diff[1300];
	int total = 0, line;

	for (int i = 0; i < s->nr_options; i++)
		if (!option_row(cfg, s, i))
			return bad(s, path, s->options[i].line, "option '%s': accepted are the "
				   "options of a run's configuration (--help)", s->options[i].name);
	/* Any option that changes the run makes the choices another run's. */
	if (first_difference(cfg, s, diff, sizeof(diff), &line))
		return bad(s, path, line, "written for %s: a replay runs the file's configuration "
			   "(sgtorture replay %s, adding only --json, --quiet, --timeline, "
			   "--watchdog)", diff, path);
	for (int r = 0; r < cfg->subject->nr_roles; r++)
		total += cfg->threads[r];
	for (size_t i = 0; i < s->nr; i++)
		if (s->choices[i] >= (uint32_t)total)
			return bad(s, path, s->choices_line + (int)(i / 32),
				   "choice %u: accepted are threads 0 to %d", s->choices[i],
				   total - 1);
	return true;
}
