/** The one page (nunjucks, autoescaped): every caught mail, newest first, with its text. */
export const MAIL_CATCHER_PAGE = `<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Courriels reçus – Relais (développement)</title>
  <link rel="stylesheet" href="/mail-catcher.css">
</head>
<body>
  <header>
    <p class="warning">Outil de développement. Jamais en production.</p>
    <h1>Courriels reçus</h1>
    <p>Les courriels envoyés par Relais pendant la démonstration. Le plus récent est en haut.
      Ils sont gardés en mémoire seulement : ils disparaissent quand la démonstration s’arrête.</p>
    <p><a href="/">Rafraîchir la page</a></p>
  </header>
  <main>
    {% if mails.length == 0 %}
      <p>Aucun courriel pour le moment.</p>
    {% else %}
      <p>{{ mails.length }} courriel{% if mails.length > 1 %}s{% endif %}.</p>
      {% for mail in mails %}
        <article aria-labelledby="mail-{{ mail.id }}">
          <h2 id="mail-{{ mail.id }}">{{ mail.subject or "(sans objet)" }}</h2>
          <dl>
            <dt>Pour</dt><dd>{{ mail.to | join(", ") }}</dd>
            <dt>De</dt><dd>{{ mail.from }}</dd>
            <dt>Reçu le</dt><dd>{{ mail.receivedAtText }}</dd>
          </dl>
          <pre>{{ mail.text }}</pre>
        </article>
      {% endfor %}
    {% endif %}
  </main>
</body>
</html>
`;

export const MAIL_CATCHER_CSS = `body { font-family: Marianne, Arial, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; line-height: 1.5; color: #161616; }
.warning { background: #ffe9e6; color: #b34000; padding: .5rem 1rem; font-weight: bold; }
h1 { font-size: 2rem; }
article { border: 1px solid #929292; padding: 1rem; margin: 1.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-family: inherit; background: #f6f6f6; padding: 1rem; }
a { color: #000091; }
a:focus { outline: 2px solid #0a76f6; outline-offset: 2px; }
`;
