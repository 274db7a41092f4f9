import { createTransport } from 'nodemailer';

import { startMailCatcher, type RunningMailCatcher } from '../src/mail-catcher.js';

describe('mail catcher: the demo shows the emails Relais sends', () => {
  let catcher: RunningMailCatcher;
  const send = (to: string, subject: string, text: string) =>
    createTransport({ url: catcher.smtpUrl }).sendMail({
      from: 'Relais <ne-pas-repondre@relais.example>',
      to,
      subject,
      text,
    });

  beforeEach(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0, host: '127.0.0.1', limit: 3 });
  });

  afterEach(() => catcher?.close());

  it('given two emails sent by SMTP, then the page lists them newest first, with their text, in French', async () => {
    await send('marie@example.fr', 'Vous avez donné un mandat', 'Bonjour,\n\nLe code de votre attestation : K7F3.');
    await send('paul@example.fr', 'Votre mandat a été utilisé', 'Bonjour,\n\n- À 10 h 05 : Impôts.');

    const response = await fetch(catcher.pageUrl);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Courriels reçus');
    expect(html).toContain('2 courriels.');
    expect(html.indexOf('Votre mandat a été utilisé')).toBeLessThan(html.indexOf('Vous avez donné un mandat'));
    expect(html).toContain('Le code de votre attestation : K7F3.');
    expect(html).toContain('<dd>marie@example.fr</dd>');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('escapes what a message holds: a subject or a text with markup is shown, never run', async () => {
    await send('marie@example.fr', '<script>alert(1)</script>', 'Texte <b>gras</b> & "guillemets"');

    const html = await (await fetch(catcher.pageUrl)).text();

    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Texte &lt;b&gt;gras&lt;/b&gt; &amp; &quot;guillemets&quot;');
  });

  it('says so when there is no email yet, and keeps only the newest `limit` emails in memory', async () => {
    expect(await (await fetch(catcher.pageUrl)).text()).toContain('Aucun courriel pour le moment.');

    for (const n of [1, 2, 3, 4]) await send('marie@example.fr', `Message ${n}`, `Texte ${n}`);

    expect(catcher.mails().map((mail) => mail.subject)).toEqual(['Message 4', 'Message 3', 'Message 2']);
    const json = (await (await fetch(new URL('/messages.json', catcher.pageUrl))).json()) as Array<{ subject: string }>;
    expect(json.map((mail) => mail.subject)).toEqual(['Message 4', 'Message 3', 'Message 2']);
  });

  it('is read-only: any other method is refused with 405, an unknown page is a French 404', async () => {
    const post = await fetch(catcher.pageUrl, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const missing = await fetch(new URL('/inconnu', catcher.pageUrl));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page introuvable.');
  });

  it('refuses to listen on a port already taken, and says which', async () => {
    const port = Number(new URL(catcher.smtpUrl).port);
    await expect(startMailCatcher({ smtpPort: port, httpPort: 0, host: '127.0.0.1', limit: 3 })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});
