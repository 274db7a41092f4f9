import { toWinAnsi } from '../text/win-ansi.js';
import { SAMPLE_SEAL, sampleMandateAttestation } from '../../test/attestation-fixtures.js';
import { customInfo, readPdf } from '@relais/testing';
import { renderMandateAttestation } from './mandate-attestation.document.js';

const A4: [number, number] = [595.28, 841.89];

describe('renderMandateAttestation', () => {
  it('says who gives the mandate, to which structure, with which aide, in plain French', async () => {
    // Given a mandate consented by a citizen whose name carries accents
    const { text } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    // Then the attestation names everyone, the birth date in words
    expect(text).toContain('Attestation de mandat');
    expect(text).toContain('Vous : Élodie Dupont-Léger, né(e) le 14 juillet 1984.');
    expect(text).toContain(
      'La structure : France Services de Vire Normandie, 12 rue de l’Hôtel-de-Ville, 14500 Vire Normandie. SIRET : 130 025 265 00013.',
    );
    expect(text).toContain('L’aidant(e) : Karim Benaïssa.');
  });

  it('lists the procedure areas and the period in Paris time', async () => {
    const { text } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    for (const label of [
      'Famille (allocations, scolarité)',
      'Logement',
      'Social et santé',
      'Argent (impôts, banque)',
    ]) {
      expect(text).toContain(`• ${label}`);
    }
    expect(text).toContain('Le mandat dure 6 mois.');
    expect(text).toContain('Il est valable du 24 novembre 2026 à 17 h 12 au 24 mai 2027 à 17 h 12 (heure de Paris).');
  });

  it('explains how to stop the mandate at any time', async () => {
    const { text } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    expect(text).toContain('Vous pouvez arrêter le mandat à tout moment.');
    expect(text).toContain('Vous pouvez le faire vous-même sur http://localhost:3000/usager, avec FranceConnect.');
    expect(text).toContain('retourner voir la structure France Services de Vire Normandie, ou demander à l’aidant(e).');
  });

  it('prints the consent text as the citizen agreed to it, with its version and date', async () => {
    const attestation = sampleMandateAttestation();
    const { text } = await readPdf(await renderMandateAttestation(attestation));
    expect(text).toContain('Vous avez donné votre accord le 24 novembre 2026 à 17 h 12.');
    expect(text).toContain('(version 2026-11-v1)');
    for (const paragraph of attestation.consentText.paragraphs) expect(text).toContain(paragraph);
  });

  it('leaves a signature box for the citizen and one for the aide', async () => {
    const { text } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    expect(text).toContain('Signature de la personne aidée Élodie Dupont-Léger Date :');
    expect(text).toContain('Signature de l’aidant(e) Karim Benaïssa Date :');
  });

  it('tells how to verify it: sentence, link to the verification page, code', async () => {
    const { text, links } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    expect(text).toContain(
      'Pour vérifier cette attestation : scannez le code QR ou allez sur http://localhost:3000/verify/K7F3-9QX2-MA4T-7RBC',
    );
    expect(text).toContain('Code de l’attestation : K7F3-9QX2-MA4T-7RBC');
    expect(links).toEqual(['http://localhost:3000/verify/K7F3-9QX2-MA4T-7RBC']);
  });

  it('prints the full seal in the annex, on lines that join back into the JWS', async () => {
    const { pages } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    const annex = pages.at(-1)!;
    expect(annex).toContain('Annexe : code de vérification');
    const sealLines = annex.split('\n').filter((line) => /^[A-Za-z0-9_.-]{20,}$/.test(line));
    expect(sealLines.join('')).toBe(SAMPLE_SEAL);
  });

  it('numbers A4 pages and repeats the mandate id in every footer', async () => {
    const { pages, sizes } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(3);
    pages.forEach((page, index) => {
      expect(page).toContain('Mandat n° 3f2b8c1e-6a4d-4e9b-8f7a-2c1d0e9b8a76');
      expect(page).toContain(`Page ${index + 1} sur ${pages.length}`);
    });
    sizes.forEach(([width, height]) => {
      expect(width).toBeCloseTo(A4[0], 1);
      expect(height).toBeCloseTo(A4[1], 1);
    });
  });

  it('describes itself: title, author, subject, language, and the seal under RelaisSeal', async () => {
    const content = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    expect(content.info).toMatchObject({
      Title: 'Attestation de mandat',
      Author: 'Relais',
      Subject: 'Mandat 3f2b8c1e-6a4d-4e9b-8f7a-2c1d0e9b8a76 : France Services de Vire Normandie',
      Language: 'fr-FR',
      CreationDate: 'D:20261124161200Z',
    });
    expect(customInfo(content).get('RelaisSeal')).toBe(SAMPLE_SEAL);
  });

  it('is tagged for screen readers: a title, section headings, a list, the QR code described', async () => {
    const { tagged, tags } = await readPdf(await renderMandateAttestation(sampleMandateAttestation()));
    expect(tagged).toBe(true);
    const roles = tags.map(({ role }) => role);
    expect(roles.filter((role) => role === 'H1')).toHaveLength(1);
    expect(roles).toEqual(expect.arrayContaining(['Document', 'H2', 'P', 'L', 'LI', 'BlockQuote', 'Link']));
    expect(tags.find(({ role }) => role === 'Figure')?.alt).toBe(
      'Code QR vers la page de vérification http://localhost:3000/verify/K7F3-9QX2-MA4T-7RBC',
    );
  });

  it('gives the same bytes for the same attestation, so a download can be compared with the first one', async () => {
    const first = await renderMandateAttestation(sampleMandateAttestation());
    const second = await renderMandateAttestation(sampleMandateAttestation());
    expect(second.equals(first)).toBe(true);
  });

  it('prints names the standard fonts cannot fully draw with look-alike letters, never missing glyphs', async () => {
    // Given identities outside the WinAnsi character set
    const attestation = sampleMandateAttestation({
      citizen: { name: 'Łucja Nguyễn-Şahin', birthdate: '1990-03-01' },
      aide: { name: 'Zoë Ørsted\u202fLi' },
    });
    const { text } = await readPdf(await renderMandateAttestation(attestation));
    // Then every letter is kept or folded, and nothing outside WinAnsi reaches the page
    expect(text).toContain('Vous : Lucja Nguyên-Sahin, né(e) le 1er mars 1990.');
    expect(text).toContain('L’aidant(e) : Zoë Ørsted Li.');
    expect([...text].filter((char) => toWinAnsi(char) !== char)).toEqual([]);
  });

  it('prints a stored birth date that does not exist as given, rather than failing the consent', async () => {
    // Given a birth date stored before birth dates were checked against the calendar
    const attestation = sampleMandateAttestation({ citizen: { name: 'Élodie Dupont-Léger', birthdate: '1984-02-31' } });
    // When it is rendered, then it prints the date as FranceConnect gave it
    const { text } = await readPdf(await renderMandateAttestation(attestation));
    expect(text).toContain('Vous : Élodie Dupont-Léger, né(e) 1984-02-31.');
  });

  it('flows a long consent text onto more pages and keeps the numbering right', async () => {
    const long = sampleMandateAttestation();
    long.consentText = { version: '2026-11-v1', paragraphs: Array(40).fill(long.consentText.paragraphs[2]) };
    const { pages } = await readPdf(await renderMandateAttestation(long));
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.at(-1)).toContain(`Page ${pages.length} sur ${pages.length}`);
  });

  it.each([
    ['no procedure area', { areas: [] }, /at least one procedure area/],
    [
      'a seal that is not a compact JWS',
      { verification: { code: 'K7F3', url: 'https://x/v', seal: 'nope' } },
      /compact JWS/,
    ],
    ['an invalid date', { expiresAt: new Date(Number.NaN) }, /not a valid date/],
  ])('refuses %s rather than print a wrong attestation', async (_case, override, message) => {
    await expect(renderMandateAttestation(sampleMandateAttestation(override))).rejects.toThrow(message);
  });
});
