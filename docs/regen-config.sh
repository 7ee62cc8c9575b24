#!/usr/bin/env bash
# Regenerates the key table of docs/configuration.md from the code (./kyanite config).
set -euo pipefail
cd "$(dirname "$0")/.."
table="$(./kyanite config)"
python3 - "$table" <<'PY'
import re, sys
p = 'docs/configuration.md'
s = open(p).read()
begin = '<!-- keys:begin (regenerate with docs/regen-config.sh) -->'
s = re.sub(r'<!-- keys:begin.*?-->.*?<!-- keys:end -->', lambda m: begin + '\n' + sys.argv[1] + '\n<!-- keys:end -->', s, flags=re.S)
open(p, 'w').write(s)
PY
