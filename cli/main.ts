/**
 * @module
 * `gradcam-edge <command> [options]`: dispatches to the subcommands listed in `cli/commands.ts` and turns
 * every failure into `error[code]: sentence` with exit code 1.
 */
import { COMMANDS } from './commands.js';
import { reportError } from './report-error.js';
import { ApiError } from '../src/errors.js';

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: gradcam-edge <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `gradcam-edge <command> --help` for its options.',
    '',
  ].join('\n');
}

/** Run the CLI with the arguments after the program name; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const debug = args.includes('--debug');
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  try {
    const command = COMMANDS[name];
    if (!command) throw new ApiError(400, 'bad_request', `Unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}.`);
    const mod = await command.load();
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(mod.usage);
      return 0;
    }
    return await mod.run(args.filter((a) => a !== '--debug'));
  } catch (err) {
    return reportError(err, debug);
  }
}
