#!/usr/bin/env node
// gradcam-edge CLI. An installed package runs the JavaScript that `npm pack` built into dist/ (no TypeScript
// at run time); a checkout of the repository (cli/main.ts present) runs the TypeScript sources through tsx,
// so edits need no build step.
import { existsSync } from 'node:fs';

const sources = new URL('../cli/main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import('../dist/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
