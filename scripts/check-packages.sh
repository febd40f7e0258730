#!/usr/bin/env bash
# The three installable packages, checked the way a user gets them (CI runs this after npm test):
# 1. the CLI: `npm pack`, `npm install <tarball>` with production dependencies only in an empty folder, then
#    `gradcam-edge --help`, `prepare` of a small committed model, `serve` (the shipped default model) and
#    `explain` against it;
# 2. the TypeScript SDK: its tarball imported in Node (typed and run against the service) and bundled for
#    browsers by esbuild (one self-contained file, run against the service);
# 3. the Python client: `pip install` of clients/python into a venv, one call to the service.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ESBUILD=$REPO/node_modules/.bin/esbuild
TSC=$REPO/node_modules/.bin/tsc
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gradcam-edge-packages.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { echo "== packages: $*"; }
healthy() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1/healthz"; }
fail() { echo "check-packages: $*" >&2; [ -f "$WORK/serve.log" ] && sed 's/^/  serve| /' "$WORK/serve.log" >&2; exit 1; }

step "npm pack (CLI and SDK)"
npm pack --silent --pack-destination "$WORK" >/dev/null
(cd sdk && npm pack --silent --pack-destination "$WORK" >/dev/null)
CLI_TGZ=$(ls "$WORK"/gradcam-edge-[0-9]*.tgz)
SDK_TGZ=$(ls "$WORK"/gradcam-edge-sdk-*.tgz)

step "npm install of both tarballs in an empty folder (production dependencies only)"
APP=$WORK/app
mkdir -p "$APP"
printf '{ "name": "packages-check", "private": true, "type": "module" }\n' > "$APP/package.json"
(cd "$APP" && npm install --omit=dev --no-audit --no-fund --loglevel=error "$CLI_TGZ" "$SDK_TGZ" >/dev/null)
[ ! -e "$APP/node_modules/tsx" ] || fail "tsx was installed: the CLI must not need it"
[ ! -e "$APP/node_modules/typescript" ] || fail "typescript was installed: the packages must not need it"
BIN=$APP/node_modules/.bin/gradcam-edge

step "gradcam-edge --help"
(cd "$APP" && "$BIN" --help) | grep -q '^  serve ' || fail "--help does not list serve"

step "gradcam-edge prepare (test/fixtures/models/mobilenet_v2)"
(cd "$APP" && "$BIN" prepare "$REPO/test/fixtures/models/mobilenet_v2/model.onnx" --out "$WORK/mini.onnx")
node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (!m.layers?.length) process.exit(1)' "$WORK/mini.json" \
  || fail "prepare wrote no manifest with layers"

step "gradcam-edge serve (shipped default model)"
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
URL=http://127.0.0.1:$PORT
(cd "$APP" && CACHE_SECRET=packages-check-secret-0123 exec "$BIN" serve --port "$PORT" --threads 1 --cache-mb 16) >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  healthy "$URL" && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited"
  sleep 0.2
done
healthy "$URL" || fail "serve did not answer /healthz within 30 s"

step "gradcam-edge explain against it"
(cd "$APP" && "$BIN" explain "$REPO/examples/star.png" --url "$URL" -o "$WORK/out" >/dev/null)
[ -s "$WORK/out/index.html" ] && ls "$WORK"/out/star.*.png >/dev/null || fail "explain wrote no overlay and contact sheet"

step "SDK in Node: types from the tarball, one explanation"
cat > "$APP/sdk-node.ts" <<'EOF'
import { GradcamEdge, type ExplanationJson, type ModelInfo } from '@gradcam-edge/sdk';
export async function check(url: string, image: Uint8Array): Promise<string> {
  const client = new GradcamEdge({ url });
  const models: ModelInfo[] = await client.models();
  const json: ExplanationJson = await client.explainJson(image, { method: 'gradcam' });
  if (!models.some((m) => m.id === json.model) || json.map.data.length !== json.map.shape[0] * json.map.shape[1]) throw new Error('unexpected answer');
  return `  sdk (node): ${json.model} class ${json.class.label} ${json.class.score.toFixed(3)}`;
}
EOF
cat > "$APP/tsconfig.json" <<'EOF'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
  "lib": ["ES2023", "DOM"], "types": [], "noEmit": true, "skipLibCheck": false }, "files": ["sdk-node.ts"] }
EOF
(cd "$APP" && "$TSC" -p tsconfig.json) || fail "the SDK's types do not check from its tarball"
(cd "$APP" && "$ESBUILD" sdk-node.ts --log-level=warning --outfile=sdk-node.mjs)
node --input-type=module -e "
  const { check } = await import(process.argv[1]);
  console.log(await check(process.argv[2], (await import('node:fs')).readFileSync(process.argv[3])));
" "$APP/sdk-node.mjs" "$URL" "$REPO/examples/star.png"

step "SDK in a browser bundle (esbuild, platform browser)"
cat > "$APP/browser.js" <<'EOF'
import { GradcamEdge } from '@gradcam-edge/sdk';
const url = globalThis.GRADCAM_EDGE_URL;
const png = new Uint8Array(globalThis.IMAGE);
const cam = await new GradcamEdge({ url }).explain(png, { colormap: 'turbo' });
const bytes = await cam.bytes();
if (bytes[1] !== 0x50 || !cam.snippets.badge.markdown.includes(cam.id)) throw new Error('unexpected PNG explanation');
console.log(`  sdk (browser bundle): ${cam.label} ${cam.score.toFixed(3)}, ${bytes.length} bytes, cache ${cam.cache}`);
EOF
(cd "$APP" && "$ESBUILD" browser.js --bundle --platform=browser --format=esm --log-level=warning --outfile=browser.bundle.js)
grep -qE "^import |from ['\"]node:" "$APP/browser.bundle.js" && fail "the browser bundle still imports modules"
node --input-type=module -e "
  globalThis.GRADCAM_EDGE_URL = process.argv[1];
  globalThis.IMAGE = (await import('node:fs')).readFileSync(process.argv[2]);
  await import(process.argv[3]);
" "$URL" "$REPO/examples/star.png" "$APP/browser.bundle.js"

step "Python client: pip install ./clients/python into a venv, one call"
cp -r clients/python "$WORK/python-src"
rm -rf "$WORK/python-src/build" "$WORK/python-src/"*.egg-info
# pip builds the wheel with the installed setuptools and wheel (--no-build-isolation: no index needed); the first
# python3 that has them and venv wins (Debian: python3-venv python3-pip).
PY=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import ensurepip, setuptools, wheel' 2>/dev/null; then PY=$candidate; break; fi
done
[ -n "$PY" ] || fail "no python3 with venv, setuptools and wheel (Debian: apt-get install python3-venv python3-pip)"
"$PY" -m venv --system-site-packages "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --no-build-isolation --no-index "$WORK/python-src" || fail "pip install ./clients/python failed"
(cd "$WORK" && "$WORK/venv/bin/python" - "$URL" "$REPO/examples/star.png" <<'EOF'
import sys, gradcam_edge
assert gradcam_edge.__file__.startswith(sys.prefix), gradcam_edge.__file__
cam = gradcam_edge.Client(sys.argv[1]).explain(sys.argv[2], colormap="turbo")
assert cam.png.startswith(b"\x89PNG"), cam.png[:8]
print(f"  python: {cam.label} {cam.score:.3f}, {len(cam.png)} bytes, cache {cam.cache}")
EOF
) || fail "the installed Python client could not explain"

echo "== packages: all three install and work from their packages"
