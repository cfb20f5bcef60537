// A static server for the demo and the tests: dist/ at /, the built models at /models/.
// COOP + COEP make the page cross-origin isolated, which threads need; --no-isolation
// leaves them off (the library then runs single-threaded).
//   node www/serve.mjs [--port 8080] [--no-isolation] [--mount /prefix=dir ...]
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * @param {{port?: number, isolation?: boolean, mounts?: Record<string, string>,
 *   log?: (line: string, request: {method: string, url: string, bodyBytes: number}) => void,
 *   inject?: {path: string, file: string}}} o
 *   log: every request (`url` with its query string; `bodyBytes` from Content-Length or, when
 *   chunked, -1); inject (tests only): every HTML page gets `<script src=path>` first in its
 *   head, `path` serving `file`, so that a test's hooks run before the page's own scripts in
 *   every browser, drivers without init scripts included
 * @returns {Promise<import('node:http').Server & {url: string}>}
 */
export function serve({ port = 8080, isolation = true, mounts = {}, log, inject } = {}) {
  const table = Object.entries({ '/models/': join(repo, 'models'), '/': join(repo, 'dist'), ...mounts })
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : prefix + '/', resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { 'Cache-Control': 'no-cache', 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    const hit = table.find(([prefix]) => path.startsWith(prefix));
    let file = hit && normalize(join(hit[1], path.slice(hit[0].length)));
    if (file && !(file === hit[1] || file.startsWith(hit[1] + sep))) file = null; // no ../ escapes
    if (inject && path === inject.path) file = inject.file;
    let st;
    try {
      st = file && statSync(file);
      if (st?.isDirectory()) {
        file = join(file, 'index.html');
        st = statSync(file);
      }
    } catch {
      st = null;
    }
    const bodyBytes = req.headers['content-length'] ? Number(req.headers['content-length']) : req.headers['transfer-encoding'] ? -1 : 0;
    log?.(`${req.method} ${path} ${st ? 200 : 404}`, { method: req.method, url: req.url, bodyBytes });
    if (!st || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(st ? 405 : 404, { ...headers, 'Content-Type': 'text/plain' });
      res.end(st ? 'method not allowed\n' : 'not found\n');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (inject && extname(file) === '.html') {
      const html = readFileSync(file, 'utf8').replace(/<head>/i, (h) => `${h}<script src="${inject.path}"></script>`);
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(html) });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': st.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.url = `http://localhost:${server.address().port}`;
      ok(server);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mounts = {};
  let port = Number(process.env.PORT) || 8080;
  let isolation = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--no-isolation') isolation = false;
    else if (args[i] === '--mount') {
      const [prefix, dir] = args[++i].split('=');
      mounts[prefix] = dir;
    } else {
      console.error(`serve: unknown argument ${args[i]}`);
      process.exit(2);
    }
  }
  const server = await serve({ port, isolation, mounts });
  console.log(`effnet-wasm: serving ${server.url}/ (${isolation ? 'cross-origin isolated: threads on' : 'not isolated: single-threaded'})`);
}
