import { SAMPLE_SEAL, sampleMandateAttestation, sampleRevocationAttestation } from '../../test/attestation-fixtures.js';
import { customInfo, readPdf } from '@relais/testing';
import { renderRevocationAttestation } from './revocation-attestation.document.js';

describe('renderRevocationAttestation', () => {
  describe('when some areas are withdrawn', () => {
    it('is an « Attestation de retrait de démarches » that says what stops and what goes on', async () => {
      const content = await readPdf(await renderRevocationAttestation(sampleRevocationAttestation()));
      const { text } = content;
      expect(content.info.Title).toBe('Attestation de retrait de démarches');
      expect(text).toContain('Attestation de retrait de démarches');
      expect(text).toContain('Ces démarches sont retirées du mandat : • Logement');
      expect(text).toContain(
        'Le mandat continue pour ces démarches, jusqu’à sa date de fin : • Famille (allocations, scolarité) • Social et santé • Argent (impôts, banque)',
      );
      expect(text).not.toContain('Attestation de fin de mandat');
    });
  });

  describe('when the whole mandate ends', () => {
    const whole = () =>
      sampleRevocationAttestation({ revokedAreas: sampleMandateAttestation().areas, remainingAreas: [] });

    it('is an « Attestation de fin de mandat » that says no one may act under the mandate any more', async () => {
      const content = await readPdf(await renderRevocationAttestation(whole()));
      const { text } = content;
      expect(content.info.Title).toBe('Attestation de fin de mandat');
      expect(text).toContain('Attestation de fin de mandat');
      expect(text).toContain(
        'Le mandat s’arrête pour toutes ces démarches : • Famille (allocations, scolarité) • Logement',
      );
      expect(text).toContain('Plus personne de cette structure ne peut agir pour vous avec ce mandat.');
      expect(text).not.toContain('Ce qui continue');
    });
  });

  it('names the people, the mandate it refers to and the moment it took effect, in Paris time', async () => {
    const { text } = await readPdf(await renderRevocationAttestation(sampleRevocationAttestation()));
    expect(text).toContain('Vous : Élodie Dupont-Léger, né(e) le 14 juillet 1984.');
    expect(text).toContain('L’aidant(e) : Karim Benaïssa.');
    expect(text).toContain('Code de l’attestation de mandat : K7F3-9QX2-MA4T-7RBC');
    expect(text).toContain('Depuis le 3 janvier 2027 à 10 h 05 (heure de Paris)');
  });

  it('has signature boxes, its own verification block and its seal', async () => {
    const content = await readPdf(await renderRevocationAttestation(sampleRevocationAttestation()));
    expect(content.text).toContain('Signature de la personne aidée Élodie Dupont-Léger');
    expect(content.text).toContain('Signature de l’aidant(e) Karim Benaïssa');
    expect(content.text).toContain(
      'Pour vérifier cette attestation : scannez le code QR ou allez sur http://localhost:3000/verify/R2D8-WQ4N-7HJC-X3PA',
    );
    expect(content.text).toContain('Code de l’attestation : R2D8-WQ4N-7HJC-X3PA');
    expect(content.links).toEqual(['http://localhost:3000/verify/R2D8-WQ4N-7HJC-X3PA']);
    expect(customInfo(content).get('RelaisSeal')).toBe(SAMPLE_SEAL);
  });

  describe('when the citizen stopped it themself in the portal (no aide)', () => {
    const byCitizen = () => sampleRevocationAttestation({ aide: undefined });

    it('names no aide, in the parties nor in a signature box, and says who did it', async () => {
      const { text } = await readPdf(await renderRevocationAttestation(byCitizen()));
      expect(text).not.toContain('Karim Benaïssa');
      expect(text).not.toContain('L’aidant(e) :');
      expect(text).not.toContain('Signature de l’aidant(e)');
      expect(text).toContain(
        'Qui a arrêté le mandat ? Élodie Dupont-Léger, sur son espace Relais, après s’être identifié(e) avec FranceConnect.',
      );
      expect(text).toContain('Aucun aidant n’a fait cette demande. Il n’y a rien à signer.');
      expect(text).toContain('sur votre espace Relais ou à la structure.');
      expect(text).toContain('La structure : France Services de Vire Normandie');
    });
  });

  it('fits on two numbered pages', async () => {
    const { pages } = await readPdf(await renderRevocationAttestation(sampleRevocationAttestation()));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('Mandat n° 3f2b8c1e-6a4d-4e9b-8f7a-2c1d0e9b8a76 Page 2 sur 2');
  });

  it('refuses a revocation that withdraws no area', async () => {
    await expect(renderRevocationAttestation(sampleRevocationAttestation({ revokedAreas: [] }))).rejects.toThrow(
      /at least one procedure area/,
    );
  });
});
