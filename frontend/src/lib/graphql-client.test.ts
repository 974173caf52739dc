import { describe, expect, it } from 'vitest';
import { ManagerDocument, type ManagerQuery } from '../gql/graphql';
import { graphqlResponse, sentRequest, stubFetch, unauthorizedResponse } from '../testing/graphql-fetch';
import { GraphqlRequestError, SESSION_ENDED_MESSAGE, execute } from './graphql-client';
import { EXPIRES_AT_KEY, TOKEN_KEY, getSession, startSession } from './session';

const managerAnswer = () =>
  graphqlResponse<ManagerQuery>({
    data: { manager: { version: '0.1.0', hostName: 'localhost', authEnabled: true } },
  });

describe('execute', () => {
  it('sends no Authorization header without a session', async () => {
    const fetchMock = stubFetch(managerAnswer);

    await execute(ManagerDocument);

    expect(sentRequest(fetchMock, 0).headers.has('Authorization')).toBe(false);
  });

  it('sends the stored session token as a Bearer header', async () => {
    startSession('s3cr3t-session', '2999-01-01T00:00:00Z');
    const fetchMock = stubFetch(managerAnswer);

    await execute(ManagerDocument);

    expect(sentRequest(fetchMock, 0).headers.get('Authorization')).toBe('Bearer s3cr3t-session');
  });

  it('leaves the token out of requests marked anonymous', async () => {
    startSession('s3cr3t-session', null);
    const fetchMock = stubFetch(managerAnswer);

    await execute(ManagerDocument, undefined, { anonymous: true });

    expect(sentRequest(fetchMock, 0).headers.has('Authorization')).toBe(false);
  });

  it('drops the token when the manager answers HTTP 401, and says the session ended', async () => {
    startSession('revoked-token', '2999-01-01T00:00:00Z');
    stubFetch(unauthorizedResponse);

    const failure = execute(ManagerDocument);

    await expect(failure).rejects.toBeInstanceOf(GraphqlRequestError);
    await expect(failure).rejects.toMatchObject({ status: 401, message: SESSION_ENDED_MESSAGE });
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(localStorage.getItem(EXPIRES_AT_KEY)).toBeNull();
    expect(getSession()).toEqual({ token: null, expiresAt: null, ended: 'expired' });
  });

  it('keeps a newer session when a 401 answers a request sent with an older token', async () => {
    startSession('old-token', null);
    let answer: (response: Response) => void = () => {};
    const fetchMock = stubFetch(() => unauthorizedResponse());
    fetchMock.mockImplementationOnce(() => new Promise<Response>((resolve) => (answer = resolve)));

    const failure = execute(ManagerDocument);
    startSession('new-token', null);
    answer(unauthorizedResponse());

    await expect(failure).rejects.toMatchObject({ status: 401 });
    expect(localStorage.getItem(TOKEN_KEY)).toBe('new-token');
  });

  it('does not send a token past its expiry, and forgets it', async () => {
    startSession('stale-token', '2020-01-01T00:00:00Z');
    const fetchMock = stubFetch(managerAnswer);

    await execute(ManagerDocument);

    expect(sentRequest(fetchMock, 0).headers.has('Authorization')).toBe(false);
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(getSession().ended).toBe('expired');
  });
});
