/** The figures of the public statistics page, in the order they are shown. */
export enum Indicator {
  DelegatedLogins = 'delegated_logins',
  PeopleHelped = 'people_helped',
  MandatesCreated = 'mandates_created',
  MandatesInForce = 'mandates_in_force',
  ActiveAides = 'active_aides',
  ActiveStructures = 'active_structures',
}

export const INDICATORS = Object.values(Indicator);

/** What a visitor reads for each figure (plain French). */
export const INDICATOR_LABELS: Record<Indicator, string> = {
  [Indicator.DelegatedLogins]: 'Démarches faites pour une personne',
  [Indicator.PeopleHelped]: 'Personnes accompagnées',
  [Indicator.MandatesCreated]: 'Mandats créés',
  [Indicator.MandatesInForce]: 'Mandats en cours',
  [Indicator.ActiveAides]: 'Aidants actifs',
  [Indicator.ActiveStructures]: 'Structures actives',
};

/** How each figure is counted, shown under the tables. */
export const INDICATOR_DEFINITIONS: Record<Indicator, string> = {
  [Indicator.DelegatedLogins]: 'connexions à un service public faites par un aidant pour une personne',
  [Indicator.PeopleHelped]: 'personnes différentes pour qui un mandat a été créé ou une démarche faite',
  [Indicator.MandatesCreated]: 'mandats acceptés par la personne',
  [Indicator.MandatesInForce]: 'mandats en cours à la fin du mois (aujourd’hui pour le mois en cours)',
  [Indicator.ActiveAides]: 'aidants ayant créé un mandat ou fait une démarche',
  [Indicator.ActiveStructures]: 'structures dont un aidant a créé un mandat ou fait une démarche',
};

export type IndicatorValues = Record<Indicator, number>;
/** A figure, or null when it is masked because it is too small (it could single someone out). */
export type PublishedValues = Record<Indicator, number | null>;
