import { basicClientId } from './client-auth-limit.js';
import { autoSubmitForm } from './provider-responses.js';

/** oidc-provider 9's form_post page (response_modes/form_post.js), values HTML-escaped by it. */
const providerPage = (inputs: string) => `<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <title>Submitting Callback</title>
  <script>document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });</script>
</head>
<body>
  <form method="post" action="https://impots.example.fr/callback?a=1&amp;b=2">
    ${inputs}
    <noscript>
      Your browser does not support JavaScript or you've disabled it.<br/>
      <button autofocus type="submit">Continue</button>
    </noscript>
  </form>
</body>
</html>`;

describe('autoSubmitForm', () => {
  it('given the provider’s auto-submitting page, when read, then its action and hidden fields come back unescaped', () => {
    const form = autoSubmitForm(
      providerPage(
        '<input type="hidden" name="code" value="abc"/>\n<input type="hidden" name="state" value="&lt;x&gt; &quot;y&quot; &#39;z&#39; &amp;"/>',
      ),
    );
    expect(form).toEqual({
      action: 'https://impots.example.fr/callback?a=1&b=2',
      inputs: [
        { name: 'code', value: 'abc' },
        { name: 'state', value: `<x> "y" 'z' &` },
      ],
    });
  });

  it('given any other body (a page, JSON, nothing), when read, then null', () => {
    expect(autoSubmitForm('<!DOCTYPE html><html lang="fr"><title>Relais</title></html>')).toBeNull();
    expect(autoSubmitForm({ error: 'invalid_request' })).toBeNull();
    expect(autoSubmitForm(undefined)).toBeNull();
    expect(autoSubmitForm('<title>Submitting Callback</title> but no form')).toBeNull();
  });
});

describe('basicClientId', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('given client_secret_basic credentials, when read, then the client_id (form-urlencoded, as RFC 6749 says)', () => {
    expect(basicClientId(basic('ps_0123456789abcdef:secret'))).toBe('ps_0123456789abcdef');
    expect(basicClientId(basic('a%20b+c:secret'))).toBe('a b c');
    expect(basicClientId(`basic ${Buffer.from('ps_1:x').toString('base64')}`)).toBe('ps_1');
  });

  it('given no header, another scheme, no colon, an empty id or bad escapes, when read, then undefined', () => {
    expect(basicClientId(undefined)).toBeUndefined();
    expect(basicClientId('Bearer abc')).toBeUndefined();
    expect(basicClientId(basic('no-colon'))).toBeUndefined();
    expect(basicClientId(basic(':secret'))).toBeUndefined();
    expect(basicClientId(basic('%E0%A4%A:secret'))).toBeUndefined();
  });
});
