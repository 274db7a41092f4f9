import { loadMailCatcherConfig } from './mail-catcher-config.js';

describe('loadMailCatcherConfig', () => {
  it('listens on 127.0.0.1, SMTP 1025 and page 1080 by default', () => {
    expect(loadMailCatcherConfig({})).toEqual({ smtpPort: 1025, httpPort: 1080, host: '127.0.0.1', limit: 500 });
  });

  it('reads its variables, and names the one that is not a port', () => {
    expect(loadMailCatcherConfig({ MAIL_CATCHER_SMTP_PORT: '2525', MAIL_CATCHER_LIMIT: '10' })).toMatchObject({
      smtpPort: 2525,
      limit: 10,
    });
    expect(() => loadMailCatcherConfig({ MAIL_CATCHER_HTTP_PORT: 'quatre-vingt' })).toThrow(/MAIL_CATCHER_HTTP_PORT/);
    expect(() => loadMailCatcherConfig({ MAIL_CATCHER_SMTP_PORT: '70000' })).toThrow(/MAIL_CATCHER_SMTP_PORT/);
  });
});
