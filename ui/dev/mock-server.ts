// A development-only backend for `npm run dev` in a plain browser: it answers the mock API
// (src/lib/mock.ts) with the real `cartable` CLI on a throw-away library holding the bundled
// books, so that the views can be looked at before, or without, the Tauri shell.
// Never part of the build: vite.config.ts loads it only for `vite serve`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

const root = resolve(import.meta.dirname, '../..');
const cli = process.env.CARTABLE_CLI ?? join(root, 'target/debug/cartable');

function run(args: string[], home: string, input?: string): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const child = execFile(
      cli,
      args,
      { env: { ...process.env, CARTABLE_HOME: home }, encoding: 'buffer', maxBuffer: 64 << 20 },
      (err, stdout, stderr) => (err ? fail(new Error(stderr.toString() || String(err))) : ok(stdout)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

function unzip(file: string, name: string): Promise<Buffer> {
  const py = 'import sys,zipfile;sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))';
  return new Promise((ok, fail) =>
    execFile('python3', ['-c', py, file, name], { encoding: 'buffer', maxBuffer: 64 << 20 }, (err, out) =>
      err ? fail(err) : ok(out),
    ),
  );
}

function findFile(home: string, id: string): string | null {
  const dir = join(home, 'files', id.slice(0, 2));
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir).find((f) => f.startsWith(id));
  return name ? join(dir, name) : null;
}

const types: Record<string, string> = {
  xhtml: 'application/xhtml+xml',
  html: 'text/html',
  css: 'text/css',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  opf: 'application/oebps-package+xml',
  ncx: 'application/x-dtbncx+xml',
  xml: 'application/xml',
};

export function mockServer(): Plugin {
  let home = '';
  let ready: Promise<unknown> = Promise.resolve();
  return {
    name: 'cartable-mock-server',
    apply: 'serve',
    configureServer(server) {
      if (!existsSync(cli)) {
        server.config.logger.warn(`[mock] ${cli} not found: build it with \`cargo build -p cartable-cli\``);
        return;
      }
      home = process.env.CARTABLE_HOME ?? mkdtempSync(join(tmpdir(), 'cartable-dev-'));
      const books = readdirSync(join(root, 'books'))
        .filter((f) => /\.(pdf|epub)$/.test(f))
        .map((f) => join(root, 'books', f));
      ready = run(['import', ...books, '--json'], home).catch((e) => server.config.logger.error(String(e)));
      server.middlewares.use('/mock', (req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        const send = (status: number, body: Buffer | string, type = 'application/json') => {
          res.statusCode = status;
          res.setHeader('Content-Type', type);
          res.setHeader('Cache-Control', 'max-age=3600');
          res.end(body);
        };
        const fail = (e: unknown) => send(500, JSON.stringify({ code: 'Io', message: String(e) }));
        void ready.then(async () => {
          try {
            const [kind, id = '', ...rest] = parts;
            if (kind === 'api') {
              const cmd = id;
              if (cmd === 'list') return send(200, await run(['list', '--json'], home));
              if (cmd === 'info') return send(200, await run(['info', rest[0] ?? '', '--json'], home));
              if (cmd === 'search') {
                const args = ['search', url.searchParams.get('q') ?? '', '--json'];
                const book = url.searchParams.get('book');
                if (book) args.push('--book', book);
                args.push('--limit', url.searchParams.get('limit') ?? '50');
                return send(200, await run(args, home));
              }
              if (cmd === 'text') return send(200, await run(['text', rest[0] ?? '', rest[1] ?? '1'], home), 'text/plain');
              if (cmd === 'remove') return send(200, await run(['remove', rest[0] ?? ''], home));
              return send(404, '{}');
            }
            if (kind === 'page' || kind === 'thumb' || kind === 'cover') {
              const page = kind === 'cover' ? 1 : Number(rest[0] ?? 0) + 1;
              const width = kind === 'page' ? (rest[1] ?? '1000') : '240';
              const file = findFile(home, id);
              if (file?.endsWith('.epub')) return send(404, '{}');
              return send(200, await run(['render', id, String(page), '--width', width, '--out', '-'], home), 'image/png');
            }
            if (kind === 'epub') {
              const file = findFile(home, id);
              if (!file) return send(404, '{}');
              const name = rest.join('/');
              try {
                const bytes = await unzip(file, name);
                if (req.method === 'HEAD') {
                  res.setHeader('Content-Length', String(bytes.length));
                  return send(200, '', types[name.split('.').pop() ?? ''] ?? 'application/octet-stream');
                }
                return send(200, bytes, types[name.split('.').pop() ?? ''] ?? 'application/octet-stream');
              } catch {
                return send(404, '{}');
              }
            }
            send(404, '{}');
          } catch (e) {
            fail(e);
          }
        });
      });
    },
  };
}
