import { describeFailure } from './notification-sender.service.js';

describe('describeFailure', () => {
  it('keeps the SMTP reply code and text but never the address the server quotes', () => {
    // Given a refusal quoting the recipient
    const error = Object.assign(new Error("Can't send mail - all recipients were rejected"), {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.1.1 <Marie.Dupont@example.fr>: Recipient address rejected',
    });
    // When it is described
    const { code, text } = describeFailure(error);
    // Then
    expect(code).toBe('EENVELOPE');
    expect(text).toBe('EENVELOPE 550 5.1.1 <[adresse]>: Recipient address rejected');
  });

  it('uses the message when there is no SMTP reply, e.g. a refused connection', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ECONNECTION' });
    expect(describeFailure(error)).toEqual({
      code: 'ECONNECTION',
      text: 'ECONNECTION connect ECONNREFUSED 127.0.0.1:2525',
    });
  });

  it('names an error without code ERROR and keeps it short', () => {
    const { code, text } = describeFailure(new Error('x'.repeat(2000)));
    expect(code).toBe('ERROR');
    expect(text).toHaveLength(500);
  });
});
