import { useId, useRef, useState, type DragEvent } from 'react';
import { filesOfDroppedFolder, filesOfPickedFolder, type FolderFile } from './pack-folder';

/** What was chosen: one file as it is, or a folder's files to pack. */
export type Chosen = { kind: 'file'; file: File } | { kind: 'folder'; name: string; files: FolderFile[] };

interface DropZoneProps {
  /** Says what to drop, e.g. "a source folder, or its .tar.gz". */
  prompt: string;
  /** Accepted file types for the file picker, e.g. `.tar,.tar.gz,.tgz`. */
  accept: string;
  /** Whether a folder may be dropped or picked (a source); otherwise one file. */
  folders: boolean;
  chosen: Chosen | null;
  onChoose: (chosen: Chosen | null) => void;
  error?: string;
  /** The id of the label that names the zone. */
  labelId: string;
}

/** Drop a folder or a file here, or pick one with the buttons (which keyboard users reach). */
export function DropZone({ prompt, accept, folders, chosen, onChoose, error, labelId }: DropZoneProps) {
  const [over, setOver] = useState(false);
  const [reading, setReading] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const errorId = useId();

  const drop = async (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const item = event.dataTransfer.items?.[0];
    const entry = item?.webkitGetAsEntry?.();
    if (folders && entry?.isDirectory) {
      setReading(true);
      try {
        onChoose({
          kind: 'folder',
          name: entry.name,
          files: await filesOfDroppedFolder(entry as FileSystemDirectoryEntry),
        });
      } finally {
        setReading(false);
      }
      return;
    }
    const file = event.dataTransfer.files?.[0];
    if (file) {
      onChoose({ kind: 'file', file });
    }
  };

  return (
    <div
      className={`drop-zone${over ? ' drop-zone--over' : ''}${error ? ' drop-zone--invalid' : ''}`}
      role="group"
      aria-labelledby={labelId}
      aria-describedby={error ? errorId : undefined}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <p className="drop-zone__prompt">
        {reading ? 'Reading the folder…' : chosen ? <ChosenText chosen={chosen} /> : `Drop ${prompt} here`}
      </p>
      <div className="drop-zone__buttons">
        {folders && (
          <button type="button" className="button button--small" onClick={() => folderInput.current?.click()}>
            Choose a folder…
          </button>
        )}
        <button type="button" className="button button--small" onClick={() => fileInput.current?.click()}>
          Choose a file…
        </button>
        {chosen && (
          <button type="button" className="button button--small" onClick={() => onChoose(null)}>
            Clear
          </button>
        )}
      </div>
      <input
        ref={fileInput}
        type="file"
        accept={accept}
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) {
            onChoose({ kind: 'file', file });
          }
          event.target.value = '';
        }}
      />
      {folders && (
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="folder-input"
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(event) => {
            const list = event.target.files;
            if (list && list.length > 0) {
              const name = (list[0].webkitRelativePath || list[0].name).split('/')[0];
              onChoose({ kind: 'folder', name, files: filesOfPickedFolder(list) });
            }
            event.target.value = '';
          }}
        />
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

function ChosenText({ chosen }: { chosen: Chosen }) {
  if (chosen.kind === 'file') {
    return (
      <>
        <strong>{chosen.file.name}</strong> ({formatBytes(chosen.file.size)})
      </>
    );
  }
  const bytes = chosen.files.reduce((sum, item) => sum + item.file.size, 0);
  return (
    <>
      Folder <strong>{chosen.name}</strong>: {chosen.files.length} files, {formatBytes(bytes)} (packed as
      .tar.gz)
    </>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
