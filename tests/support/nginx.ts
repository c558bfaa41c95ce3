import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../core/engine/embedded.js';
import { findSystemService, systemServiceOrSkip, waitUntilListening, type SystemService } from './system-service.js';

/**
 * A real nginx (Debian's nginx-light) run by a test as its own child: one process (`master_process
 * off`, `daemon off`), its own prefix, temp dirs, pid file and error log in a temp dir, listening on
 * a free 127.0.0.1 port. Nothing of the system's /etc/nginx is read.
 */
export interface TestNginx {
  url: string;
  port: number;
  /** The temp dir holding its files (error.log, access.log, the rendered configuration). */
  dir: string;
  /** Stops the process this test started (only that one), then removes its dir. */
  stop(): Promise<void>;
}

const NGINX: SystemService = { name: 'nginx', envVar: 'NGINX', extraDirs: ['/usr/sbin'], install: "install Debian's nginx-light" };

export function findNginx(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findSystemService(NGINX, env);
}

/** True when nginx is there; else skips the file with a reason, or fails it under CI=true. */
export function nginxOrSkip(suite: string, env: NodeJS.ProcessEnv = process.env, say?: (line: string) => void): boolean {
  return systemServiceOrSkip(NGINX, suite, env, say);
}

/** deploy/nginx.conf: the compose `cluster` profile's load balancer (mounted as conf.d/default.conf). */
export const CLUSTER_NGINX_CONF = 'deploy/nginx.conf';

/**
 * The compose profile's nginx configuration as this machine can run it: the same file, with only
 * the upstream servers' addresses and the listen port replaced. Throws when the file no longer has
 * exactly the parts it replaces (one `listen 80;`, one upstream server line per proxy), so a
 * changed layout fails here instead of testing something else.
 */
export function renderClusterSite(conf: string, upstreams: readonly string[], port: number): string {
  const listens = conf.match(/^\s*listen 80;$/gm) ?? [];
  if (listens.length !== 1) throw new Error(`${CLUSTER_NGINX_CONF}: expected one "listen 80;", found ${listens.length}`);
  const servers = conf.match(/^(\s*server )proxy-\d+:3000( .*;)$/gm) ?? [];
  if (servers.length !== upstreams.length) throw new Error(`${CLUSTER_NGINX_CONF}: expected ${upstreams.length} upstream server lines (server proxy-N:3000 …;), found ${servers.length}`);
  let i = 0;
  return conf
    .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*server )proxy-\d+:3000( .*;)$/gm, (_line, head: string, tail: string) => `${head}${upstreams[i++]}${tail}`);
}

/**
 * Starts nginx with `site` (an http-level configuration, as conf.d/default.conf is in the nginx
 * image) inside a main configuration like the image's own: its default access log (the combined
 * format, as the image writes it) goes to `access.log`, so a site that turns it off is seen doing so.
 */
export async function startNginx(site: (port: number) => string): Promise<TestNginx> {
  const binary = findNginx();
  if (!binary) throw new Error('nginx not found (set NGINX or put it on PATH)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'news-nginx-'));
  const port = await freePort();
  const file = (name: string) => path.join(dir, name);
  await writeFile(file('site.conf'), site(port));
  await writeFile(
    file('nginx.conf'),
    `daemon off;
master_process off;
pid ${file('nginx.pid')};
error_log ${file('error.log')} info;
events { worker_connections 256; }
http {
    default_type application/octet-stream;
    access_log ${file('access.log')} combined;
    client_body_temp_path ${file('body')};
    proxy_temp_path ${file('proxy')};
    fastcgi_temp_path ${file('fastcgi')};
    uwsgi_temp_path ${file('uwsgi')};
    scgi_temp_path ${file('scgi')};
    keepalive_timeout 65;
    include ${file('site.conf')};
}
`,
  );
  // -e: the error log before the configuration is read (else the compiled-in /var/log/nginx one).
  const child = spawn(binary, ['-p', `${dir}/`, '-c', file('nginx.conf'), '-e', file('error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const errorLog = () => readFile(file('error.log'), 'utf8').catch(() => '');
  try {
    await waitUntilListening(port, child, 'nginx', () => output);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${(error as Error).message}\n${await errorLog()}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          // SIGQUIT: graceful (open requests finish); the one process we started.
          child.kill('SIGQUIT');
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
