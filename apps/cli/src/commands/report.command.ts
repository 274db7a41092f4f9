import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

import { ReportExports, ReportFormat, ReportVerifier, verificationText } from '@relais/reports';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';

import type { CommandRegistration } from '../cli-context.js';

const format = (value: string) => {
  if (value !== ReportFormat.Pdf && value !== ReportFormat.Csv) throw new InvalidArgumentError('pdf or csv');
  return value as ReportFormat;
};

export const reportCommands: CommandRegistration = (program, context) => {
  program
    .command('report:export')
    .description("Export a structure's audit journal for a period as a signed PDF or CSV (writes <out> and <out>.jws)")
    .requiredOption('--structure <siret>', "the structure's SIRET")
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (Paris)')
    .requiredOption('--to <date>', 'last day, included, YYYY-MM-DD (Paris)')
    .requiredOption('--format <format>', 'pdf or csv', format)
    .requiredOption('--out <file>', 'the file to write')
    .option('--aide <id>', "only this aide's actions")
    .option('--citizen <id>', 'only what concerns this citizen')
    .option('--area <code>', 'only this procedure area')
    .option('--action <code>', 'only this action')
    .action(
      async (options: {
        structure: string;
        from: string;
        to: string;
        format: ReportFormat;
        out: string;
        aide?: string;
        citizen?: string;
        area?: string;
        action?: string;
      }) => {
        const exports = (await context.get()).get(ReportExports);
        const bar = new SingleBar({
          format: 'Export {bar} {percentage} % | {value}/{total} entrées',
          hideCursor: true,
        });
        let started = false;
        const written = await exports.exportTo(
          { type: 'operator', aideId: null },
          {
            siret: options.structure,
            from: options.from,
            to: options.to,
            aideId: options.aide,
            citizenId: options.citizen,
            area: options.area,
            action: options.action,
          },
          options.format,
          createWriteStream(options.out),
          (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        );
        if (started) bar.stop();
        await writeFile(`${options.out}.jws`, written.signature + '\n');
        console.log(`${written.manifest.count} entrée(s) : ${options.out} (${written.bytes} octets)`);
        console.log(`Signature : ${options.out}.jws`);
      },
    );

  program
    .command('report:verify')
    .argument('<file>', 'an exported report (PDF or CSV)')
    .argument('[signature]', 'its signature file (default: <file>.jws)')
    .description(
      'Tell whether a report is genuine and complete, and name the first altered or missing row (exit 1 if not)',
    )
    .action(async (file: string, signature?: string) => {
      const signatureFile = signature ?? `${file}.jws`;
      if (!existsSync(file) || !existsSync(signatureFile)) {
        throw new Error(`${existsSync(file) ? signatureFile : file}: no such file`);
      }
      const verifier = (await context.get()).get(ReportVerifier);
      const result = await verifier.verify(createReadStream(file), await readFile(signatureFile, 'utf8'));
      const { ok, lines } = verificationText(result);
      for (const line of lines) console.log(line);
      if (!ok) process.exitCode = 1;
    });
};
