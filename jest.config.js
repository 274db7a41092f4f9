/** Jest in ESM mode (run through `node --experimental-vm-modules`), TypeScript through SWC. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2024',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const aliases = [
  'config',
  'database',
  'audit',
  'queue',
  'logger',
  'exceptions',
  'health',
  'web',
  'testing',
  'structures',
  'aides',
  'auth',
  'signing',
  'mandates',
  'france-connect',
  'attestations',
  'public-services',
  'delegation',
  'statistics',
  'places',
  'tokens',
  'text',
  'dates',
  'audit-checkpoints',
  'retention',
  'portal',
  'onboarding',
  'reports',
  'redis',
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    ...Object.fromEntries(aliases.map((name) => [`^@relais/${name}$`, `<rootDir>/libs/${name}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs,database}/**/*.spec.ts', '<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
  // ESM suites run in vm contexts whose memory a worker does not give back: a worker past this
  // between suites is replaced, instead of running out of heap (it did in CI with 150 suites).
  workerIdleMemoryLimit: '1GB',
};
