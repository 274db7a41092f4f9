import type { INestApplicationContext } from '@nestjs/common';
import { Aide, InvitationsService, MembershipRole, MembershipsService, SecretBox, TotpEnrolment } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { StructuresService } from '@relais/structures';
import { generateSync } from 'otplib';
import { DataSource } from 'typeorm';

/** The demo accounts' password (demo data only; it passes the password policy). */
export const DEMO_PASSWORD = 'Relais-demo-lampadaire-violet';

const OPERATOR = { type: AuditActorType.Operator };

/** The structure and the trained aide the demo mandate and delegated login use. */
export const DEMO_STRUCTURE_SIRET = '21750001600019';
export const DEMO_AIDE_EMAIL = 'aidant@demo.relais.fr';

const STRUCTURES = [
  {
    siret: '21750001600019',
    name: 'France Services Paris 20e (démo)',
    address: '12 rue de Belleville, 75020 Paris',
    type: 'france_services',
    areas: ['papers', 'family', 'social', 'work', 'housing', 'money'],
  },
  {
    siret: '73282932000074',
    name: 'CCAS de Lille (démo)',
    address: '1 place Augustin Laurent, 59000 Lille',
    type: 'ccas',
    areas: ['social', 'housing', 'money'],
  },
];

const PEOPLE = [
  {
    email: 'responsable@demo.relais.fr',
    givenName: 'Camille',
    familyName: 'Martin',
    role: MembershipRole.Supervisor,
    structures: [0, 1],
    trained: true,
  },
  {
    email: 'aidant@demo.relais.fr',
    givenName: 'Karim',
    familyName: 'Benali',
    role: MembershipRole.Aide,
    structures: [0, 1],
    trained: true,
  },
  {
    email: 'aidante.nonformee@demo.relais.fr',
    givenName: 'Léa',
    familyName: 'Dupont',
    role: MembershipRole.Aide,
    structures: [0],
    trained: false,
  },
];

export interface DemoAccount {
  email: string;
  role: string;
  structures: string;
  trained: boolean;
  totpSecret: string;
}

/** Creates the demo structures and accounts once (idempotent), and returns the accounts to print. */
export async function seedDemoData(app: INestApplicationContext): Promise<DemoAccount[]> {
  const structuresService = app.get(StructuresService);
  const invitations = app.get(InvitationsService);
  const enrolment = app.get(TotpEnrolment);
  const aides = app.get(DataSource).getRepository(Aide);

  const structures = [];
  for (const structure of STRUCTURES) {
    try {
      structures.push(await structuresService.findBySiret(structure.siret));
    } catch (error) {
      if (!(error instanceof DomainException) || error.code !== ErrorCode.StructureNotFound) throw error;
      structures.push(await structuresService.create(structure, OPERATOR));
    }
  }

  const db = app.get(DataSource);
  const memberships = app.get(MembershipsService);
  const supervisor = PEOPLE[0]; // listed first: validates the others' training
  for (const person of PEOPLE) {
    for (const index of person.structures) {
      const structureId = structures[index].id;
      const existing = await aides.findOneBy({ email: person.email });
      if (
        existing &&
        (
          await db.query('SELECT 1 FROM memberships WHERE aide_id = $1 AND structure_id = $2', [
            existing.id,
            structureId,
          ])
        ).length > 0
      ) {
        continue;
      }
      const invited = await invitations.invite(
        {
          structureId,
          email: person.email,
          role: person.role,
          givenName: person.givenName,
          familyName: person.familyName,
        },
        OPERATOR,
      );
      if (invited.link) {
        // The account set-up page's path, the code typed by the seed instead of an app.
        const { secret } = await enrolment.offer(person.email);
        await invitations.activate(
          invited.link.split('/invitation/')[1],
          DEMO_PASSWORD,
          secret,
          generateSync({ secret }),
        );
      }
      if (person.trained) {
        const supervisorId = (await aides.findOneByOrFail({ email: supervisor.email })).id;
        await memberships.validateTraining(structureId, invited.aideId, { aideId: supervisorId });
      }
    }
  }

  // The supervisor also runs the demo platform: the operator pages (public services).
  await db.query('UPDATE aides SET operator = true WHERE email = $1', [supervisor.email]);

  const box = app.get(SecretBox);
  const accounts: DemoAccount[] = [];
  for (const person of PEOPLE) {
    const aide = await aides.findOneByOrFail({ email: person.email });
    accounts.push({
      email: person.email,
      role: person.role === MembershipRole.Supervisor ? 'responsable' : 'aidant',
      structures: person.structures.map((index) => STRUCTURES[index].name).join(' + '),
      trained: person.trained,
      totpSecret: aide.totpSecret ? box.open(aide.totpSecret) : '(à reconfigurer à la connexion)',
    });
  }
  return accounts;
}
