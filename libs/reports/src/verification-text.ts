import type { ChainProblem } from './csv/csv-chain-walker.js';
import type { ReportVerification } from './services/report-verifier.service.js';

const SIGNATURE_PROBLEMS: Record<string, string> = {
  malformed: 'le fichier de signature n’est pas une signature de Relais',
  unknown_kid: 'la signature a été faite avec une clé que Relais ne connaît pas',
  bad_signature: 'la signature ne correspond pas : le fichier de signature a été modifié ou fabriqué',
  payload_mismatch: 'la signature ne porte pas sur ce rapport',
  not_a_report: 'cette signature n’est pas celle d’un rapport du journal',
};

/** The first problem of the rows, in plain French, naming the row. */
export function chainProblemText(problem: ChainProblem): string {
  switch (problem.kind) {
    case 'unreadable':
      return `La ligne ${problem.row} ne peut pas être lue : ce n’est plus un rapport du journal de Relais.`;
    case 'altered':
      return `La ligne ${problem.row} (entrée n° ${problem.seq}) a été modifiée : son contenu ne correspond plus à son empreinte.`;
    case 'missing':
      return problem.fromSeq === problem.toSeq
        ? `Il manque l’entrée n° ${problem.fromSeq}, juste avant la ligne ${problem.row}.`
        : `Il manque les entrées n° ${problem.fromSeq} à ${problem.toSeq}, juste avant la ligne ${problem.row}.`;
    case 'out_of_order':
      return `La ligne ${problem.row} (entrée n° ${problem.seq}) n’est pas à sa place : une ligne a été déplacée ou copiée.`;
    case 'broken_link':
      return `La ligne ${problem.row} (entrée n° ${problem.seq}) ne suit pas la ligne d’avant : une ligne a été modifiée ou remplacée.`;
    case 'missing_tail':
      return `La fin du rapport manque : entrées n° ${problem.fromSeq} à ${problem.toSeq}.`;
    case 'wrong_count':
      return `Le rapport devrait contenir ${problem.expected} entrées ; il en contient ${problem.found}.`;
  }
}

/** What a verification says, as sentences for a page or a terminal. The first line is the verdict. */
export function verificationText(result: ReportVerification): { ok: boolean; lines: string[] } {
  if (result.signatureProblem) {
    return { ok: false, lines: [`Signature refusée : ${SIGNATURE_PROBLEMS[result.signatureProblem]}.`] };
  }
  const lines: string[] = [];
  const csv = result.complete !== null;
  const ok = result.genuine && (result.complete ?? true) && result.checkpoints.every((c) => c.valid);
  lines.push(
    ok
      ? `Rapport authentique${csv ? ' et complet' : ''} : signé par Relais (clé ${result.kid}).`
      : 'Rapport NON conforme.',
  );
  lines.push(
    result.fileUnchanged
      ? 'Le fichier est exactement celui que Relais a produit.'
      : 'Le fichier a été modifié après avoir été produit par Relais.',
  );
  if (csv) {
    lines.push(
      result.problem
        ? chainProblemText(result.problem)
        : `Les ${result.entries} entrées s’enchaînent sans trou entre les points d’ancrage du journal.`,
    );
  }
  for (const checkpoint of result.checkpoints) {
    lines.push(
      checkpoint.valid
        ? `Point de contrôle signé n° ${checkpoint.seq} : valable.`
        : `Point de contrôle n° ${checkpoint.seq} : signature refusée.`,
    );
  }
  return { ok, lines };
}
