#!/usr/bin/env bash
# Copies the repository's sample files into the fuzz corpora, one folder per target:
#   fuzz/corpus/rule_text      rules/*.json, examples/rule-overrides, the walk-through's
#                              dental.json, and the refused rule texts of tests/invalid*/
#   fuzz/corpus/episode_text   examples/episodes/*.json, tests/invalid_episodes/*.json
#   fuzz/corpus/calendar_text  examples/calendars/*.json, rules/calendars/*.json
#   fuzz/corpus/history_text   examples/histories/*.json, tests/invalid_histories/*.json
#   fuzz/corpus/notice_text    examples/notices/*.json, tests/notices/invalid/*.json
#   fuzz/corpus/structured     the good files of all of them
# Files already there (what earlier runs found) are kept. The corpora are not committed.
set -euo pipefail
cd "$(dirname "$0")"
root=..

seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  for file in "$@"; do
    # Named after the path, so two folders' `dental.json` do not overwrite each other.
    local name=${file#"$root/"}
    cp "$file" "corpus/$target/seed-${name//\//-}"
  done
}

rules=("$root"/rules/*.json "$root"/examples/rule-overrides/*.json "$root"/examples/rule-authoring/dental.json)
episodes=("$root"/examples/episodes/*.json)
calendars=("$root"/examples/calendars/*.json "$root"/rules/calendars/*.json)
histories=("$root"/examples/histories/*.json)
notices=("$root"/examples/notices/*.json)

seed rule_text "${rules[@]}" "$root"/tests/invalid/*.json "$root"/tests/invalid_fields/*.json
seed episode_text "${episodes[@]}" "$root"/tests/invalid_episodes/*.json
seed calendar_text "${calendars[@]}"
seed history_text "${histories[@]}" "$root"/tests/invalid_histories/*.json
seed notice_text "${notices[@]}" "$root"/tests/notices/invalid/*.json
seed structured "${rules[@]}" "${episodes[@]}" "${calendars[@]}" "${histories[@]}" "${notices[@]}"

for target in rule_text episode_text calendar_text history_text notice_text structured; do
  echo "corpus/$target: $(find "corpus/$target" -type f | wc -l) files"
done
