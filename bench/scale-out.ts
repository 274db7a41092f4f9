/**
 * Several api and worker processes behind nginx on loopback, as bench/scale-demo.ts and the
 * scale-out e2e test run them: nginx (Debian's package, run as our own process on a generated
 * configuration, never the system service) balances round robin, without sticky sessions, over
 * the api processes; its access log names the upstream of every request ($upstream_addr), which
 * is how a run shows that both processes served it. Installs nothing: says what is missing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';

/** The French line to print when nginx cannot be run, or null when it can. */
export function nginxMissing(): string | null {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'nginx introuvable : apt-get install nginx (paquet Debian ; le service système n’a pas besoin d’être démarré)';
  }
}

/** One line of the access log. */
export interface ProxiedRequest {
  client: string;
  /** host:port of the api process that answered ("-" when nginx answered itself). */
  upstream: string;
  status: number;
  method: string;
  path: string;
}

export interface RunningNginx {
  /** http://127.0.0.1:<port>, balancing over every api process. */
  origin: string;
  /** http://127.0.0.1:<port>, sending everything to the first api process only. */
  firstOnlyOrigin: string;
  /** A position in the access log, to read what came after it. */
  mark(): number;
  /** The requests logged since `mark` (all of them without it), once at least `atLeast` are. */
  requests(since?: number, atLeast?: number): Promise<ProxiedRequest[]>;
  stop(): Promise<void>;
}

const LOG_FORMAT = '$remote_addr $upstream_addr $status $request_method $uri';

/**
 * The configuration: X-Forwarded-For gets the address nginx saw appended (the api trusts exactly
 * one hop: TRUST_PROXY=1, so what a client writes there is ignored), and X-Forwarded-Proto/Host
 * are set. Paths only in the log ($uri: no query strings, which carry codes and states).
 */
export function nginxConfig(
  dir: string,
  ports: { front: number; firstOnly: number },
  apiPorts: number[],
  tls?: Certificate,
): string {
  const upstream = (name: string, servers: number[]) =>
    `  upstream ${name} {\n${servers.map((port) => `    server 127.0.0.1:${port};`).join('\n')}\n    keepalive 32;\n  }`;
  const listen = (port: number, certificate?: Certificate) =>
    certificate
      ? `listen 127.0.0.1:${port} ssl;\n    ssl_certificate ${certificate.cert};\n    ssl_certificate_key ${certificate.key};`
      : `listen 127.0.0.1:${port};`;
  const server = (port: number, to: string, certificate?: Certificate) => `  server {
    ${listen(port, certificate)}
    location / {
      proxy_pass http://${to};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }`;
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 2048; }
http {
  log_format relais '${LOG_FORMAT}';
  access_log ${dir}/access.log relais;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # The largest upload: a report and its signature at /verify/rapport (50 MB each).
  client_max_body_size 101m;
${upstream('relais', apiPorts)}
${upstream('relais_first', apiPorts.slice(0, 1))}
${server(ports.front, 'relais', tls)}
${server(ports.firstOnly, 'relais_first')}
}
`;
}

/** PEM files: a certificate and its private key. */
export interface Certificate {
  cert: string;
  key: string;
}

/** A self-signed certificate for 127.0.0.1 (P-256, one day), made with openssl in `dir`. */
export function selfSignedCertificate(dir: string): Certificate {
  mkdirSync(dir, { recursive: true });
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', files.key, '-out', files.cert],
    ],
    { stdio: 'ignore' },
  );
  return files;
}

/**
 * Starts nginx in `dir` in front of the api processes on `apiPorts`; with `tls`, its front
 * listens with TLS (origin https://…), as production's proxy terminates it.
 */
export async function startNginx(
  dir: string,
  ports: { front: number; firstOnly: number },
  apiPorts: number[],
  tls?: Certificate,
): Promise<RunningNginx> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, nginxConfig(dir, ports, apiPorts, tls));
  writeFileSync(join(dir, 'access.log'), '');
  const child = spawn('nginx', ['-c', file, '-p', dir, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await until(() => listening(ports.front), 10_000, 'nginx to listen', child);
  const lines = () => readFileSync(join(dir, 'access.log'), 'utf8').split('\n').filter(Boolean);
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${ports.front}`,
    firstOnlyOrigin: `http://127.0.0.1:${ports.firstOnly}`,
    mark: () => lines().length,
    requests: async (since = 0, atLeast = 0) => {
      // nginx logs a request once its response is sent: wait for the lines still to come.
      const deadline = Date.now() + 5_000;
      let logged = lines().slice(since);
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = lines().slice(since);
        if ((now.length >= atLeast && now.length === logged.length) || Date.now() > deadline) break;
        logged = now;
      }
      return logged.map((line) => {
        const [client, upstream, status, method, path] = line.split(' ');
        return { client, upstream, status: Number(status), method, path };
      });
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `DATABASE_URL` with an application_name, so pg_stat_activity tells the processes apart. */
export function databaseUrlNamed(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  return url.toString();
}

