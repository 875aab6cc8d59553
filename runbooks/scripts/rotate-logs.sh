#!/usr/bin/env bash
# Rotate application logs: gzip every *.log file into NAME.log.<date>.gz, then delete rotated
# files older than --keep days. Touches nothing outside --dir.
# Usage: rotate-logs.sh --dir DIR --keep DAYS [--demo true|false]
set -euo pipefail

dir=app-logs
keep=7
demo=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --demo) demo=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [ "$demo" = true ] && [ ! -d "$dir" ]; then
  mkdir -p "$dir"
  for name in access error app; do
    printf '%s sample line\n' "$(date -u +%FT%TZ)" >"$dir/$name.log"
  done
  echo "demo: created sample logs in $dir"
fi
if [ ! -d "$dir" ]; then
  echo "no log directory $dir: nothing to rotate"
  exit 0
fi

stamp=$(date -u +%Y%m%d%H%M%S)
rotated=0
for f in "$dir"/*.log; do
  [ -e "$f" ] || continue
  gzip -c "$f" >"$f.$stamp.gz"
  : >"$f"
  rotated=$((rotated + 1))
done
pruned=$(find "$dir" -maxdepth 1 -name '*.log.*.gz' -mtime +"$keep" -print -delete | wc -l)
echo "rotated $rotated log(s) in $dir, pruned $pruned older than $keep day(s)"
