import { isProcedureArea, type ProcedureArea } from '@relais/structures';

type ClaimsRequest = Record<'id_token' | 'userinfo', Record<string, { value?: unknown } | null> | undefined>;

/** The OIDC `claims` request parameter, parsed; empty when absent or malformed. */
function parseClaims(claims: unknown): Partial<ClaimsRequest> {
  if (typeof claims !== 'string') return {};
  try {
    const parsed = JSON.parse(claims);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/** The claim names a `claims` request parameter asks for (id_token and userinfo). */
export function requestedClaimNames(claims: unknown): string[] {
  const parsed = parseClaims(claims);
  return [...new Set([...Object.keys(parsed.id_token ?? {}), ...Object.keys(parsed.userinfo ?? {})])];
}

/** The area a public service pre-selects with claims={"id_token":{"procedure_area":{"value":"papers"}}}, if it serves it. */
export function requestedArea(claims: unknown, served: readonly ProcedureArea[]): ProcedureArea | undefined {
  const parsed = parseClaims(claims);
  const value = parsed.id_token?.procedure_area?.value ?? parsed.userinfo?.procedure_area?.value;
  return typeof value === 'string' && isProcedureArea(value) && served.includes(value) ? value : undefined;
}