/**
 * An api process from dist/ on `port`, behind one proxy (TRUST_PROXY=1). With `ioCounter`, it
 * preloads bench/io-counter.js and has an IPC channel (CPU time, SQL and Redis counts).
 */
export function startApiProcess(port: number, env: NodeJS.ProcessEnv, options: { ioCounter?: boolean } = {}) {
  const root = projectRoot();
  return spawn(
    process.execPath,
    [
      ...(options.ioCounter ? ['--import', join(root, 'dist/bench/io-counter.js')] : []),
      join(root, 'dist/apps/api/src/main.js'),
    ],
    {
      env: {
        ...env,
        PORT: String(port),
        TRUST_PROXY: '1',
        DATABASE_URL: databaseUrlNamed(env.DATABASE_URL!, `relais-api-${port}`),
      },
      stdio: ['ignore', 'ignore', 'inherit', ...(options.ioCounter ? ['ipc' as const] : [])],
    },
  );
}

/** A worker process from dist/, named `name` in pg_stat_activity (application_name). */
export function startWorkerProcess(name: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [join(projectRoot(), 'dist/apps/worker/src/main.js')], {
    env: { ...env, DATABASE_URL: databaseUrlNamed(env.DATABASE_URL!, name) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * A compiled dev stand-in (identity sandbox, demo service) from dist/; resolves with the first
 * match of `ready` in what it prints once it serves.
 */
export function startStandIn(script: string, env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, [join(projectRoot(), script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<{ child: ChildProcess; match: RegExpExecArray }>((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      child.stdout!.off('data', collect).resume();
      child.stderr!.off('data', collect).resume();
      resolve({ child, match });
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
}

/** Waits until every origin answers /health/ready. */
export async function waitUntilReady(origins: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const origin of origins) {
    for (;;) {
      try {
        if ((await fetch(`${origin}/health/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${origin} did not become ready`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Sends `signal` and waits for the exit (at once if it already exited). */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP request sent from the loopback address `localAddress` (127.0.0.2, 127.0.0.3…), so
 * nginx sees distinct clients on one machine; `headers` may carry a forged X-Forwarded-For.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<PlainResponse> {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: init.method ?? (body ? 'POST' : 'GET'),
        localAddress,
        headers: {
          ...init.headers,
          ...(body
            ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
      },
    );
    sent.once('error', reject);
    sent.end(body);
  });
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookiesOf(response: PlainResponse): string {
  const set = response.headers['set-cookie'] ?? [];
  return (Array.isArray(set) ? set : [set]).map((header) => header.split(';')[0]).join('; ');
}

/**
 * `count` token requests from `localAddress` through `origin`, each for another unknown client
 * (so only the per-IP limit of failed client authentications can trip), with a forged
 * X-Forwarded-For; returns the statuses.
 */
export async function failedTokenRequests(origin: string, localAddress: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let n = 1; n <= count; n++) {
    const credentials = Buffer.from(`inconnu-${localAddress}-${n}:mauvais-secret`).toString('base64');
    const answer = await requestFrom(localAddress, `${origin}/oidc/token`, {
      headers: { authorization: `Basic ${credentials}`, 'x-forwarded-for': `192.0.2.${n}` },
      form: { grant_type: 'authorization_code', code: 'inconnu', redirect_uri: 'http://localhost:3200/callback' },
    });
    statuses.push(answer.status);
  }
  return statuses;
}
