#!/usr/bin/env bash
# `npm run models`: the model tool's Python environment (created on first use), then the build.
# The venv lives in $EFFNET_VENV (default: .venv at the repo root); pip's cache makes re-creation cheap.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${EFFNET_VENV:-$repo/.venv}
req=$repo/models/requirements.txt
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "models: preparing the Python environment in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
fi
exec "$venv/bin/python" "$repo/models/tool/build.py" "$@"
