/** `--limit` as the header and plan show it: `3 hosts (0:10.0.0.1, 0:10.0.0.2, id:7)`, the first few named. */
export function limitText(keys: readonly string[], shown = 5): string {
  const names = keys.slice(0, shown).join(', ');
  const more = keys.length > shown ? `, … ${keys.length - shown} more` : '';
  return `${keys.length} host${keys.length === 1 ? '' : 's'} (${names}${more})`;
}
