import type { RelaisLogin } from '../relying-party/relais-client.js';

/** One labelled line of the account page. */
export interface Row {
  label: string;
  value: string;
  /** Shown as code (identifiers, technical values). */
  code?: boolean;
}

export interface AccountView {
  citizen: Row[];
  /** Empty when Relais (or another provider) sent no `act` claim. */
  actor: Row[];
  delegation: Row[];
  login: Row[];
  rawIdToken: string;
  rawUserinfo: string;
}

const NOT_SENT = 'non transmis';

/** Procedure areas of Relais' catalogue, as people read them (an unknown code is shown as is). */
const AREA_LABELS: Record<string, string> = {
  papers: 'Papiers et citoyenneté',
  family: 'Famille',
  social: 'Social et santé',
  work: 'Travail',
  housing: 'Logement',
  transport: 'Transports',
  money: 'Argent (impôts, banques)',
  justice: 'Justice',
  foreigners: 'Étrangers en France',
  leisure: 'Loisirs',
};

const ACT_LABELS: Record<string, string> = {
  sub: 'Identifiant de l’aidant (sub)',
  given_name: 'Prénom',
  family_name: 'Nom',
  email: 'Adresse électronique',
  siret: 'SIRET de la structure',
  structure_name: 'Structure',
  structure: 'Structure',
  act: 'Agissant lui-même pour',
};

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** "17 mars 1948"; "mars 1948" or "1985" when FranceConnect sends YYYY-MM-00 or YYYY-00-00. */
export function birthdateInFrench(birthdate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthdate);
  if (!match) return birthdate;
  const [year, month, day] = match.slice(1).map(Number);
  if (!month || month > 12) return `${year}`;
  if (!day) return `${MONTHS[month - 1]} ${year}`;
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function row(label: string, value: unknown, options: { code?: boolean; absent?: string } = {}): Row {
  const shown = text(value);
  return shown === undefined
    ? { label, value: options.absent ?? NOT_SENT }
    : { label, value: shown, code: options.code };
}

function gender(value: unknown): string | undefined {
  if (value === 'female') return 'féminin';
  if (value === 'male') return 'masculin';
  return text(value);
}

/** An INSEE code; FranceConnect sends an empty birthplace for people born abroad. */
function birthplace(value: unknown): string | undefined {
  if (value === '') return 'vide (naissance à l’étranger)';
  return text(value);
}

function area(value: unknown): string | undefined {
  if (typeof value !== 'string') return text(value);
  return AREA_LABELS[value] ? `${AREA_LABELS[value]} (${value})` : value;
}

/** Whatever `act` holds, one row per member, known members first and labelled in French. */
function actorRows(act: unknown): Row[] {
  if (act === undefined || act === null) return [];
  if (typeof act !== 'object' || Array.isArray(act)) return [row('Valeur', act, { code: true })];
  const entries = Object.entries(act as Record<string, unknown>);
  const known = Object.keys(ACT_LABELS);
  entries.sort(([a], [b]) => rank(known, a) - rank(known, b));
  return entries.map(([name, value]) =>
    row(ACT_LABELS[name] ?? name, value, { code: name === 'sub' || name === 'siret' || typeof value === 'object' }),
  );
}

function rank(known: string[], name: string): number {
  const index = known.indexOf(name);
  return index < 0 ? known.length : index;
}

/**
 * The account page's content. Identity claims come from userinfo, then from the ID token
 * (Relais may put `act`, `mandate_id` and `procedure_area` in either).
 */
export function accountView(login: RelaisLogin): AccountView {
  const { idTokenClaims: id, userinfo } = login;
  const claim = (name: string): unknown => userinfo[name] ?? id[name];
  const citizen = [
    row('Prénoms', claim('given_name')),
    row('Nom de naissance', claim('family_name')),
    ...(claim('preferred_username') ? [row('Nom d’usage', claim('preferred_username'))] : []),
    row(
      'Date de naissance',
      typeof claim('birthdate') === 'string' ? birthdateInFrench(claim('birthdate') as string) : claim('birthdate'),
    ),
    row('Sexe', gender(claim('gender'))),
    row('Commune de naissance (code INSEE)', birthplace(claim('birthplace')), { code: claim('birthplace') !== '' }),
    row('Pays de naissance (code INSEE)', claim('birthcountry'), { code: true }),
  ];
  const amr = id.amr;
  return {
    citizen,
    actor: actorRows(claim('act')),
    delegation: [
      row('Démarche (procedure_area)', area(claim('procedure_area'))),
      row('Mandat (mandate_id)', claim('mandate_id'), { code: true }),
    ],
    login: [
      row('Identifiant de l’usager pour ce service (sub)', id.sub, { code: true }),
      row('Niveau de garantie (acr)', id.acr, { code: true }),
      row('Méthodes d’authentification (amr)', Array.isArray(amr) ? amr.join(', ') : amr, { code: true }),
      row('Émetteur (iss)', id.iss, { code: true }),
    ],
    rawIdToken: JSON.stringify(id, null, 2),
    rawUserinfo: JSON.stringify(userinfo, null, 2),
  };
}
