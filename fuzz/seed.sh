#!/usr/bin/env bash
# Seeds the fuzz corpus from the fixtures and examples.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/lint
for f in ../fixtures/*/*.yaml ../examples/*/*.yaml; do
  cp "$f" "corpus/lint/$(echo "$f" | tr '/.' '__')"
done
