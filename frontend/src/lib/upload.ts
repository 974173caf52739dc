import { reportReachable, reportUnreachable } from './connection';
import { UNREACHABLE_MESSAGE } from './graphql-client';

/** Why an upload failed, in words, with the manager's code when it gave one. */
export class UploadError extends Error {
  readonly code?: string;
  readonly status?: number;

  constructor(message: string, code?: string, status?: number) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
    this.status = status;
  }
}

/**
 * Sends one file to `POST /uploads` (multipart, one part named `file`, authenticated by the session
 * cookie) and resolves to the id a deploy then names. Uses XMLHttpRequest because `fetch` cannot
 * report upload progress.
 */
export function upload(
  file: Blob,
  fileName: string,
  onProgress?: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/uploads');
    request.responseType = 'text';
    request.setRequestHeader('Accept', 'application/json');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        onProgress?.(event.loaded, event.total);
      }
    };
    request.onerror = () => {
      reportUnreachable();
      reject(new UploadError(UNREACHABLE_MESSAGE, 'MANAGER_UNREACHABLE'));
    };
    request.onabort = () => reject(new UploadError('The upload was cancelled.', 'CANCELLED'));
    request.onload = () => {
      reportReachable();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(request.responseText) as Record<string, unknown>;
      } catch {
        // described by its status below
      }
      if (request.status >= 200 && request.status < 300 && typeof body.id === 'string') {
        resolve(body.id);
        return;
      }
      const code = typeof body.code === 'string' ? body.code : undefined;
      const message =
        typeof body.message === 'string' ? body.message : `The upload was refused (HTTP ${request.status}).`;
      reject(new UploadError(message, code, request.status));
    };
    signal?.addEventListener('abort', () => request.abort());
    const form = new FormData();
    form.append('file', file, fileName);
    request.send(form);
  });
}
