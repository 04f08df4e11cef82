// SPDX-License-Identifier: GPL-2.0
/*
 * Schedule files: a failing controlled run's choices, up to the failure,
 * after a header that holds the version and the whole configuration, so
 * that `sgtorture replay FILE` needs nothing else:
 *
 *   # sgtorture schedule 2
 *   for: variant=v19 model=devres-2026 threads=0,1,1,1 policy=pct seed=2 hash=...
 *   config: --strategy v19 --devres-model devres-2026 ... --sched-steps 20000
 *   choices: 20014
 *   0 2 1 1 0 ... (32 a line)
 *   end
 *
 * The reader checks every line and names the first bad one.
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
#define SCHEDULE_VERSION 2

/* "threads=0,1,1,1": the number of threads in each role. */
static void threads_field(const struct torture_config *cfg, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "threads=");

	for (int r = 0; r < cfg->subject->nr_roles && n < len; r++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", r ? "," : "", cfg->threads[r]);
}

/* The options of the run, without the program's name and any --sched option. */
static void config_line(const struct torture_config *cfg, const struct torture_result *res,
			char *buf, size_t len)
{
	struct torture_config plain = *cfg;
	char cmd[2048];

	plain.sched = SCHED_OS;
	torture_replay_cmdline(&plain, res->variant_index, res->model_index, cmd, sizeof(cmd));
	snprintf(buf, len, "%s --sched-steps %lu", cmd + strlen(cfg->argv0) + 1, cfg->sched_steps);
}

