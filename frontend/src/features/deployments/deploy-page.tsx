import { useId, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useToast } from '../../components/toaster';
import { DeployServiceDocument, type DeployServiceInput, type DeploySourceInput } from '../../gql/graphql';
import { GraphqlRequestError } from '../../lib/graphql-client';
import { upload } from '../../lib/upload';
import { useMutation } from '../../lib/use-mutation';
import { usePageTitle } from '../../lib/use-page-title';
import {
  cpusProblem,
  envNameProblem,
  gitUrlProblem,
  imageProblem,
  memoryProblem,
  nameProblem,
  parseRequirements,
  portProblem,
  versionProblem,
} from './deploy-rules';
import { DropZone, formatBytes, type Chosen } from './drop-zone';
import { packTarGz } from './pack-folder';
import './deployments.css';

export type SourceKind = 'image' | 'git' | 'tar' | 'pickle' | 'imageUpload';

const SOURCES: Array<{ kind: SourceKind; label: string; hint: string }> = [
  { kind: 'image', label: 'Image', hint: 'An image already on the manager’s Docker engine.' },
  { kind: 'git', label: 'Git', hint: 'A repository, cloned and built with Source-to-Image.' },
  { kind: 'tar', label: 'Source folder', hint: 'A folder or its .tar.gz, built with Source-to-Image.' },
  { kind: 'pickle', label: 'Pickled model', hint: 'A pickle, served at POST /predict.' },
  { kind: 'imageUpload', label: 'Image archive', hint: 'A `docker save` tarball, loaded into the engine.' },
];

interface EnvRow {
  id: number;
  name: string;
  value: string;
  secret: boolean;
}

type Errors = Partial<Record<string, string>>;

/**
 * One form for every way to deploy a version: from an image, a git URL and ref, a source folder or
 * its .tar.gz (dropped or picked), a pickled model with its requirements, or an image archive. It
 * checks what the manager checks before sending anything, puts the manager's own objections on
 * their fields, uploads what needs uploading, then opens the deployment, which follows the job
 * (its state and build log) live.
 */
