/** Generated cases per route (HOSTILE_RUNS=200 for a longer hunt); tuned so the suite stays within CI's budget. */
export const HOSTILE_RUNS = Number(process.env.HOSTILE_RUNS ?? 25);