/* The whole file: header, configuration (stopping at cfg's oracle), the choices. */
static bool write_file(FILE *f, const struct torture_config *cfg, const struct torture_result *res,
		       const uint32_t *c, size_t n)
{
	char threads[128], config[2048];

	threads_field(cfg, threads, sizeof(threads));
	config_line(cfg, res, config, sizeof(config));
	fprintf(f, SCHEDULE_MAGIC "%d\n", SCHEDULE_VERSION);
	fprintf(f, "for: variant=%s model=%s %s policy=%s seed=%llu hash=%016llx\n", res->variant,
		res->model, threads, sched_policy_name[cfg->sched], (unsigned long long)cfg->seed,
		(unsigned long long)res->sched_hash);
	fprintf(f, "config: %s\n", config);
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

bool torture_keep_schedule(const struct torture_config *cfg, struct torture_result *res,
			   int until)
{
	struct torture_config as_kept = *cfg;
	struct torture_schedule s;
	char path[sizeof(res->sched_file)];
	const char *oracle;
	bool ok;
	FILE *f;

	if (!res->sched_file[0] || strcmp(res->sched_file, cfg->sched_pending) ||
	    !torture_read_schedule(cfg->sched_pending, &s)) {
		res->sched_file[0] = 0;
		return false;
	}
	/* Its replay stops at the oracle it is reported for, whatever the run waited for. */
	if (until != cfg->stop_on) {
		as_kept.stop_on = until;
		as_kept.until_match = NULL;
		as_kept.tsan_frame = NULL;
	}
	oracle = until == SGT_ORACLE_NONE ? res->exit_reason : sgt_oracle_name(until);
	f = create_unique(cfg, res, oracle[0] ? oracle : "failure", path, sizeof(path));
	ok = f && write_file(f, &as_kept, res, s.choices, s.nr);
	if (f && fclose(f))
		ok = false;
	free(s.choices);
	snprintf(res->sched_file, sizeof(res->sched_file), "%s", ok ? path : "");
	if (ok && res->tsan_reports)
		torture_keep_tsan_log(res->tsan_log);	/* the schedule's raw reports stay too */
	return ok;
}

void torture_replay_schedule_cmd(const struct torture_config *cfg, const char *file, char *buf,
				 size_t len)
{
	snprintf(buf, len, "%s replay %s --timeline", cfg->argv0, file);
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
	ok = ok && ((++lineno, fgets(line, sizeof(line), f) && header(line, "config", &v)) ||
		    bad(s, path, lineno, "accepted is 'config: OPTIONS'"));
	if (ok)
		snprintf(s->config, sizeof(s->config), "%s", v);
	ok = ok && ((++lineno, fgets(line, sizeof(line), f) && header(line, "choices", &v)) ||
		    bad(s, path, lineno, "accepted is 'choices: N'"));
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

/* "threads=0,1,1,1" of a for: line, as counts; the number of roles read. */
static int for_threads(const char *for_line, int *threads)
{
	const char *p = strstr(for_line, "threads=");
	int n = 0;

	for (p = p ? p + 8 : ""; n < TORTURE_MAX_ROLES && *p >= '0' && *p <= '9'; n++) {
		threads[n] = (int)strtol(p, (char **)&p, 10);
		if (*p == ',')
			p++;
	}
	return n;
}

/* "variant=v19" of a for: line: does it name name? */
static bool for_names(const char *for_line, const char *key, const char *name)
{
	char want[128];

	snprintf(want, sizeof(want), "%s=%s ", key, name);
	return strstr(for_line, want) != NULL;
}

/*
 * The next "--name value" of a config line from *p on: name and value as
 * pointers into the line, lengths in *nl and *vl; false at its end.
 */
static bool next_option(const char **p, const char **name, size_t *nl, const char **value,
			size_t *vl)
{
	const char *s = strstr(*p, "--"), *end;

	if (!s)
		return false;
	end = strstr(s + 2, " --");
	end = end ? end : s + strlen(s);
	*name = s;
	*nl = strcspn(s, " ");
	if (*nl > (size_t)(end - s))
		*nl = (size_t)(end - s);
	*value = s + *nl + (s[*nl] == ' ');
	*vl = end > *value ? (size_t)(end - *value) : 0;
	*p = end;
	return true;
}

/* Options that change what is shown, not what runs: they may differ from the file's. */
static bool presentation(const char *name, size_t nl)
{
	static const char *const shown[] = { "--timeline", "--watchdog", NULL };

	for (int i = 0; shown[i]; i++)
		if (nl == strlen(shown[i]) && !strncmp(name, shown[i], nl))
			return true;
	return false;
}

/* The value of the nth (from 0) option name in line ("" for a flag), or NULL. */
static const char *option_in(const char *line, const char *name, size_t nl, int nth, size_t *vl)
{
	const char *n, *v;
	size_t l;

	while (next_option(&line, &n, &l, &v, vl))
		if (l == nl && !strncmp(n, name, nl) && nth-- == 0)
			return v;
	return NULL;
}

/* How many times name came in line before p (a repeated option: --fault). */
static int occurrence(const char *line, const char *p, const char *name, size_t nl)
{
	const char *n, *v;
	size_t l, vl;
	int k = 0;

	while (next_option(&line, &n, &l, &v, &vl) && n < p)
		k += l == nl && !strncmp(n, name, nl);
	return k;
}

/* The first option that differs between the file's line and the run's, named in buf. */
static bool first_difference(const char *file, const char *run, char *buf, size_t len)
{
	const char *line = file, *n, *v, *ov;
	size_t nl, vl, ovl;

	while (next_option(&line, &n, &nl, &v, &vl)) {
		if (presentation(n, nl))
			continue;
		ov = option_in(run, n, nl, occurrence(file, n, n, nl), &ovl);
		if (!ov) {
			snprintf(buf, len, "%.*s %.*s, and the run does not give it", (int)nl, n,
				 (int)vl, v);
			return true;
		}
		if (ovl != vl || strncmp(v, ov, vl)) {
			snprintf(buf, len, "%.*s %.*s, and the run asks for %.*s %.*s", (int)nl, n,
				 (int)vl, v, (int)nl, n, (int)ovl, ov);
			return true;
		}
	}
	for (line = run; next_option(&line, &n, &nl, &v, &vl);) {
		if (presentation(n, nl) || option_in(file, n, nl, occurrence(run, n, n, nl), &ovl))
			continue;
		snprintf(buf, len, "no %.*s, and the run asks for %.*s %.*s", (int)nl, n, (int)nl,
			 n, (int)vl, v);
		return true;
	}
	return false;
}

bool torture_schedule_fits(const struct torture_config *cfg, struct torture_schedule *s,
			   const char *path)
{
	const struct torture_subject *sub = cfg->subject;
	int threads[TORTURE_MAX_ROLES] = { 0 }, n = for_threads(s->for_line, threads), total = 0;
	struct torture_result res = { .variant_index = cfg->variants[0],
				      .model_index = cfg->models[0] };
	char have[2048], diff[512];

	if (!for_names(s->for_line, "variant", sub->variant_name(cfg->variants[0])) ||
	    !for_names(s->for_line, "model", sub->model_name(cfg->models[0])))
		return bad(s, path, 2, "written for %s, not for %s %s on %s", s->for_line,
			   sub->variant_key, sub->variant_name(cfg->variants[0]),
			   sub->model_name(cfg->models[0]));
	for (int r = 0; r < sub->nr_roles; r++) {
		if (n != sub->nr_roles || threads[r] != cfg->threads[r])
			return bad(s, path, 2, "written for other threads (%s): replay it with "
				   "its own configuration (sgtorture replay %s)", s->for_line, path);
		total += threads[r];
	}
	/* Any other option that changes the run makes the choices another run's. */
	config_line(cfg, &res, have, sizeof(have));
	if (first_difference(s->config, have, diff, sizeof(diff)))
		return bad(s, path, 3, "written for %s: a replay runs the file's configuration "
			   "(sgtorture replay %s, adding only --json, --quiet, --timeline, "
			   "--watchdog)", diff, path);
	for (size_t i = 0; i < s->nr; i++)
		if (s->choices[i] >= (uint32_t)total)
			return bad(s, path, 5 + (int)(i / 32), "choice %u: accepted are threads 0 to %d",
				   s->choices[i], total - 1);
	return true;
}
