import type { Response } from 'express';

/** A PDF download that no shared cache keeps. */
export function sendPdf(res: Response, pdf: Buffer, filename: string): void {
  res
    .status(200)
    .set({
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    })
    .end(pdf);
}
