export const RELAIS_CONFIG = Symbol('RELAIS_CONFIG');
