import { AuditActorType } from '@relais/audit';
import {
  parseProcedureAreas,
  PROCEDURE_AREAS,
  STRUCTURE_TYPES,
  type Structure,
  StructuresService,
} from '@relais/structures';

import type { CommandRegistration } from '../cli-context.js';
import { textTable } from '../text-table.js';

interface CreateOptions {
  siret: string;
  name: string;
  address: string;
  type: string;
  areas: string;
}

export const structureCommands: CommandRegistration = (program, context) => {
  program
    .command('structure:create')
    .description('Register a structure and its perimeter; prints its id')
    .requiredOption('--siret <siret>', 'SIRET, 14 digits (spaces allowed)')
    .requiredOption('--name <name>', 'name people know it by')
    .requiredOption('--address <address>', 'postal address')
    .requiredOption('--type <type>', STRUCTURE_TYPES.join(' | '))
    .requiredOption('--areas <areas>', `comma-separated procedure areas: ${PROCEDURE_AREAS.join(', ')}`)
    .action(async (options: CreateOptions) => {
      const areas = parseProcedureAreas(options.areas);
      const structures = (await context.get()).get(StructuresService);
      const structure = await structures.create({ ...options, areas }, { type: AuditActorType.Operator });
      // The id alone on stdout, so scripts can capture it; the confirmation goes to stderr.
      console.log(structure.id);
      console.error(`Structure « ${structure.name} » enregistrée (SIRET ${structure.siret}).`);
    });

  program
    .command('structure:list')
    .description('List the structures: SIRET, name, type, perimeter, active')
    .action(async () => {
      const structures = await (await context.get()).get(StructuresService).list();
      if (structures.length === 0) {
        console.log('Aucune structure enregistrée.');
        return;
      }
      console.log(table(structures));
    });
};

function table(structures: Structure[]): string {
  const header = ['SIRET', 'Nom', 'Type', 'Démarches', 'Active'];
  const rows = structures.map((s) => [s.siret, s.name, s.type, s.areas.join(','), s.active ? 'oui' : 'non']);
  return textTable(header, rows);
}
