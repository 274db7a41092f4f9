import { dropDatabase } from '@relais/database';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.RELAIS_TEST_TEMPLATE_URL;
  if (template) await dropDatabase(template);
}
