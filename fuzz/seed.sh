#!/usr/bin/env bash
# Seeds the fuzz corpus from the fixtures and examples.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/lint
for f in ../fixtures/*/*.yaml ../examples/*/*.yaml; do
  # fixtures/unreadable-file holds a dangling link on purpose: there is nothing to copy.
  [ -r "$f" ] || continue
  cp "$f" "corpus/lint/$(echo "$f" | tr '/.' '__')"
done
