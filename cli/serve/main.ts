/**
 * @module
 * `npm run serve:node [-- --port 8788 --host 127.0.0.1 --models models --threads N --cache-mb 256]`: the
 * explain service self-hosted on Node, the same as `gradcam-edge serve` (cli/serve.ts has the options).
 */
import { main } from '../main.js';

process.exitCode = await main(['serve', ...process.argv.slice(2)]);
