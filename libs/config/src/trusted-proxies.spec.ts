import { loadConfig } from './load-config.js';
import { trustedProxies } from './trusted-proxies.js';

describe('trustedProxies', () => {
  it('given no TRUST_PROXY and an https issuer, then one proxy is trusted (TLS ends in front of the api)', () => {
    expect(trustedProxies({ ISSUER: 'https://relais.example.fr', TRUST_PROXY: undefined })).toBe(1);
  });

  it('given no TRUST_PROXY and an http issuer, then none is trusted: X-Forwarded-For is ignored', () => {
    expect(trustedProxies({ ISSUER: 'http://localhost:3000', TRUST_PROXY: undefined })).toBe(0);
  });

  it('given TRUST_PROXY, then it wins over the issuer, 0 included', () => {
    expect(trustedProxies({ ISSUER: 'http://127.0.0.1:8080', TRUST_PROXY: 1 })).toBe(1);
    expect(trustedProxies({ ISSUER: 'https://relais.example.fr', TRUST_PROXY: 0 })).toBe(0);
    expect(trustedProxies({ ISSUER: 'https://relais.example.fr', TRUST_PROXY: 2 })).toBe(2);
  });
});

describe('TRUST_PROXY in the configuration', () => {
  it('given a value that is not a small whole number, then the configuration names it', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '9' })).toThrow(/TRUST_PROXY/);
  });

  it('given "1", then one proxy is trusted behind an http issuer', () => {
    expect(trustedProxies(loadConfig({ TRUST_PROXY: '1', ISSUER: 'http://127.0.0.1:8080' }))).toBe(1);
  });
});