export function DeployPage() {
  usePageTitle('Deploy');
  const [, navigate] = useLocation();
  const toast = useToast();
  const deployService = useMutation(DeployServiceDocument);
  const [kind, setKind] = useState<SourceKind>('image');
  const [values, setValues] = useState({
    name: '',
    version: '',
    image: '',
    gitUrl: '',
    gitRef: '',
    requirements: '',
    port: '8000',
    builderImage: '',
    healthPath: '',
    memoryMb: '',
    cpus: '',
    command: '',
  });
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [env, setEnv] = useState<EnvRow[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<Error | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const nextEnvId = useRef(1);
  const formRef = useRef<HTMLFormElement>(null);
  const sourceLabelId = useId();
  const fileLabelId = useId();
  const requirementsId = useId();
  const commandId = useId();

  const set = (field: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  const busy = progress !== null;

  const validate = (): Errors => {
    const found: Errors = {
      name: nameProblem(values.name.trim()),
      version: versionProblem(values.version.trim()),
      port: portProblem(values.port.trim()),
      memoryMb: memoryProblem(values.memoryMb.trim()),
      cpus: cpusProblem(values.cpus.trim()),
    };
    if (kind === 'image') {
      found.image = imageProblem(values.image.trim());
    } else if (kind === 'git') {
      found.gitUrl = gitUrlProblem(values.gitUrl.trim());
    } else if (!chosen) {
      found.file =
        kind === 'tar'
          ? 'Drop or choose the source folder, or its .tar.gz.'
          : kind === 'pickle'
            ? 'Drop or choose the pickled model.'
            : 'Drop or choose the image archive.';
    } else if (kind === 'tar' && chosen.kind === 'file' && !/\.(tar|tar\.gz|tgz)$/i.test(chosen.file.name)) {
      found.file = 'Use a .tar or .tar.gz of the folder, or the folder itself.';
    } else if (kind === 'tar' && chosen.kind === 'folder' && chosen.files.length === 0) {
      found.file = 'The folder is empty.';
    }
    const names = new Set<string>();
    for (const row of env) {
      const problem =
        envNameProblem(row.name.trim()) ?? (names.has(row.name.trim()) ? 'Named twice.' : undefined);
      names.add(row.name.trim());
      if (problem) {
        found[`env.${row.id}`] = problem;
      }
    }
    return Object.fromEntries(Object.entries(found).filter(([, problem]) => problem)) as Errors;
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFailure(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      // the first field the user has to fix gets the focus
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }

    const input: DeployServiceInput = {
      name: values.name.trim(),
      version: values.version.trim(),
      port: Number(values.port),
      env: env.map((row) => ({ name: row.name.trim(), value: row.value, secret: row.secret })),
    };
    const command = values.command
      .split('\n')
      .map((part) => part.trim())
      .filter(Boolean);
    if (command.length > 0) {
      input.command = command;
    }
    if (values.memoryMb.trim() || values.cpus.trim()) {
      input.resources = {
        ...(values.memoryMb.trim() ? { memoryMb: Number(values.memoryMb) } : {}),
        ...(values.cpus.trim() ? { cpus: Number(values.cpus) } : {}),
      };
    }
    if (values.healthPath.trim()) {
      input.healthCheck = { kind: 'HTTP', path: values.healthPath.trim() };
    }

    try {
      input.source = await sourceInput(kind, values, chosen, setProgress);
      if (values.builderImage.trim() && kind !== 'image' && kind !== 'imageUpload') {
        input.builderImage = values.builderImage.trim();
      }
      setProgress('Starting the deployment…');
      const { data, error } = await deployService.mutate({ input });
      if (error) {
        throw error;
      }
      const deployment = data?.deployService.deployment;
      toast({
        title: `Deploying ${input.name} ${input.version}`,
        description: `Deployment ${deployment?.id}`,
      });
      navigate(`/deployments/${deployment?.id}`);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const fieldErrors = errorsOnFields(error);
      if (fieldErrors) {
        setErrors(fieldErrors);
      }
      setFailure(error);
    } finally {
      setProgress(null);
    }
  };

  const sourceHint = SOURCES.find((source) => source.kind === kind)?.hint;

  return (
    <section className="panel" aria-labelledby="deploy-heading">
      <header className="panel__header">
        <h1 id="deploy-heading" className="panel__title">
          Deploy
        </h1>
      </header>
      <p className="panel__intro">
        The first version of a name becomes its main version; later ones start as shadows, which receive a
        mirrored copy of main’s requests until you make one main.
      </p>
      {failure && <ErrorMessage title="Could not deploy" error={failure} />}

      <form ref={formRef} className="deploy-form" noValidate onSubmit={submit} aria-busy={busy}>
        <div className="deploy-form__row">
          <Field
            label="Name"
            name="name"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            placeholder="iris_classifier"
            hint="Lower-case letters, digits and “_”."
            value={values.name}
            error={errors.name}
            onChange={set('name')}
          />
          <Field
            label="Version"
            name="version"
            autoComplete="off"
            spellCheck={false}
            placeholder="1.0.0"
            hint="SemVer, e.g. 1.0.0 or 1.1.0-rc.1."
            value={values.version}
            error={errors.version}
            onChange={set('version')}
          />
        </div>

        <fieldset className="deploy-form__source">
          <legend id={sourceLabelId} className="field__label">
            Source
          </legend>
          <div className="segmented" role="radiogroup" aria-labelledby={sourceLabelId}>
            {SOURCES.map((source) => (
              <label
                key={source.kind}
                className={`segmented__option${kind === source.kind ? ' segmented__option--on' : ''}`}
              >
                <input
                  type="radio"
                  name="source"
                  value={source.kind}
                  checked={kind === source.kind}
                  onChange={() => {
                    setKind(source.kind);
                    setChosen(null);
                    setErrors({});
                  }}
                />
                {source.label}
              </label>
            ))}
          </div>
          <p className="field__hint">{sourceHint}</p>

          {kind === 'image' && (
            <Field
              label="Image reference"
              name="image"
              autoComplete="off"
              spellCheck={false}
              placeholder="my_model:1.0.0"
              hint="Nothing is pulled: the image must be on the manager’s engine."
              value={values.image}
              error={errors.image}
              onChange={set('image')}
            />
          )}
          {kind === 'git' && (
            <div className="deploy-form__row">
              <Field
                label="Repository URL"
                name="gitUrl"
                type="url"
                autoComplete="off"
                spellCheck={false}
                placeholder="https://github.com/you/model.git"
                value={values.gitUrl}
                error={errors.gitUrl}
                onChange={set('gitUrl')}
              />
              <Field
                label="Ref (optional)"
                name="gitRef"
                autoComplete="off"
                spellCheck={false}
                placeholder="main"
                hint="A branch, tag or commit; the default branch when empty."
                value={values.gitRef}
                onChange={set('gitRef')}
              />
            </div>
          )}
          {(kind === 'tar' || kind === 'pickle' || kind === 'imageUpload') && (
            <div className="field field--wide">
              <span id={fileLabelId} className="field__label">
                {kind === 'tar'
                  ? 'Source folder or .tar.gz'
                  : kind === 'pickle'
                    ? 'Pickled model'
                    : 'Image archive'}
              </span>
              <DropZone
                labelId={fileLabelId}
                prompt={
                  kind === 'tar'
                    ? 'a source folder, or its .tar.gz,'
                    : kind === 'pickle'
                      ? 'a .pkl file'
                      : 'a docker save .tar'
                }
                accept={
                  kind === 'tar' ? '.tar,.tar.gz,.tgz' : kind === 'pickle' ? '.pkl,.pickle,.joblib' : '.tar'
                }
                folders={kind === 'tar'}
                chosen={chosen}
                onChoose={(next) => {
                  setChosen(next);
                  setErrors((current) => ({ ...current, file: undefined }));
                }}
                error={errors.file}
              />
            </div>
          )}
          {kind === 'pickle' && (
            <div className="field field--wide">
              <label className="field__label" htmlFor={requirementsId}>
                Requirements
              </label>
              <textarea
                id={requirementsId}
                className="input"
                name="requirements"
                rows={3}
                placeholder={'scikit-learn\nnumpy'}
                value={values.requirements}
                onChange={set('requirements')}
              />
              <p className="field__hint">What the model needs to load, one pip requirement a line.</p>
            </div>
          )}
          {kind !== 'image' && kind !== 'imageUpload' && (
            <Field
              label="Builder image (optional)"
              name="builderImage"
              autoComplete="off"
              spellCheck={false}
              placeholder="daeploy/s2i-python"
              hint="The Source-to-Image builder; the manager’s default when empty."
              value={values.builderImage}
              onChange={set('builderImage')}
            />
          )}
        </fieldset>

        <div className="deploy-form__row">
          <Field
            label="Port"
            name="port"
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            hint="Where the service listens in its container."
            value={values.port}
            error={errors.port}
            onChange={set('port')}
          />
          <Field
            label="Health check path (optional)"
            name="healthPath"
            autoComplete="off"
            placeholder="/healthz"
            hint="Routed once a GET of it answers 2xx or 3xx."
            value={values.healthPath}
            onChange={set('healthPath')}
          />
        </div>

        <fieldset className="deploy-form__env">
          <legend className="field__label">Environment</legend>
          {env.length === 0 && <p className="field__hint">No variables of your own.</p>}
          {env.map((row, index) => (
            <div className="env-row" key={row.id}>
              <Field
                label={`Variable ${index + 1} name`}
                value={row.name}
                autoComplete="off"
                spellCheck={false}
                error={errors[`env.${row.id}`]}
                onChange={(event) =>
                  setEnv((rows) =>
                    rows.map((item) => (item.id === row.id ? { ...item, name: event.target.value } : item)),
                  )
                }
              />
              <Field
                label={`Variable ${index + 1} value`}
                value={row.value}
                type={row.secret ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) =>
                  setEnv((rows) =>
                    rows.map((item) => (item.id === row.id ? { ...item, value: event.target.value } : item)),
                  )
                }
              />
              <label className="checkbox env-row__secret">
                <input
                  type="checkbox"
                  checked={row.secret}
                  onChange={(event) =>
                    setEnv((rows) =>
                      rows.map((item) =>
                        item.id === row.id ? { ...item, secret: event.target.checked } : item,
                      ),
                    )
                  }
                />
                Secret
              </label>
              <button
                type="button"
                className="button button--small"
                aria-label={`Remove variable ${index + 1}`}
                onClick={() => setEnv((rows) => rows.filter((item) => item.id !== row.id))}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              setEnv((rows) => [...rows, { id: nextEnvId.current++, name: '', value: '', secret: false }])
            }
          >
            Add a variable
          </button>
          <p className="field__hint">
            Secrets reach the container but are masked everywhere the manager shows them.
          </p>
        </fieldset>

        <details className="deploy-form__more">
          <summary>Command and limits</summary>
          <div className="deploy-form__row">
            <div className="field field--wide">
              <label className="field__label" htmlFor={commandId}>
                Command (optional)
              </label>
              <textarea
                id={commandId}
                className="input mono"
                name="command"
                rows={3}
                placeholder={'/bin/busybox\nhttpd\n-f'}
                value={values.command}
                onChange={set('command')}
              />
              <p className="field__hint">Replaces the image’s command: one argument a line.</p>
            </div>
          </div>
          <div className="deploy-form__row">
            <Field
              label="Memory limit (MiB)"
              name="memoryMb"
              type="number"
              inputMode="numeric"
              min={6}
              value={values.memoryMb}
              error={errors.memoryMb}
              onChange={set('memoryMb')}
            />
            <Field
              label="CPU limit (cores)"
              name="cpus"
              type="number"
              inputMode="decimal"
              min={0}
              step={0.1}
              value={values.cpus}
              error={errors.cpus}
              onChange={set('cpus')}
            />
          </div>
        </details>

        <div className="form__actions form__actions--end">
          {progress && (
            <span className="deploy-form__progress" role="status">
              {progress}
            </span>
          )}
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
      </form>
    </section>
  );
}

async function sourceInput(
  kind: SourceKind,
  values: { image: string; gitUrl: string; gitRef: string; requirements: string },
  chosen: Chosen | null,
  setProgress: (progress: string) => void,
): Promise<DeploySourceInput> {
  if (kind === 'image') {
    return { image: values.image.trim() };
  }
  if (kind === 'git') {
    return {
      git: { url: values.gitUrl.trim(), ...(values.gitRef.trim() ? { ref: values.gitRef.trim() } : {}) },
    };
  }
  if (!chosen) {
    throw new Error('Choose what to deploy.');
  }
  let blob: Blob;
  let fileName: string;
  if (chosen.kind === 'folder') {
    setProgress(`Packing ${chosen.files.length} files…`);
    blob = await packTarGz(chosen.files);
    fileName = `${chosen.name}.tar.gz`;
  } else {
    blob = chosen.file;
    fileName = chosen.file.name;
  }
  setProgress(`Uploading ${formatBytes(blob.size)}…`);
  const id = await upload(blob, fileName, (sent, total) =>
    setProgress(`Uploading ${formatBytes(sent)} of ${formatBytes(total)}…`),
  );
  switch (kind) {
    case 'tar':
      return { tar: { uploadId: id } };
    case 'pickle':
      return { pickle: { uploadId: id, requirements: parseRequirements(values.requirements) } };
    default:
      return { imageUpload: { uploadId: id } };
  }
}

/** The manager's `INVALID_*` answers on the fields they name (`extensions.field`, e.g. `input.name`). */
function errorsOnFields(error: Error): Errors | null {
  if (!(error instanceof GraphqlRequestError)) {
    return null;
  }
  const found: Errors = {};
  for (const item of error.errors) {
    const code = item.extensions?.code;
    const field = String(item.extensions?.field ?? '').replace(/^input\./, '');
    if (code === 'INVALID_NAME' || field === 'name') {
      found.name = item.message;
    } else if (code === 'INVALID_VERSION' || field === 'version') {
      found.version = item.message;
    } else if (code === 'SERVICE_EXISTS') {
      found.version = item.message;
    } else if (code === 'IMAGE_NOT_FOUND' || field === 'image') {
      found.image = item.message;
    } else if (field === 'port') {
      found.port = item.message;
    } else if (field.startsWith('resources.memoryMb')) {
      found.memoryMb = item.message;
    } else if (field.startsWith('resources.cpus')) {
      found.cpus = item.message;
    } else if (field.startsWith('source.git')) {
      found.gitUrl = item.message;
    }
  }
  return Object.keys(found).length > 0 ? found : null;
}
