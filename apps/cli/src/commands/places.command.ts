import { PlacesImporter, readPlaceFile } from '@relais/places';

import type { CommandRegistration } from '../cli-context.js';

export const placesCommands: CommandRegistration = (program, context) => {
  program
    .command('places:import')
    .description(
      'Load the digital mediation places shown at /lieux from a file in the national schema (JSON array or CSV); replaces the previous ones',
    )
    .argument('<file>', 'file.json or file.csv (schema "lieux de médiation numérique")')
    .action(async (file: string) => {
      const records = await readPlaceFile(file);
      const result = await (await context.get()).get(PlacesImporter).replaceAll(records);
      for (const rejected of result.rejected) {
        const field = rejected.field ? ` (${rejected.field})` : '';
        console.error(`Ligne ${rejected.line} ignorée${field} : ${rejected.reason}`);
      }
      console.error(
        `${result.imported} lieu${result.imported > 1 ? 'x' : ''} importé${result.imported > 1 ? 's' : ''}, ` +
          `${result.rejected.length} ligne${result.rejected.length > 1 ? 's' : ''} ignorée${result.rejected.length > 1 ? 's' : ''}.`,
      );
    });
};
