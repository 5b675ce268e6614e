import type { Command } from 'commander';
import { SeclabError } from '../../../common/errors.ts';
import type { CoreEnvironment } from '../../core/environment.ts';
import { watchParent } from '../parent-watch.ts';

interface UiFlags {
  port?: string;
  open?: boolean;
  demo?: boolean;
  lesson?: string;
}

export function registerUiCommand(program: Command, environment: CoreEnvironment): void {
  program
    .command('ui')
    .description('serve the app to your browser on 127.0.0.1, behind a one-time link (like Jupyter)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--no-open', 'do not open a browser, only print the link')
    .option('--demo', 'serve an in-memory demo lab (no Docker) to try the UI')
    .option('--lesson <id>', 'open the app on this workshop lesson (seclab lesson list)')
    .action(async (flags: UiFlags) => {
      // Read before anything else: a parent that ends while the server starts still counts.
      const parentPid = process.ppid;
      // Digits only: Number() would read '' as 0 (a random port) and 0x1000 as 4096.
      const port = flags.port === undefined ? 0 : /^\d+$/.test(flags.port) ? Number(flags.port) : Number.NaN;
      if (!Number.isInteger(port) || (port !== 0 && (port < 1024 || port > 65535))) {
        throw new SeclabError('BAD_OPTION', `--port ${flags.port} is not a port: use a whole number from 1024 to 65535, or leave it out`);
      }
      // The web server and every handler behind it load when `ui` runs, not at every seclab start.
      const [{ findLesson }, { createEventHub }, { createHandlers }, { startWebUi }] = await Promise.all([
        import('../../core/workshop/lesson-files.ts'),
        import('../../web/event-hub.ts'),
        import('../../web/lab-handlers-source.ts'),
        import('../../web/start-web-ui.ts'),
      ]);
      // An unknown lesson is named now, with the list, not after the browser opened.
      if (flags.lesson !== undefined) findLesson(flags.lesson);
      const hub = createEventHub();
      const handlers = createHandlers(flags.demo ? 'fake' : 'real', environment, hub.emit);
      const ui = await startWebUi({
        handlers,
        subscribe: hub.subscribe,
        port,
        openBrowser: flags.open !== false,
        lesson: flags.lesson,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(
        `Secure Cluster Lab${flags.demo ? ' (demo lab, in memory)' : ''} is served on 127.0.0.1 only.\n` + `Open this link (it works once, for one browser):\n\n    ${ui.url}\n\nPress Ctrl+C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          parentWatch.stop();
          // A lesson broken from the browser is restored first.
          const restore = (handlers as { restoreHeldLessons?: () => Promise<string[]> }).restoreHeldLessons?.() ?? Promise.resolve([]);
          void restore
            .catch(() => [])
            .then(async (restored) => {
              for (const line of restored) process.stderr.write(`${line}\n`);
              // They let go of followers and watchers, and remove any one-shot container still in flight.
              await (handlers as { close?: () => Promise<void> }).close?.().catch(() => undefined);
              return ui.close();
            })
            .then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // A parent killed with SIGKILL (npx, a shell, a task runner) sends no signal: without this the server outlives it, holding its port.
        const parentWatch = watchParent({
          parentPid,
          onParentGone: (pid) => {
            // Whoever read our output may have gone with the parent: a broken pipe must not stop the shutdown halfway.
            for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
            process.stderr.write(`seclab ui: its parent process (pid ${pid}) ended; stopping\n`);
            stop();
          },
        });
      });
    });
}
