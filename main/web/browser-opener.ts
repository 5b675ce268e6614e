import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface RedirectFile {
  /** The file the browser is pointed at; its URL carries no secret. */
  path: string;
  remove(): void;
}

/**
 * What Jupyter does (jupyter_server's `_write_browser_open_file`): the one-time URL goes into an
 * owner-only HTML file that redirects to it, and the launcher gets that file's path, because a
 * launcher's argv is readable by every local user in /proc.
 */
export function writeRedirectFile(url: string, parent: string = tmpdir()): RedirectFile {
  const folder = mkdtempSync(join(parent, 'seclab-ui-')); // mkdtemp creates it 0700
  const path = join(folder, 'open.html');
  const attribute = escapeHtml(url);
  const html =
    '<!doctype html>\n<html><head><meta charset="utf-8">' +
    `<meta http-equiv="refresh" content="0;url=${attribute}">` +
    '<title>Opening Secure Cluster Lab</title></head>\n' +
    `<body><p>Opening Secure Cluster Lab… If nothing happens, <a href="${attribute}">open it here</a>.</p>` +
    `<script>window.location.replace(${JSON.stringify(url).replace(/</g, '\\u003c')});</script></body></html>\n`;
  writeFileSync(path, html, { mode: 0o600, flag: 'wx' });
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Opens the one-time URL through a redirect file; returns the file so the caller can remove it on shutdown. */
export function openInBrowser(url: string): RedirectFile {
  const file = writeRedirectFile(url);
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [pathToFileURL(file.path).href], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return file;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
