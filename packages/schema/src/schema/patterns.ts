/** Regular expressions shared by the JSON Schema and the semantic checks (JSON Schema syntax, `u` flag). */

/** A runbook or step name. */
export const SLUG = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** A var or secret name: usable as `RUNBOOK_VAR_<NAME>` and in `${{ vars.NAME }}`. */
export const IDENT = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
/** A group name: starts with a letter or `_`, so it can never be taken for an IP address. */
export const GROUP = '^[A-Za-z_][A-Za-z0-9_-]{0,63}$';
/** An environment variable name. */
export const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Seconds (`90`) or a duration with h, m and s parts in that order (`90s`, `20m`, `1h30m`). */
export const DURATION = '^(?:[0-9]+|(?=[0-9])(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?)$';
/** Dotted-quad IPv4. */
export const IPV4 =
  '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$';
/** Contains an expression. */
export const HAS_EXPRESSION = '\\$\\{\\{';

export const MAX_CLOUD_ID = 2147483647;

/** The largest CMDB id (host id, topology node id): 15 digits. */
export const MAX_CMDB_ID = 999999999999999;
/** A topology node as text, `NODE_TYPE:ID` (`module:12`), or a string with an expression. */
export const TOPO_NODE = '^(?:biz|set|module):[1-9][0-9]{0,14}$|\\$\\{\\{';
