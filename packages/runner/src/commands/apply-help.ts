export const APPLY_HELP = `Usage: runbook apply FILE [options]

Resolves the runbook into a plan, shows its summary, asks for confirmation, then submits each
step to JOB's fast_execute_script in order and follows it until JOB says it finished.
Every run is recorded in .runbook/runs/<run-id>/ (record.json and one log per step and host; a
step of more than 1,000 hosts keeps them in one file, runbook logs RUN shows each host's).

Where it runs:
  --local                  start the embedded emulator (scripts run as local processes); uses
                           emulator.local.yaml beside the runbook when there is one
  --emulator-config FILE   shape the embedded emulator (businesses, hosts, custom queries)
  --esb-url URL            ESB v2 (else BK_ESB_URL); credentials from the environment
  --apigw-url URL          the API gateway v3: JOB's stage URL, such as
                           https://bkapi.example.com/api/bk-job/prod (else BK_APIGW_URL);
                           credentials from the environment, sent only in a header
  --transport v2|v3        with --local: the emulator's ESB v2 (default) or API gateway v3;
                           against a server the URL decides (a --transport that does not fit it
                           is refused). Both URLs given: exit 2. Host ids ({ host_id: N }) and
                           topology nodes (topo:) need v3

Answers:
  -y, --yes                answer yes to the run's question and to every step's confirm:
                           (without a terminal, apply needs --yes and exits 4 otherwise)

Inputs:
  --var NAME=VALUE         set a var (repeatable); wins over RUNBOOK_VAR_<NAME>, --vars-file, defaults
  --vars-file FILE         YAML mapping of var values

Which steps:
  --only NAME              run only this step (repeatable)
  --from-step NAME         skip the steps before this one
  --limit HOST[,HOST...]   run every step only on its hosts among these (repeatable; @FILE reads
                           one host a line, # comments): IP (cloud from defaults.cloud), CLOUD:IP
                           or id:N (a host id). A step left with none is skipped; a step whose
                           hosts JOB resolves (custom_query, topo) is refused (exit 2) unless
                           --only/--from-step leaves it out; a host no
                           step targets is a warning. Kept in the record and by --resume
  --resume RUN             continue run RUN: skip its succeeded steps, follow a job that was still
                           running instead of submitting it again, ask about a submit whose answer
                           was lost; a step that failed, partly failed or was interrupted runs
                           again only on its hosts that did not succeed (failed, never ran,
                           batches not started), in the same batch sizes. A runbook changed only
                           in steps that have not succeeded is taken: the changes are shown and
                           asked about (--yes takes them) and recorded. A change to a succeeded
                           step (or a var it reads) is refused, with the command that works
                           instead; so is another server or transport than the run's. Keeps the
                           run's --limit (another --limit is refused)
  --rerun-all-hosts        with --resume: a step that did not succeed runs again on all its hosts

At the same time:
  --allow-concurrent       apply this runbook although another apply of it to the same JOB (ESB
                           URL and business) is running from the same state folder; without it
                           the second apply is refused at once (exit 2), naming the process that
                           holds it. Two processes never continue one run: --resume is exclusive.

Output:
  --ui stream|json|tui     plain timestamped lines (default without a terminal or with CI set),
                           NDJSON events (each with "v"), or the terminal UI (default on a terminal)
  --json                   the same as --ui json
  --no-color               no colour (as NO_COLOR=1 does); colour is off anyway without a terminal
  --no-gather              stream: every host and its whole log, one after another (JOB's job_start
                           line included), instead of hosts with identical output printed once
                           under their hosts folded into ranges (10.0.1.[1-8,10]), failures first
  --state-dir DIR          keep run records in DIR instead of .runbook/runs
  --debug                  show HTTP calls and stack traces (secrets masked)

Following jobs:
  --poll-initial MS        first status call this long after the submit (default and least
                           100ms); during the job's first 2.5 s calls stay at most 450 ms apart
  --poll-max MS            then one call per this delay (default 5s, least 1s, most 1h); both
                           accept 500, 500ms, 2s, 1m, 1h
  --callback-listen HOST:PORT
                           also let JOB say when a job ends: listen for its callback on this
                           address for the run (127.0.0.1:0: any free port); each submit carries
                           a callback URL with a secret token of the run; a callback is confirmed
                           with one status call, and polling at --poll-max goes on as the fallback.
                           On by default with --local (loopback)
  --callback-url URL       the address JOB calls when it differs from the listen address (NAT, a
                           proxy); the token is appended to its path. Needs --callback-listen
  --no-callback            follow by polling alone (also with --local). A step's own
                           callback_url: wins over the run's (JOB takes one URL): it is polled
  --terminate-on-interrupt on Ctrl-C, SIGTERM or SIGHUP, ask JOB to terminate the running job
                           (by default it is left running and can be followed with --resume)
  --quota-wait DURATION    when JOB's running-job quota is full (nothing was started), wait and
                           submit again: 2 s, doubling to 30 s, for at most this long per submit
                           (each batch of a rolling step is one; default 10m; 0 does not wait;
                           at most 1h). Ctrl-C stops the wait

Ctrl-C, SIGTERM or SIGHUP (the terminal or SSH session went away) once: no further step is
submitted, the record is saved, the run id and the resume command are printed, exit 130. The
running job keeps running on JOB (--resume follows it), unless --terminate-on-interrupt; under
--local the embedded emulator stops with the runner, and the job with it. In the terminal UI the
first Ctrl-C opens a bar instead: [d] detach (the same as above), [t] terminate the job, [k] keep
watching. A second Ctrl-C (or signal) exits at once, the record still saved. A SIGKILL cannot be handled: the record stays "running"
(runbook runs shows it as interrupted) and --resume takes the run over.

Environment: BK_ESB_URL or BK_APIGW_URL, BK_APP_CODE, BK_APP_SECRET, BK_USERNAME or BK_TOKEN, HTTPS_PROXY,
HTTP_PROXY, NO_PROXY, RUNBOOK_VAR_<NAME>, the runbook's secrets, CI, NO_COLOR, FORCE_COLOR,
BK_JOB_WEB_URL (JOB's web address, e.g. https://job.example.com: each step links to its job's page),
NODE_EXTRA_CA_CERTS (a PEM file of the internal CA that signed JOB's or ESB's HTTPS certificate).
Exit codes: 0 every step succeeded (or failed with on_failure: ignore), 1 a step failed or
partly failed (on_failure: continue goes on to the next steps, still 1), 2 invalid runbook or command line, or the
run or runbook is busy in another process (nothing sent), 3 JOB/ESB unusable, 4 confirmation
declined or needed, 5 a local problem: the state folder, the disk, permissions (found before the
first submit: nothing sent; later: no further step is submitted, and if the record cannot be saved
the job id of every submitted step is printed), 130 interrupted.
`;
