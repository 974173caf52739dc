import { describe, expect, it } from 'vitest';
import { serviceLink } from './manager-info';

describe('serviceLink', () => {
  it('uses the host name the page was opened by and the services’ port, never the manager’s configured name', () => {
    const page = { protocol: 'http:', hostname: '10.0.0.7' } as Location;
    expect(serviceLink('/services/hello/', 5080, page)).toBe('http://10.0.0.7:5080/services/hello/');
  });

  it('leaves out the default port', () => {
    expect(
      serviceLink('/services/a_1.0.0/', 443, { protocol: 'https:', hostname: 'ops.example' } as Location),
    ).toBe('https://ops.example/services/a_1.0.0/');
  });
});
