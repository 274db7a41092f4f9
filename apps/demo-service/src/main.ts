import 'reflect-metadata';

import { DemoServiceConfigError, loadDemoServiceConfig } from './demo-service-config.js';
import { startDemoService } from './demo-service.js';

try {
  const config = loadDemoServiceConfig();
  const service = await startDemoService(config);
  console.log(
    `Service public de démonstration: ${service.url} (listening on ${config.host}:${service.port}), ` +
      `logs in through ${config.issuer} as client ${config.clientId}` +
      (config.area ? `, pre-selecting the area ${config.area}` : ''),
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void service.close().then(() => process.exit(0)));
  }
} catch (error) {
  const message = error instanceof DemoServiceConfigError ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(
    `Le service de démonstration ne peut pas démarrer / The demo service cannot start: ${message}\n`,
  );
  process.exit(1);
}
