import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DeployServiceMutation } from '../../gql/graphql';
import { errorResponse, graphqlResponse, sentOperations, stubOperations } from '../../testing/graphql-fetch';
import { renderPage } from '../../testing/render';
import { DeployPage } from './deploy-page';

function type(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

function deploy() {
  fireEvent.click(screen.getByRole('button', { name: 'Deploy' }));
}

const queued = (id: string) => () =>
  graphqlResponse<DeployServiceMutation>({
    data: { deployService: { deployment: { id, state: 'QUEUED' } } },
  });

/** An XMLHttpRequest stand-in for `POST /uploads`: records what was sent, answers with an id. */
function stubUploads(id = 'upload-7') {
  const sent: Array<{ url: string; body: FormData }> = [];
  class FakeXhr {
    status = 0;
    responseText = '';
    responseType = '';
    upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private url = '';
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    abort() {}
    send(body: FormData) {
      sent.push({ url: this.url, body });
      setTimeout(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 10, total: 10 } as ProgressEvent);
        this.status = 200;
        this.responseText = JSON.stringify({ id });
        this.onload?.();
      }, 0);
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

describe('DeployPage', () => {
  it('checks what the manager checks before sending anything', () => {
    const fetchMock = stubOperations({});
    renderPage(<DeployPage />);

    deploy();
    expect(screen.getByText('Enter a name.')).toBeTruthy();
    expect(screen.getByText('Enter a version, e.g. 1.0.0.')).toBeTruthy();
    expect(screen.getByText(/Enter an image on the manager’s engine/)).toBeTruthy();

    type('Name', 'Iris-Model');
    type('Version', '1.0');
    deploy();
    expect(screen.getByText(/Use lower-case letters, digits and “_”/)).toBeTruthy();
    expect(screen.getByText(/Use a SemVer version/)).toBeTruthy();
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');

    type('Name', 'manager');
    deploy();
    expect(screen.getByText('“manager” is the manager’s own name.')).toBeTruthy();

    type('Name', 'x'.repeat(64));
    deploy();
    expect(screen.getByText('Use at most 63 characters.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('deploys an image with its environment, secrets marked, then follows the deployment', async () => {
    const fetchMock = stubOperations({ DeployService: queued('5') });
    const page = renderPage(<DeployPage />);

    type('Name', 'iris');
    type('Version', '1.0.0-rc.1');
    type('Image reference', 'daeploy-test/busybox:1');
    fireEvent.click(screen.getByRole('button', { name: 'Add a variable' }));
    type('Variable 1 name', 'API_KEY');
    type('Variable 1 value', 's3cret');
    fireEvent.click(screen.getByLabelText('Secret'));
    deploy();

    await waitFor(() => expect(sentOperations(fetchMock, 'DeployService')).toHaveLength(1));
    expect(sentOperations(fetchMock, 'DeployService')[0].body.variables).toEqual({
      input: {
        name: 'iris',
        version: '1.0.0-rc.1',
        port: 8000,
        env: [{ name: 'API_KEY', value: 's3cret', secret: true }],
        source: { image: 'daeploy-test/busybox:1' },
      },
    });
    await waitFor(() => expect(page.location()).toBe('/deployments/5'));
  });

  it('puts the manager’s objections on the fields they concern', async () => {
    stubOperations({
      DeployService: [
        () => errorResponse('SERVICE_EXISTS', 'iris 1.0.0 is deployed already'),
        () => errorResponse('IMAGE_NOT_FOUND', 'No image nope:1 on the engine'),
      ],
    });
    renderPage(<DeployPage />);
    type('Name', 'iris');
    type('Version', '1.0.0');
    type('Image reference', 'nope:1');

    deploy();
    expect(
      await screen.findByText('iris 1.0.0 is deployed already', { selector: '.field__error' }),
    ).toBeTruthy();

    deploy();
    expect(
      await screen.findByText('No image nope:1 on the engine', { selector: '.field__error' }),
    ).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('IMAGE_NOT_FOUND');
  });

  it('packs a chosen folder, uploads it, deploys it as a tar source and opens the deployment', async () => {
    const uploads = stubUploads('up-42');
    const fetchMock = stubOperations({
      DeployService: queued('17'),
    });
    const page = renderPage(<DeployPage />);
    type('Name', 'hello');
    type('Version', '2.0.0');
    fireEvent.click(screen.getByLabelText('Source folder'));
    const main = new File(['print("hi")\n'], 'app.py');
    Object.defineProperty(main, 'webkitRelativePath', { value: 'hello-src/app.py' });
    fireEvent.change(screen.getByTestId('folder-input'), { target: { files: [main] } });
    expect(screen.getByText(/Folder/).textContent).toContain('hello-src');
    type('Builder image (optional)', 'daeploy-test/s2i-busybox:1');

    deploy();

    await waitFor(() => expect(page.location()).toBe('/deployments/17'));
    expect(uploads).toHaveLength(1);
    expect(uploads[0].url).toBe('/uploads');
    const part = uploads[0].body.get('file') as File;
    expect(part.name).toBe('hello-src.tar.gz');
    expect(sentOperations(fetchMock, 'DeployService')[0].body.variables).toEqual({
      input: {
        name: 'hello',
        version: '2.0.0',
        port: 8000,
        env: [],
        source: { tar: { uploadId: 'up-42' } },
        builderImage: 'daeploy-test/s2i-busybox:1',
      },
    });
  });

  it('deploys a git source with its ref, after checking the URL', async () => {
    const fetchMock = stubOperations({ DeployService: queued('23') });
    const page = renderPage(<DeployPage />);
    type('Name', 'model');
    type('Version', '0.1.0');
    fireEvent.click(screen.getByLabelText('Git'));
    type('Repository URL', 'not a url');
    deploy();
    expect(screen.getByText(/Use an http\(s\), git, ssh or file URL/)).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();

    type('Repository URL', 'https://git.example/model.git');
    type('Ref (optional)', 'v0.1.0');
    deploy();

    await waitFor(() => expect(page.location()).toBe('/deployments/23'));
    expect(sentOperations(fetchMock, 'DeployService')[0].body.variables).toMatchObject({
      input: { source: { git: { url: 'https://git.example/model.git', ref: 'v0.1.0' } } },
    });
  });
});
