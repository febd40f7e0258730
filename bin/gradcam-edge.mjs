#!/usr/bin/env node
// gradcam-edge CLI: registers tsx's ESM loader so the TypeScript sources in cli/ run as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
