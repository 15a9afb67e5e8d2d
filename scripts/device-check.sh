#!/usr/bin/env bash
# The device check (glass_lightning/device_check.py) on a GPU machine with no network:
#   make wheelhouse-device NODE_PYTHON=3.X   # here, with network: the wheels a CUDA torch node lacks (~40 MB)
#   scripts/device-check.sh [REPORT]         # there: installs beside the node's own torch, runs, reports
#   scripts/device-check.sh REPORT --only environment "gpu tests"   # some steps only
# The node must have python3 with a CUDA torch, e3nn, lightning, torch-geometric and torchmetrics;
# they are used as they are (never reinstalled). The report goes to device-check.md by default.
set -euo pipefail
cd "$(dirname "$0")/.."
REPORT="${1:-device-check.md}"
WHEELS="${WHEELHOUSE:-wheelhouse-device}"
VENV=.venv-device
test -x "$VENV/bin/python" || python3 -m venv --system-site-packages "$VENV"
# The node's python3 may itself live in a virtual environment, whose packages a nested venv does
# not see: a .pth file puts the node's own site-packages after ours.
NODE_SITE="$(python3 -c 'import site; print("\n".join(site.getsitepackages()))')"
echo "$NODE_SITE" > "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/node-python.pth"
if compgen -G "$WHEELS/*.whl" > /dev/null; then
  "$VENV/bin/python" -m pip install --quiet --no-index --no-deps "$WHEELS"/*.whl
else
  echo "device check: no wheels in $WHEELS; using what the node has"
fi
"$VENV/bin/python" -m pip install --quiet --no-index --no-deps --no-build-isolation --editable .
exec "$VENV/bin/python" -m glass_lightning.device_check --report "$REPORT" "${@:2}"
