#!/usr/bin/env bash
# `npm test`: every test — types, unit, integration on a real Docker engine with the emulated
# images, and the browser e2e suite in Chromium. What is missing is set up when we can (root on
# Debian) or named in one line with the fix; nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-prerequisites.sh

# Types, lint, format and the web UI's build need nothing the prerequisites bring (on a new machine:
# apt-get installs of the engine, Chromium, Podman…): done while those install; the output is printed
# once both are done.
static_log="$(mktemp)"
(
  echo "== types"
  npx tsc --noEmit -p tsconfig.json
  echo "== lint (ESLint: typescript-eslint, React hooks, jsx-a11y, the layers of STYLE.md)"
  npm run --silent lint
  echo "== format (Prettier)"
  npm run --silent format:check
  # Built here, where it costs nothing: the integration files and e2e specs that serve it find it built.
  echo "== the web UI (out/renderer)"
  node --import tsx -e "await (await import('./main/web/renderer-build.ts')).ensureRendererBuilt((line) => console.log(line))"
) >"$static_log" 2>&1 &
static_pid=$!
# A missing prerequisite ends npm test at once: the checks end with it.
trap 'kill "$static_pid" 2>/dev/null || true' EXIT

ensure_docker_engine
ensure_max_map_count
ensure_chromium
ensure_openssl
ensure_unzip
ensure_docker_compose
ensure_podman
ensure_sshd

# Official images come from a closed loopback port (9, discard) in every test: no test asks the internet.
export SECLAB_OFFICIAL_REGISTRY=127.0.0.1:9

# Vitest's summary of the failed tests in a run's output (from its "Failed Tests" line to the end).
failures_of() {
  if grep -q 'Failed Tests' "$1"; then
    echo "== what failed, again (from $(basename "$1")):"
    sed -n '/Failed Tests/,$p' "$1" | head -150
  fi
}

static_status=0
wait "$static_pid" || static_status=$?
trap - EXIT
cat "$static_log"
rm -f "$static_log"
if [ "$static_status" != 0 ]; then
  echo "== failed: types, lint or format (above)" >&2
  exit 1
fi
# The unit files (common, main, emulator, renderer: three minutes here, one at a time) run beside the
# Docker-backed integration files, which spend most of their time waiting on containers; the unit
# output is printed once both are done. The fault suite runs on its own below.
echo "== unit (vitest, in the background beside the integration files: output below when it ends)"
unit_log="$(mktemp)"
npx vitest run common/ main/ emulator/ renderer/ > "$unit_log" 2>&1 &
unit_pid=$!
echo "== integration on the Docker engine (vitest)"
integration_log="$(mktemp)"
integration_status=0
npx vitest run integration/ 2>&1 | tee "$integration_log" || integration_status=$?
unit_status=0
wait "$unit_pid" || unit_status=$?
echo "== unit (vitest) output"
cat "$unit_log"
if [ "$integration_status" != 0 ] || [ "$unit_status" != 0 ]; then
  # Whoever reads only the end of this output (a CI summary) sees what failed, not just the unit run's passes.
  for log in "$integration_log" "$unit_log"; do failures_of "$log"; done
  echo "== failed: integration exit $integration_status, unit exit $unit_status" >&2
  exit 1
fi
rm -f "$unit_log" "$integration_log"
# The demo-lab e2e lines need no Docker: they run in the background while the fault suite (mostly
# waiting on containers) runs, and their output is printed once both are done. Same specs, same order.
echo "== e2e on the in-memory demo lab, in the background beside the fault suite (output below when it ends)"
demo_log="$(mktemp)"
(
  echo "== e2e: a bring-up failure, injected into the in-memory demo lab"
  SECLAB_E2E_HANDLERS=fake npx playwright test --output test-results/demo-lab e2e/bring-up-failure.spec.ts e2e/offline-start.spec.ts e2e/readability.spec.ts e2e/everyday-app.spec.ts e2e/engine-choice.spec.ts e2e/lab-export.spec.ts e2e/remote-engine-access.spec.ts
  echo "== e2e: the Workshop screen on the in-memory demo lab (lessons and a challenge from resources/lessons)"
  SECLAB_E2E_HANDLERS=fake npx playwright test --output test-results/demo-lab e2e/workshop.spec.ts
) > "$demo_log" 2>&1 &
demo_pid=$!
echo "== faults (npm run test:faults): containers, the CLI, the engine, ports and the disk fail on purpose"
faults_log="$(mktemp)"
faults_status=0
npm run --silent test:faults 2>&1 | tee "$faults_log" || faults_status=$?
demo_status=0
wait "$demo_pid" || demo_status=$?
cat "$demo_log"
if [ "$faults_status" != 0 ] || [ "$demo_status" != 0 ]; then
  failures_of "$faults_log"
  echo "== failed: fault suite exit $faults_status, demo-lab e2e exit $demo_status" >&2
  exit 1
fi
rm -f "$demo_log" "$faults_log"
# A reload and a second tab must land mid-bring-up. Beside the fault suite this spec failed in two CI
# runs and once here, also at a slower demo pace (200 ms a step): after it, on its own.
echo "== e2e: reloads and a second tab mid-operation, on the in-memory demo lab (after the fault suite)"
SECLAB_E2E_HANDLERS=fake npx playwright test --output test-results/demo-lab e2e/app-truth-operations.spec.ts
echo "== Electron security lint (electronegativity)"
npm run --silent lint:electron
# Not beside the integration files: tried on 2026-12-02, the two cores were saturated and, in CI,
# Fleet showed verify-breaks' agent offline (no check-in recorded for 60 s) while the specs ran beside it.
echo "== e2e (Playwright, Chromium) against a real emulated lab"
# The Workshop spec runs in its own Playwright run first: after the other real-lab specs in the same
# run, its least-privilege band once stayed "pass" after Break (passes alone; open, see issue #11's note).
npx playwright test e2e/workshop.spec.ts
npx playwright test --grep-invert "in the Workshop screen"
