import { Injectable } from '@nestjs/common';
import type { SessionSubject } from '@relais/auth';
import { Citizen } from '@relais/mandates';
import { DataSource } from 'typeorm';

import { PORTAL_PATHS } from '../portal-session.js';

/** Who is logged in to the portal: identifiers and the name the pages greet. */
export interface CitizenPrincipal {
  citizenId: string;
  givenName: string;
  familyName: string;
}

/**
 * The citizen as a SessionSubject: the portal's pages go through the one SessionCheck (12 h
 * absolute, 30 min idle) with it. Citizens have no second factor, so nothing asks for a step-up.
 */
@Injectable()
export class CitizenSubject implements SessionSubject<CitizenPrincipal> {
  readonly loginPath = PORTAL_PATHS.login;
  readonly stepUpPath = PORTAL_PATHS.login;

  constructor(private readonly dataSource: DataSource) {}

  loggedIn(session: { citizenId?: string }): string | undefined {
    return session.citizenId;
  }

  async load(session: { citizenId?: string }) {
    const citizen = await this.dataSource.manager.findOneBy(Citizen, { id: session.citizenId! });
    if (!citizen) return { gone: true as const };
    return {
      principal: { citizenId: citizen.id, givenName: citizen.givenName, familyName: citizen.familyName },
    };
  }
}
