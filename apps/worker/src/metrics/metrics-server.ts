import { createServer, type Server } from 'node:http';

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';

import { WorkerMetrics } from './worker-metrics.js';

/** The worker's liveness route on METRICS_PORT: the event loop answers (checks no dependency). */
export const WORKER_LIVE_PATH = '/health/live';

/**
 * GET /metrics on METRICS_PORT (Prometheus text format), only when that port is set. It is a
 * port of its own, for the monitoring network: the public api never serves it.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server: Server | undefined;

  constructor(
    private readonly metrics: WorkerMetrics,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) return;
    this.server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === WORKER_LIVE_PATH) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      if (request.method !== 'GET' || request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.metrics
        .metrics()
        .then((body) => response.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(body))
        .catch((error: Error) => {
          this.logger.error({ error: error.message }, 'metrics collection failed');
          response.writeHead(503).end();
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.config.METRICS_PORT, resolve));
    this.logger.log({ port: this.config.METRICS_PORT }, 'metrics served');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
