/**
 * The `scratchnet` command. For now it prints help; `train`, `eval`, `predict`, `gradcheck`, `seed`
 * and `info` arrive with the CLI issue.
 */
const HELP = `scratchnet: neural networks from scratch, in TypeScript

Usage: scratchnet <command> [options]

Commands arrive with the next releases: train, eval, predict, gradcheck, seed, info.
Run the seed notebook now with: npm run seed
`;

/**
 * Runs the command line with `argv` (without the node and script paths) and returns the exit code.
 * @example process.exitCode = await main(['--help']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  process.stderr.write(`scratchnet: unknown command '${argv[0]}' (run scratchnet --help)\n`);
  return 2;
}
