/** The RelaisClient (injection token). */
export const RELAIS_CLIENT = Symbol('RELAIS_CLIENT');

/** The DemoSessions (injection token). */
export const DEMO_SESSIONS = Symbol('DEMO_SESSIONS');

/** What the pages show about the service (injection token). */
export const DEMO_SETTINGS = Symbol('DEMO_SETTINGS');

export interface DemoSettings {
  /** Public base URL, without a trailing slash. */
  url: string;
  /** The area asked for through the `claims` parameter, if any. */
  area?: string;
}
