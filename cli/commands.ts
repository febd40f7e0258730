/**
 * @module
 * The subcommands of `gradcam-edge`. Each lives in `cli/<command>.ts` and exports `run(args)`; adding
 * one is one line here.
 */

/** A subcommand module: `run` returns the exit code and throws ApiError for expected failures. */
export interface CommandModule {
  run(args: string[]): Promise<number>;
  usage: string;
}

/** A registered subcommand. */
export interface Command {
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: Record<string, Command> = {
  dissect: {
    summary: 'name the units of an explained layer after concepts (Network Dissection) in its manifest',
    load: () => import('./dissect.js'),
  },
  explain: {
    summary: 'explain images with a gradcam-edge service; PNGs + an index.html contact sheet',
    load: () => import('./explain.js'),
  },
  prepare: { summary: 'add the gradient graph (and int8 weights) to an ONNX classifier', load: () => import('./prepare.js') },
  serve: { summary: 'serve the explain API on Node (multithreaded WASM, in-memory cache)', load: () => import('./serve.js') },
};
