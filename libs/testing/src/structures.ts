let counter = 0;

/** A fresh SIRET passing the Luhn check, different at each call. */
export function testSiret(): string {
  const base = `7328293${String(counter++ % 1_000_000).padStart(6, '0')}`;
  for (let check = 0; ; check++) {
    const candidate = `${base}${check}`;
    const sum = [...candidate].reverse().reduce((total, char, index) => {
      const digit = Number(char) * (index % 2 ? 2 : 1);
      return total + (digit > 9 ? digit - 9 : digit);
    }, 0);
    if (sum % 10 === 0) return candidate;
  }
}

/** Inserts a structure directly (tests of other modules need one, not the structures rules). */
export async function insertStructure(
  db: { query: (sql: string, parameters: unknown[]) => Promise<{ id: string }[]> },
  name = 'France Services',
): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ($1, $2, '1 rue de la Paix', 'france_services', '{papers,money}') RETURNING id`,
    [testSiret(), name],
  );
  return row.id;
}
