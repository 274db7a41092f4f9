import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PATH_METADATA } from '@nestjs/common/constants.js';
import { describeEnvVars, envSchema, projectRoot } from '@relais/config';
import { HealthController } from '@relais/health';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';

import { databaseCommands } from '../apps/cli/src/commands/database.command.js';
import { WORKER_LIVE_PATH } from '../apps/worker/src/metrics/metrics-server.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML, checked here */

const K8S_DIR = join(projectRoot(), 'docker/k8s');
/** Variables a container may set that are Node's, not Relais' (libs/config ignores them). */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);

interface Manifest {
  file: string;
  object: any;
}

/** Every YAML document of docker/k8s, in file order. */
function loadManifests(): Manifest[] {
  return readdirSync(K8S_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8')).map((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
        return { file, object: document.toJS() };
      }),
    );
}

/** kubernetes-models' class for an apiVersion and kind (`apps/v1` → kubernetes-models/apps/v1/Deployment). */
async function modelClass(apiVersion: string, kind: string): Promise<new (data: unknown) => { validate(): void }> {
  const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, never>;
  return module[kind];
}

const manifests = loadManifests();
const find = (kind: string, name: string) => {
  const found = manifests.find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in docker/k8s`);
  return found.object;
};
const deployment = (name: string) => find('Deployment', name);
const podSpec = (name: string) => deployment(name).spec.template.spec;
const container = (name: string) => podSpec(name).containers[0];
const configMap = () => find('ConfigMap', 'relais-config');
const secret = () => find('Secret', 'relais-secrets');
const routeOf = (method: keyof HealthController) =>
  `/${Reflect.getMetadata(PATH_METADATA, HealthController)}/${Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method])}`;

describe('Kubernetes manifests (docker/k8s)', () => {
  it('given every document, when built with kubernetes-models, then each validates against the Kubernetes schemas', async () => {
    // Given
    const kinds = manifests.map(({ object }) => `${object.apiVersion} ${object.kind}`);

    // When
    const problems: string[] = [];
    for (const { file, object } of manifests) {
      try {
        const Model = await modelClass(object.apiVersion, object.kind);
        new Model(object).validate();
      } catch (error) {
        problems.push(`${file} ${object.kind}/${object.metadata?.name}: ${(error as Error).message}`);
      }
    }

    // Then
    expect(problems).toEqual([]);
    expect(kinds.sort()).toEqual(
      [
        'apps/v1 Deployment',
        'apps/v1 Deployment',
        'batch/v1 Job',
        'networking.k8s.io/v1 Ingress',
        'policy/v1 PodDisruptionBudget',
        'policy/v1 PodDisruptionBudget',
        'v1 ConfigMap',
        'v1 Namespace',
        'v1 Secret',
        'v1 Service',
      ].sort(),
    );
  });

  it('given a broken object, when validated, then kubernetes-models refuses it (the check above can fail)', async () => {
    // Given
    const broken = structuredClone(deployment('relais-api'));
    broken.spec.replicas = 'two';
    delete broken.spec.selector;
    const Model = await modelClass('apps/v1', 'Deployment');

    // When / Then
    expect(() => new Model(broken).validate()).toThrow(/replicas must be integer|selector/);
  });

  it('given the api, when its probes are read, then they ask the real health routes on the port the Service targets', () => {
    // Given
    const api = container('relais-api');
    const service = find('Service', 'relais-api');
    const [port] = api.ports;

    // When / Then
    expect(api.readinessProbe.httpGet).toEqual({ path: routeOf('ready'), port: port.name });
    expect(api.livenessProbe.httpGet).toEqual({ path: routeOf('live'), port: port.name });
    expect(api.startupProbe.httpGet).toEqual({ path: routeOf('live'), port: port.name });
    expect(routeOf('ready')).toBe('/health/ready');
    expect(service.spec.ports[0].targetPort).toBe(port.name);
    expect(String(port.containerPort)).toBe(configMap().data.PORT);
    expect(service.spec.selector).toEqual(deployment('relais-api').spec.template.metadata.labels);
  });

  it('given the Ingress, when its backend is read, then it is the api Service and its port', () => {
    // Given
    const ingress = find('Ingress', 'relais');
    const service = find('Service', 'relais-api');

    // When
    const backends = ingress.spec.rules.flatMap((rule: any) =>
      rule.http.paths.map((path: any) => path.backend.service),
    );

    // Then
    expect(backends).toEqual([{ name: service.metadata.name, port: { name: service.spec.ports[0].name } }]);
    expect(`https://${ingress.spec.rules[0].host}`).toBe(configMap().data.ISSUER);
  });

  it("given the worker, when its probes are read, then they ask the metrics server's liveness route on METRICS_PORT", () => {
    // Given
    const worker = container('relais-worker');
    const metricsPort = worker.env.find((variable: any) => variable.name === 'METRICS_PORT').value;

    // When / Then
    expect(worker.livenessProbe.httpGet).toEqual({ path: WORKER_LIVE_PATH, port: 'metrics' });
    expect(worker.ports).toEqual([{ name: 'metrics', containerPort: Number(metricsPort) }]);
  });

  it('given every container, when its environment is read, then each variable is one of the config schema, and each ConfigMap value passes it', () => {
    // Given
    const known = new Set(Object.keys(envSchema.shape));
    const containers = [
      ...['relais-api', 'relais-worker'].map(container),
      find('Job', 'relais-migrate').spec.template.spec.containers[0],
    ];

    // When
    const names = [
      ...Object.keys(configMap().data),
      ...Object.keys(secret().stringData),
      ...containers.flatMap((c: any) => (c.env ?? []).map((variable: any) => variable.name)),
    ];
    const badValues = Object.entries(configMap().data as Record<string, string>).filter(
      ([name, value]) => !envSchema.shape[name as keyof typeof envSchema.shape]?.safeParse(value).success,
    );

    // Then
    expect(names.filter((name) => !known.has(name) && !RUNTIME_VARIABLES.has(name))).toEqual([]);
    expect(badValues).toEqual([]);
    for (const c of containers) {
      expect(c.envFrom).toEqual([
        { configMapRef: { name: 'relais-config' } },
        { secretRef: { name: 'relais-secrets' } },
      ]);
    }
  });

  it('given the variables marked secret, when the Secret and ConfigMap are read, then secrets are only in the Secret, as placeholders', () => {
    // Given
    const sensitive = new Set(
      describeEnvVars()
        .filter((variable) => variable.sensitive)
        .map((variable) => variable.name),
    );

    // When
    const inConfigMap = Object.keys(configMap().data).filter((name) => sensitive.has(name));
    const inSecret = Object.entries(secret().stringData as Record<string, string>);

    // Then
    expect(inConfigMap).toEqual([]);
    expect(inSecret.filter(([name]) => !sensitive.has(name))).toEqual([]);
    expect(inSecret.filter(([, value]) => !value.startsWith('CHANGE_ME'))).toEqual([]);
    expect(inSecret.map(([name]) => name)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'SECRETS_KEY', 'FRANCECONNECT_CLIENT_SECRET']),
    );
  });

  it('given the migration Job, when its command is read, then it runs the CLI db:migrate of the api image of the release', () => {
    // Given
    const job = find('Job', 'relais-migrate').spec.template.spec;
    const [command, script, name] = job.containers[0].command;
    const program = new Command();
    databaseCommands(program, undefined as never);

    // When / Then
    expect(command).toBe('node');
    expect(existsSync(join(projectRoot(), script.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(program.commands.map((c) => c.name())).toContain(name);
    expect(name).toBe('db:migrate');
    expect(job.restartPolicy).toBe('Never');
    expect(job.containers[0].image).toBe(container('relais-api').image);
    expect(container('relais-worker').image.replace('/worker:', '/api:')).toBe(container('relais-api').image);
  });

  it('given the deploy script, when its order is read, then the Job runs and is waited for before any Deployment', () => {
    // Given
    const script = readFileSync(join(K8S_DIR, 'deploy.sh'), 'utf8');

    // When
    const at = (text: string) => script.indexOf(text);

    // Then
    expect(at('apply 20-migrate-job.yaml')).toBeGreaterThan(at('apply 10-configmap.yaml'));
    expect(at('grep -qw Complete')).toBeGreaterThan(at('apply 20-migrate-job.yaml'));
    expect(at('apply 30-api.yaml')).toBeGreaterThan(at('grep -qw Complete'));
    expect(at('apply 31-worker.yaml')).toBeGreaterThan(at('grep -qw Complete'));
    expect(script).not.toContain('11-secret.example.yaml |');
  });

  it("given the worker's shutdown timeout, when the grace periods are read, then Kubernetes waits longer than the worker drains and the api's preStop", () => {
    // Given
    const shutdownMs = Number(configMap().data.WORKER_SHUTDOWN_TIMEOUT_MS);
    const preStop = container('relais-api').lifecycle.preStop.exec.command;

    // When
    const workerGraceMs = podSpec('relais-worker').terminationGracePeriodSeconds * 1000;
    const apiGraceMs = podSpec('relais-api').terminationGracePeriodSeconds * 1000;

    // Then
    expect(workerGraceMs).toBeGreaterThanOrEqual(shutdownMs + 10_000);
    expect(preStop[0]).toBe('sleep');
    expect(apiGraceMs).toBeGreaterThanOrEqual(Number(preStop[1]) * 1000 + 10_000);
  });

  it('given every pod, when its resources and security are read, then each container has requests and limits and runs non-root on a read-only root', () => {
    // Given
    const pods = [...['relais-api', 'relais-worker'].map(podSpec), find('Job', 'relais-migrate').spec.template.spec];

    // When / Then
    for (const pod of pods) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      }
    }
  });

  it('given the PodDisruptionBudgets, when their selectors are read, then each covers its Deployment and keeps one pod', () => {
    // Given / When
    const budgets = ['relais-api', 'relais-worker'].map((name) => [
      find('PodDisruptionBudget', name),
      deployment(name),
    ]);

    // Then
    for (const [budget, target] of budgets) {
      expect(budget.spec.selector.matchLabels).toEqual(target.spec.selector.matchLabels);
      expect(budget.spec.minAvailable).toBeLessThan(target.spec.replicas);
    }
  });
});
