#!/usr/bin/env bash
# Seeds the corpus of every fuzz target from the fixtures, the examples and, when the sibling
# ../shared folder is there, the real manifests of its corpus and repository trees. Files over
# 64 KiB are left out: libFuzzer's inputs are capped far below (-max_len), and a long seed only
# slows every execution that starts from it.
set -euo pipefail
cd "$(dirname "$0")"
shared=${KPLINT_SHARED:-../../shared}
for target in parse lint render; do mkdir -p "corpus/$target"; done
seed() {
  local f=$1
  # fixtures/unreadable-file holds a dangling link on purpose: there is nothing to copy.
  [ -r "$f" ] || return 0
  [ "$(stat -c %s "$f")" -le 65536 ] || return 0
  local name
  name=$(printf '%s' "$f" | sha1sum | cut -c1-16)
  for target in parse lint render; do cp "$f" "corpus/$target/$name"; done
}
while IFS= read -r -d '' f; do seed "$f"; done < <(
  find ../fixtures ../examples -type f \( -name '*.yaml' -o -name '*.yml' \) -print0
  if [ -d "$shared" ]; then
    # Helm templates are Go templates, not YAML: left out.
    find "$shared/corpus" "$shared/repos" -type f \( -name '*.yaml' -o -name '*.yml' \) \
      -not -path '*/templates/*' -print0
  fi
)
for target in parse lint render; do
  echo "corpus/$target: $(ls "corpus/$target" | wc -l) seeds"
done
