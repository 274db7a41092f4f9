import { createHmac, timingSafeEqual } from 'node:crypto';

import type { Request, Response } from 'express';

/** Cookie value `<id>.<HMAC-SHA256(key, name=id)>`, so a cookie cannot be forged nor moved to another name. */
export class SignedCookies {
  constructor(
    private readonly keys: string[],
    private readonly secure: boolean,
  ) {
    if (keys.length === 0) throw new Error('SignedCookies needs at least one key');
  }

  set(res: Response, name: string, id: string, maxAgeMs: number): void {
    res.cookie(name, `${id}.${this.mac(this.keys[0], name, id)}`, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax',
      path: '/',
      maxAge: maxAgeMs,
    });
  }

  clear(res: Response, name: string): void {
    res.clearCookie(name, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: '/' });
  }

  /** The id the cookie carries, when its signature is one of ours; undefined otherwise. */
  get(req: Request, name: string): string | undefined {
    const value = readCookie(req.headers.cookie, name);
    const dot = value?.lastIndexOf('.') ?? -1;
    if (!value || dot <= 0) return undefined;
    const id = value.slice(0, dot);
    const mac = Buffer.from(value.slice(dot + 1));
    const valid = this.keys.some((key) => {
      const expected = Buffer.from(this.mac(key, name, id));
      return expected.length === mac.length && timingSafeEqual(expected, mac);
    });
    return valid ? id : undefined;
  }

  private mac(key: string, name: string, id: string): string {
    return createHmac('sha256', key).update(`${name}=${id}`).digest('base64url');
  }
}

/** The value of one cookie of a Cookie header (first occurrence), URL-decoded. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const raw = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
