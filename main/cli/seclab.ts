import { exitAfterCommand, runCli } from './run-cli.ts';

await exitAfterCommand(await runCli(process.argv.slice(2)));
