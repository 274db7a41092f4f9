import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the same from the sources and from dist/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}

const root = repositoryRoot();

export const DEMO_SERVICE_PATHS = {
  views: join(root, 'apps/demo-service/views'),
  public: join(root, 'apps/demo-service/public'),
};
