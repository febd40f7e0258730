#!/usr/bin/env node
/**
 * @module
 * `npm run build` (run by `npm pack` through prepack): bundles the CLI from its entry point cli/main.ts into
 * JavaScript in dist/ with esbuild, so an installed package runs without tsx or TypeScript. Subcommands stay
 * separate chunks (loaded on demand); npm packages stay external imports and must all be production
 * dependencies: the build fails naming any that is not, since `npm install <tarball>` would not install it.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const outdir = new URL('dist', root).pathname;

/**
 * JSON data that a module imports from a package (the overlay label font's glyphs) is bundled instead of left
 * as an external import: Node 20 refuses to import JSON at run time without an import attribute, and the
 * Worker's bundler (wrangler) needs none, so the source stays a plain import.
 */
function bundleJsonData() {
  return {
    name: 'bundle-json-data',
    setup(b) {
      b.onResolve({ filter: /\.json$/ }, (args) =>
        args.path.startsWith('.') ? undefined : { path: createRequire(join(args.resolveDir, 'x.js')).resolve(args.path), external: false },
      );
    },
  };
}

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root.pathname,
  entryPoints: ['cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [bundleJsonData()],
});

/** The package an import specifier names (`@scope/name/sub` -> `@scope/name`). */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const builtins = new Set(builtinModules);
const imported = new Set(
  Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path))
    .filter((p) => !p.startsWith('node:') && !builtins.has(p) && !p.startsWith('.'))
    .map(packageOf),
);
const missing = [...imported].filter((name) => !(name in (pkg.dependencies ?? {})));
if (missing.length) {
  console.error(
    `build: the CLI imports ${missing.join(', ')} at run time; move ${missing.length > 1 ? 'them' : 'it'} to "dependencies" in package.json`,
  );
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `build: dist/ ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB; run-time packages: ${[...imported].sort().join(', ')}`,
);
