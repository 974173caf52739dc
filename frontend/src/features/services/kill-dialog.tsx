import { useId, useState } from 'react';
import { useLocation } from 'wouter';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useToast } from '../../components/toaster';
import { KillServiceDocument } from '../../gql/graphql';
import { useMutation } from '../../lib/use-mutation';
import type { ServiceRow } from './use-live-services';

interface KillDialogProps {
  service: ServiceRow;
  /** The service's other versions: a main with shadows needs one of them to take over. */
  others: ServiceRow[];
  onError: (error: Error) => void;
}

/** Kills a version after asking, naming the version that takes over when it is a main with shadows. */
export function KillDialog({ service, others, onError }: KillDialogProps) {
  const kill = useMutation(KillServiceDocument);
  const toast = useToast();
  const [, navigate] = useLocation();
  const [removeImage, setRemoveImage] = useState(false);
  const needsSuccessor = service.main && others.length > 0;
  const [newMain, setNewMain] = useState('');
  const successorId = useId();
  const imageId = useId();

  const confirm = async () => {
    const { data, error } = await kill.mutate({
      input: {
        name: service.name,
        version: service.version,
        removeImage,
        ...(needsSuccessor ? { newMain } : {}),
      },
    });
    if (error) {
      onError(error);
      return;
    }
    toast({
      tone: 'ok',
      title: `Killed ${service.name} ${service.version}`,
      description: data?.killService.imageRemoved ? 'Its image was removed too.' : undefined,
    });
    navigate(others.length > 0 ? `/services/${service.name}` : '/');
  };

  return (
    <ConfirmDialog
      trigger={
        <button type="button" className="button button--danger" disabled={kill.loading}>
          {kill.loading ? 'Killing…' : 'Kill'}
        </button>
      }
      title={`Kill ${service.name} ${service.version}?`}
      confirmLabel={`Kill ${service.version}`}
      confirmDisabled={needsSuccessor && newMain === ''}
      onConfirm={confirm}
    >
      <p>
        Its container is stopped and removed, and <code>{service.path}</code> stops answering. This cannot be
        undone.
      </p>
      {needsSuccessor && (
        <div className="field">
          <label className="field__label" htmlFor={successorId}>
            The new main version (required: {service.version} is main and has shadows)
          </label>
          <select
            id={successorId}
            className="input"
            value={newMain}
            onChange={(event) => setNewMain(event.target.value)}
          >
            <option value="">Choose a version…</option>
            {others.map((other) => (
              <option key={other.version} value={other.version}>
                {other.version}
              </option>
            ))}
          </select>
        </div>
      )}
      <label className="checkbox" htmlFor={imageId}>
        <input
          id={imageId}
          type="checkbox"
          checked={removeImage}
          onChange={(event) => setRemoveImage(event.target.checked)}
        />
        Also remove its image <code>{service.image}</code> when nothing else uses it
      </label>
    </ConfirmDialog>
  );
}
