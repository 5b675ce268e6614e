import { runCertutil } from './cli/certutil-cli.js';
import { processTerminal } from './cli/terminal.js';

process.exitCode = runCertutil(process.argv.slice(2), { cwd: process.cwd(), terminal: processTerminal() });
