import { runKeystoreCli } from './cli/keystore-cli.js';
import { processTerminal } from './cli/terminal.js';

process.exitCode = runKeystoreCli(process.argv.slice(2), { environment: process.env, terminal: processTerminal() });
