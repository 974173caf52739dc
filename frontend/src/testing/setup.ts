import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { endSession } from '../lib/session';

afterEach(() => {
  cleanup();
  endSession();
  window.localStorage.clear();
  window.location.hash = '';
});
