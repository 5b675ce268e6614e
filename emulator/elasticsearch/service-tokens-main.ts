import { runServiceTokensCli } from './cli/service-tokens-cli.js';
import { processTerminal } from './cli/terminal.js';

process.exitCode = runServiceTokensCli(process.argv.slice(2), process.env, processTerminal());
